from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canyu.images import ImageRefused
from forum import (
    access,
    attachments,
    following,
    fragments,
    liking,
    pagecache,
    pages,
    panels,
    posting,
    ratelimits,
    reading,
    sharing,
    shells,
    viewcounts,
)
from forum.forms import PostForm, ThreadForm
from forum.models import POST_MAX, Post, Thread
from forum.quoting import quote_markdown


def index(request):
    return render(request, "forum/index.html", {"boards": pages.board_list(request.user)})


def board(request, slug):
    if shells.is_servable(request):
        return shells.serve_board(request, slug, build=lambda roles: _board_shell(request, slug, roles))
    if not pagecache.is_cacheable(request):
        return _render_board(request, access.access_board(request.user, slug))
    return pagecache.serve_anonymous(
        request,
        kind="board",
        entry=access.board_entry(slug),
        render=lambda: _render_board(request, access.access_board(request.user, slug)),
    )


def _render_board(request, board):
    page = pages.board_page(request.user, board, request.GET.get("page"))
    return render(
        request,
        "forum/board.html",
        {
            "board": board,
            "page": page,
            "may_start": access.may_start_thread(request.user, board),
            "rows": fragments.render_thread_rows(page.object_list),
        },
    )


def _board_shell(request, slug, roles) -> shells.BoardShell:
    """The board page for readers with ``roles``, with holes for what each sees of their own."""
    board = access.access_board(request.user, slug)
    page = pages.board_page(request.user, board, request.GET.get("page"))
    rows = page.object_list
    html = render_to_string(
        "forum/board.html",
        {
            "board": board,
            "page": page,
            "start_box": shells.hole("start"),
            "account_nav": shells.hole("account"),
            "csrf_token": shells.hole("csrf"),
            # An empty board has no rows to fill in, and says so.
            "rows": shells.hole("rows") if rows else "",
        },
        request,
    )
    return shells.board_shell(
        board=board,
        html=html,
        start=shells.render_part("forum/_start_thread.html", {"board": board}),
        rows=[
            (row["id"], row["last_activity_at"], states)
            for row, states in zip(rows, fragments.render_thread_row_states(rows), strict=True)
        ],
    )


def thread(request, thread_id):
    if shells.is_servable(request):
        response = shells.serve_thread(
            request,
            thread_id,
            build=lambda roles, entry: _thread_shell(request, entry, roles),
            render_panels=lambda: _reader_panels(request, thread_id),
        )
    elif pagecache.is_cacheable(request):
        entry = access.thread_entry(thread_id)
        response = pagecache.serve_anonymous(
            request, kind="thread", entry=entry, render=lambda: _render_thread(request, thread_id, entry)
        )
    else:
        response = _render_thread(request, thread_id)
    viewcounts.record_view(thread_id)
    return response


def _render_thread(request, thread_id, entry: access.Entry | None = None):
    """The page built from the rows; with the ``entry`` a visitor was allowed on, its thread in one query."""
    if entry is not None:
        thread = access.thread_of_entry(request.user, entry)
    else:
        thread = access.access_thread(request.user, thread_id)
    page = pages.thread_page(request.user, thread, request.GET.get("page"))
    may_reply = access.may_reply(request.user, thread)
    initial = {}
    quote_id = request.GET.get("quote", "")
    if may_reply and quote_id.isdigit():
        quoted = pages.visible_posts(request.user, thread).select_related("author").filter(pk=quote_id).first()
        if quoted:
            initial["source"] = quote_markdown(quoted)
    if request.user.is_authenticated and page.object_list:
        reading.mark_read(user=request.user, thread=thread, post=Post(pk=page.object_list[-1]["id"], thread=thread))
    moderator = access.is_moderator(request.user)
    form = PostForm(initial=initial)
    reader = fragments.Reader(
        user_id=request.user.pk, moderator=moderator, may_reply=may_reply, page_number=page.number
    )
    return render(
        request,
        "forum/thread.html",
        {
            "thread": thread,
            "page": page,
            "form": form,
            "reply_fields": fragments.form_fields(form),
            "posts": fragments.render_posts(page.object_list, reader),
            "may_reply": may_reply,
            "moderator": moderator,
            "following": following.is_following(request.user, thread),
            "panels": panels.render_panels(request, thread),
            "share": sharing.thread_share_card(thread, page),
        },
    )


def _thread_shell(request, entry, roles) -> shells.ThreadShell:
    """The thread page for readers with ``roles``, with holes for what each sees of their own."""
    thread = access.thread_of_entry(request.user, entry)
    has_panels = panels.concern(thread)
    page = pages.thread_page(request.user, thread, request.GET.get("page"), likes=False)
    rows = page.object_list
    # What the shell's kind of reader may do, not its builder: every reader of the kind gets this shell.
    may_reply = access.may_reply_to(thread, moderator=roles.moderator)
    reader = fragments.Reader(user_id=None, moderator=roles.moderator, may_reply=may_reply, page_number=page.number)
    form = PostForm()
    html = render_to_string(
        "forum/thread.html",
        {
            "thread": thread,
            "page": page,
            "form": form,
            "reply_fields": fragments.form_fields(form),
            "posts": shells.hole("posts"),
            "may_reply": may_reply,
            "moderator": roles.moderator,
            # Panels the same for every reader are in the shell; each reader's own go into its hole.
            "panels": panels.render_panels(request, thread, shared=True)
            + ([shells.hole("panels")] if has_panels else []),
            "follow_box": shells.hole("follow"),
            "account_nav": shells.hole("account"),
            "csrf_token": shells.hole("csrf"),
            "share": sharing.thread_share_card(thread, page),
        },
        request,
    )
    follow = [
        shells.render_part("forum/_follow.html", {"thread": thread, "following": state, "request": request})
        for state in (False, True)
    ]
    return shells.thread_shell(
        html=html,
        follow=follow,
        posts=[
            (row["id"], row["author_id"], relations)
            for row, relations in zip(rows, fragments.render_post_relations(rows, reader), strict=True)
        ],
        last_post_id=rows[-1]["id"] if rows else None,
        panels=has_panels,
    )


