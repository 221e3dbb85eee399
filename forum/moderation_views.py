"""Moderators' pages: thread and post actions, the report queue, the log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import access, moderation
from forum.forms import CloseReportForm, MoveForm, PostModerationForm, ReportForm, ThreadModerationForm
from forum.models import ModerationAction, Report


def _moderator_only(request):
    if not access.is_moderator(request.user):
        raise PermissionDenied


@require_POST
@login_required
def moderate_thread(request, thread_id):
    _moderator_only(request)
    thread = access.access_thread(request.user, thread_id)
    form = ThreadModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid action."))
    else:
        moderation.set_thread_flag(
            thread=thread, moderator=request.user, kind=form.cleaned_data["action"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Done."))
    return redirect(thread)


@login_required
def move_thread(request, thread_id):
    """A page of its own, not part of the thread's shell: the boards listed are those this moderator may read."""
    _moderator_only(request)
    thread = access.access_thread(request.user, thread_id)
    boards = moderation.move_targets(request.user)
    form = MoveForm(request.POST or None, boards=boards, initial={"board": thread.board_id})
    if request.method == "POST" and form.is_valid():
        try:
            moderation.move_thread(thread=thread, moderator=request.user, **form.cleaned_data)
        except moderation.ModerationRefused as refusal:
            form.add_error("board", str(refusal))
        else:
            messages.success(request, _("The thread is moved."))
            return redirect(thread)
    status = 400 if request.method == "POST" else 200
    return render(request, "forum/move_thread.html", {"thread": thread, "form": form}, status=status)


@require_POST
@login_required
def moderate_post(request, post_id):
    _moderator_only(request)
    post = access.access_post(request.user, post_id)
    form = PostModerationForm(request.POST)
    if form.is_valid():
        moderation.set_post_hidden(
            post=post,
            moderator=request.user,
            hidden=form.cleaned_data["action"] == "hide_post",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Done."))
    else:
        messages.error(request, _("Choose a valid action."))
    return redirect(post)


@login_required
def report_post(request, post_id):
    post = access.access_post(request.user, post_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report_post(post=post, reporter=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(post)
        except moderation.ReportRefused as refusal:
            form.add_error(None, str(refusal))
    status = 400 if request.method == "POST" else 200
    return render(request, "forum/report.html", {"post": post, "form": form}, status=status)


@login_required
def report_queue(request):
    _moderator_only(request)
    reports = (
        Report.objects.filter(state=Report.State.OPEN)
        .select_related("post", "post__author", "post__thread", "reporter")
        .order_by("created_at")
    )
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    return render(request, "forum/moderation_queue.html", {"page": page, "close_form": CloseReportForm()})


@require_POST
@login_required
def close_report(request, report_id):
    _moderator_only(request)
    report = get_object_or_404(Report.objects.select_related("post"), pk=report_id)
    form = CloseReportForm(request.POST)
    if form.is_valid():
        moderation.close_report(
            report=report,
            moderator=request.user,
            resolved=form.cleaned_data["outcome"] == "resolved",
            reason=form.cleaned_data["reason"],
        )
    return redirect("forum:report_queue")


@login_required
def moderation_log(request):
    if not request.user.is_staff:
        raise PermissionDenied
    actions = ModerationAction.objects.select_related("moderator", "thread", "post")
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(request, "forum/moderation_log.html", {"page": page})


@login_required
def post_revisions(request, post_id):
    _moderator_only(request)
    post = access.access_post(request.user, post_id)
    revisions = post.revisions.select_related("editor")
    return render(request, "forum/revisions.html", {"post": post, "revisions": revisions})
