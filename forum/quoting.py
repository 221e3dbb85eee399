"""Quote-reply: the Markdown a reply starts with when a fan quotes a post."""

from django.urls import reverse

from forum.models import Post

QUOTE_MAX_CHARS = 1000


def quote_markdown(post: Post) -> str:
    """`> @author [#id](/p/id/)` and the quoted text, without the quotes it quoted
    (so replying to a reply does not nest deeper and deeper)."""
    lines = [line for line in post.source.splitlines() if not line.lstrip().startswith(">")]
    text = "\n".join(lines).strip()
    if len(text) > QUOTE_MAX_CHARS:
        text = text[:QUOTE_MAX_CHARS].rstrip() + "…"
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    header = f"> @{post.author.username} [#{post.pk}]({reverse('forum:post', args=[post.pk])})"
    return f"{header}\n{quoted}\n\n"