def _reader_panels(request, thread_id) -> list[str]:
    """The panels of a thread whose shell the reader may read (forum.shells checked): one query for the
    thread and its board, and what the panels cost."""
    thread = get_object_or_404(Thread.objects.select_related("board", *panels.related()), pk=thread_id)
    return panels.render_panels(request, thread, shared=False)


@login_required
def first_unread(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    post = reading.first_unread_post(request.user, thread, pages.visible_posts(request.user, thread))
    return redirect(post) if post else redirect(thread)


def _write_post(request, form, write):
    """Store the attached picture (if any), append it to the text and call
    `write(source)`. Refusals go back into the form; a picture whose post is
    refused is deleted, so nothing is left behind."""
    source, image = form.cleaned_data["source"], None
    try:
        if form.cleaned_data.get("image"):
            image = attachments.store_post_image(uploader=request.user, upload=form.cleaned_data["image"])
            source = f"{source}\n\n{attachments.image_markdown(image)}".strip()
            if len(source) > POST_MAX:
                raise posting.PostingRefused(_("The text is too long to add the picture."))
        written = write(source)
        if image:
            attachments.mark_attached(image)
        return written
    except ImageRefused as refusal:
        form.add_error("image", refusal)
    except posting.PostingRefused as refusal:
        form.add_error(None, str(refusal))
    except ratelimits.LimitReached:
        # The caller answers 429 with the form; the picture goes, as with any refusal.
        if image:
            attachments.discard_post_image(image)
        raise
    if image:
        attachments.discard_post_image(image)
    return None


def post_permalink(request, post_id):
    return redirect(_place_of(request.user, access.access_post(request.user, post_id)))


def _place_of(user, post) -> str:
    """Where ``user`` sees ``post``: its page of the thread, at the post."""
    page = pages.page_of_post(user, post)
    url = reverse("forum:thread", args=[post.thread_id])
    return f"{url}?page={page}#p{post.pk}" if page > 1 else f"{url}#p{post.pk}"


@login_required
def new_thread(request, slug):
    board = access.access_board(request.user, slug)
    if board.holds_ideas:
        # An idea needs a product and an area: it is proposed on its product's ideas page (voting).
        return redirect("ideas:propose_in_board", board.slug)
    if not access.may_start_thread(request.user, board):
        raise PermissionDenied
    form = ThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        too_fast = ratelimits.consume_posting(request, kind="thread")
        if too_fast:
            return ratelimits.limited_response(
                request, "forum/new_thread.html", {"board": board, "form": form}, too_fast
            )
        try:
            thread = _write_post(
                request,
                form,
                lambda source: posting.start_thread(
                    board=board, author=request.user, title=form.cleaned_data["title"], source=source
                ),
            )
        except ratelimits.LimitReached as limit:
            return ratelimits.limited_response(request, "forum/new_thread.html", {"board": board, "form": form}, limit)
        if thread:
            return redirect(thread)
    status = 400 if request.method == "POST" else 200
    return render(request, "forum/new_thread.html", {"board": board, "form": form}, status=status)


@require_POST
@login_required
def reply(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    form = PostForm(request.POST, request.FILES)
    if not access.may_reply(request.user, thread):
        # No reply box for who cannot reply: their text is shown to copy, and nothing is stored.
        return render(request, "forum/reply.html", {"thread": thread, "form": form, "refused": True}, status=400)
    if form.is_valid():
        too_fast = ratelimits.consume_posting(request, kind="post")
        if too_fast:
            return ratelimits.limited_response(request, "forum/reply.html", {"thread": thread, "form": form}, too_fast)
        try:
            post = _write_post(
                request, form, lambda source: posting.reply(thread=thread, author=request.user, source=source)
            )
        except ratelimits.LimitReached as limit:
            return ratelimits.limited_response(request, "forum/reply.html", {"thread": thread, "form": form}, limit)
        if post:
            return redirect(post)
    # The text typed comes back in the form: nothing is lost.
    return render(request, "forum/reply.html", {"thread": thread, "form": form}, status=400)


@login_required
def edit_post(request, post_id):
    post = access.access_post(request.user, post_id)
    if not access.may_edit(request.user, post):
        raise PermissionDenied
    form = PostForm(request.POST or None, request.FILES or None, initial={"source": post.source})
    if request.method == "POST" and form.is_valid():
        edited = _write_post(
            request, form, lambda source: posting.edit_post(post=post, editor=request.user, source=source)
        )
        if edited:
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(request, "forum/edit_post.html", {"post": post, "form": form}, status=status)


@require_POST
@login_required
def delete_post(request, post_id):
    post = access.access_post(request.user, post_id)
    if not access.may_edit(request.user, post):
        raise PermissionDenied
    try:
        posting.delete_post(post=post, actor=request.user)
        messages.success(request, _("The post is deleted."))
    except posting.PostingRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(post.thread)


@require_POST
@login_required
def like(request, post_id):
    post = access.access_post(request.user, post_id)
    try:
        liking.toggle_like(post=post, user=request.user)
    except liking.LikeRefused as refusal:
        messages.error(request, str(refusal))
    except ratelimits.LimitReached as limit:
        return ratelimits.limit_page(request, limit, back=post.get_absolute_url())
    # Straight to the post's place, not through its permalink: a tap is one redirect, not two.
    return redirect(_place_of(request.user, post))
