"""Meetup pages: the list by city, a meetup (RSVP, cancel, .ics), organising one, the moderators'
review queue. Refusals are shown on the page with a 400 (a refused form keeps what was typed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum.access import is_moderator
from meetups import ics, organising, pages, rsvps
from meetups.forms import MeetupForm
from meetups.organisers import may_organise


def meetup_list(request):
    return render(
        request,
        "meetups/list.html",
        {"page": pages.meetup_list(request.user), "may_organise": may_organise(request.user)},
    )


def detail(request, meetup_id, *, error="", status=200):
    page = pages.meetup_page(request.user, meetup_id)
    return render(request, "meetups/detail.html", {"page": page, "error": error}, status=status)


@require_POST
@login_required
def answer(request, meetup_id):
    meetup = pages.access_meetup(request.user, meetup_id)
    try:
        rsvp = rsvps.answer_meetup(meetup=meetup, fan=request.user)
    except rsvps.RsvpRefused as refusal:
        return detail(request, meetup_id, error=str(refusal), status=400)
    if rsvp.status == rsvp.Status.GOING:
        messages.success(request, _("You have a seat. See you there!"))
    else:
        messages.info(
            request, _("The meetup is full: you are on the waiting list and will be told if a seat comes free.")
        )
    return redirect(meetup)


@require_POST
@login_required
def cancel(request, meetup_id):
    meetup = pages.access_meetup(request.user, meetup_id)
    try:
        rsvps.cancel_rsvp(meetup=meetup, fan=request.user)
    except rsvps.RsvpRefused as refusal:
        return detail(request, meetup_id, error=str(refusal), status=400)
    messages.success(request, _("Cancelled. Thank you for telling us."))
    return redirect(meetup)


def calendar_file(request, meetup_id):
    meetup = pages.access_meetup(request.user, meetup_id)
    body = ics.meetup_ics(
        meetup, url=request.build_absolute_uri(meetup.get_absolute_url()), host=request.get_host(), now=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meetup-{meetup.pk}.ics"'
    return response


@login_required
def organise(request):
    if not may_organise(request.user):
        raise PermissionDenied
    form = MeetupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                meetup = organising.organise_meetup(
                    organiser=request.user,
                    city=data["city"],
                    title=data["title"],
                    description=data["description"],
                    place=data["place"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    capacity=data["capacity"],
                )
            except organising.MeetupRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                if meetup.status == meetup.Status.PENDING:
                    messages.info(request, _("Thank you: a moderator will look at your meetup before it is listed."))
                return redirect(meetup)
        return render(request, "meetups/new.html", {"form": form}, status=400)
    return render(request, "meetups/new.html", {"form": form})


@login_required
def review_queue(request):
    if not is_moderator(request.user):
        raise PermissionDenied
    return render(request, "meetups/review.html", {"pending": pages.pending_meetups()})


@require_POST
@login_required
def review(request, meetup_id):
    if not is_moderator(request.user):
        raise PermissionDenied
    meetup = pages.access_meetup(request.user, meetup_id)
    approve = request.POST.get("decision") == "approve"
    if organising.review_meetup(meetup=meetup, moderator=request.user, approve=approve):
        messages.success(request, _("Approved: the meetup is listed.") if approve else _("Not approved."))
    else:
        messages.error(request, _("Another moderator reviewed this meetup already."))
    return redirect("meetups:review_queue")
