"""Poll pages: open a poll (product managers), answer it (fans), close it early (product managers).

Unknown polls and polls in threads the user may not read are 404
(polls.polling.access_poll); refusals come back as form errors or messages with
a 4xx status, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import access
from polls import polling
from polls.forms import BallotForm, PollForm
from polls.panel import render_poll_box


def _poll_url(poll) -> str:
    return f"{poll.thread.get_absolute_url()}#poll-{poll.pk}"


@login_required
def open_poll(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    if not thread.board.holds_ideas:
        raise Http404
    if not polling.may_manage_polls(request.user):
        raise PermissionDenied
    product = polling.product_of_thread(thread)
    form = PollForm(request.POST or None, product=product)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                poll = polling.open_poll(
                    thread=thread,
                    by=request.user,
                    question=data["question"],
                    choice=data["choice"],
                    results=data["results"],
                    closes_at=data["closes_at"],
                    labels=data["labels"],
                    ideas=data.get("ideas", []),
                )
            except polling.PollRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The poll is open."))
                return redirect(_poll_url(poll))
        return render(request, "polls/new.html", {"form": form, "thread": thread}, status=400)
    return render(request, "polls/new.html", {"form": form, "thread": thread})


@require_POST
@login_required
def answer(request, poll_id):
    poll = polling.access_poll(request.user, poll_id)
    htmx = request.headers.get("HX-Request") == "true"
    form = BallotForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form.errors["option"][0]
    else:
        try:
            polling.cast_ballot(poll=poll, user=request.user, option_ids=form.cleaned_data["option"])
        except polling.PollRefused as refusal:
            error = str(refusal)
    if htmx:
        # htmx swaps only 2xx answers (its default): the box comes back with the error inside it.
        return HttpResponse(render_poll_box(request, poll, error=error))
    if error:
        return render(
            request,
            "polls/answer.html",
            {"poll": poll, "error": error, "box": render_poll_box(request, poll)},
            status=400,
        )
    messages.success(request, _("Thank you: your answer is in."))
    return redirect(_poll_url(poll))


@login_required
def close(request, poll_id):
    """GET asks first; POST closes."""
    poll = polling.access_poll(request.user, poll_id)
    if not polling.may_manage_polls(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "polls/close.html", {"poll": poll})
    if polling.close_poll(poll=poll, by=request.user):
        messages.success(request, _("The poll is closed and its result is posted in the thread."))
        return redirect(_poll_url(poll))
    messages.error(request, _("This poll was closed already."))
    return render(request, "polls/close.html", {"poll": poll, "closed": True}, status=409)
