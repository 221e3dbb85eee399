"""{% thread_followed thread as following %}: whether the signed-in viewer follows the thread.

One query, for signed-in viewers only (anonymous pages, which are cached whole,
run none). It is a tag rather than part of forum.pages.thread_page only so the
thread view did not have to change while the page cache was being built there;
move it into thread_page when convenient.
"""

from django import template

from forum.following import is_following

register = template.Library()


@register.simple_tag(takes_context=True)
def thread_followed(context, thread) -> bool:
    return is_following(context["user"], thread)
