from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import access, liking, pages, posting, ratelimits, reading, viewcounts
from forum.forms import PostForm, ThreadForm
from forum.quoting import quote_markdown


def index(request):
    return render(request, "forum/index.html", {"boards": pages.board_list(request.user)})


def board(request, slug):
    board = access.access_board(request.user, slug)
    page = pages.board_page(request.user, board, request.GET.get("page"))
    return render(request, "forum/board.html", {
        "board": board, "page": page, "may_start": access.may_start_thread(request.user, board),
        "unread": reading.unread_thread_ids(request.user, page),
    })


def thread(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    page = pages.thread_page(request.user, thread, request.GET.get("page"))
    may_reply = access.may_reply(request.user, thread)
    initial = {}
    quote_id = request.GET.get("quote", "")
    if may_reply and quote_id.isdigit():
        quoted = pages.visible_posts(request.user, thread).select_related("author").filter(pk=quote_id).first()
        if quoted:
            initial["source"] = quote_markdown(quoted)
    viewcounts.record_view(thread.pk)
    if request.user.is_authenticated and page.object_list:
        reading.mark_read(user=request.user, thread=thread, post=page.object_list[-1])
    return render(request, "forum/thread.html", {
        "thread": thread, "page": page, "form": PostForm(initial=initial),
        "may_reply": may_reply, "moderator": access.is_moderator(request.user),
    })


@login_required
def first_unread(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    post = reading.first_unread_post(request.user, thread, pages.visible_posts(request.user, thread))
    return redirect(post) if post else redirect(thread)


def _too_fast(request, template, context, refusal):
    context["form"].add_error(None, _("You are posting too fast. Please wait %(seconds)d seconds and try again.")
                              % {"seconds": refusal.retry_after})
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def post_permalink(request, post_id):
    post = access.access_post(request.user, post_id)
    page = pages.page_of_post(request.user, post)
    url = reverse("forum:thread", args=[post.thread_id])
    return redirect(f"{url}?page={page}#p{post.pk}" if page > 1 else f"{url}#p{post.pk}")


@login_required
def new_thread(request, slug):
    board = access.access_board(request.user, slug)
    if not access.may_start_thread(request.user, board):
        raise PermissionDenied
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        too_fast = ratelimits.consume_posting(request, kind="thread")
        if too_fast:
            return _too_fast(request, "forum/new_thread.html", {"board": board, "form": form}, too_fast)
        try:
            thread = posting.start_thread(board=board, author=request.user, **form.cleaned_data)
            return redirect(thread)
        except posting.PostingRefused as refusal:
            form.add_error(None, str(refusal))
    status = 400 if request.method == "POST" else 200
    return render(request, "forum/new_thread.html", {"board": board, "form": form}, status=status)


@require_POST
@login_required
def reply(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    form = PostForm(request.POST)
    if form.is_valid():
        too_fast = ratelimits.consume_posting(request, kind="post")
        if too_fast:
            return _too_fast(request, "forum/reply.html", {"thread": thread, "form": form}, too_fast)
        try:
            post = posting.reply(thread=thread, author=request.user, source=form.cleaned_data["source"])
            return redirect(post)
        except posting.PostingRefused as refusal:
            form.add_error(None, str(refusal))
    # The text typed comes back in the form: nothing is lost.
    return render(request, "forum/reply.html", {"thread": thread, "form": form}, status=400)


@login_required
def edit_post(request, post_id):
    post = access.access_post(request.user, post_id)
    if not access.may_edit(request.user, post):
        raise PermissionDenied
    form = PostForm(request.POST or None, initial={"source": post.source})
    if request.method == "POST" and form.is_valid():
        try:
            posting.edit_post(post=post, editor=request.user, source=form.cleaned_data["source"])
            return redirect(post)
        except posting.PostingRefused as refusal:
            form.add_error(None, str(refusal))
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
    return redirect(post)
