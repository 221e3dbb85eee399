"""The leaderboards, the medals and their holders, choosing medals to show, and serial voting for moderators."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from honour import medals, pages
from honour.models import Medal, MedalAward


def leaderboard(request):
    """/honour/?period=week|month|season&crowd=fans|engineers&page=2"""
    period = request.GET.get("period") if request.GET.get("period") in pages.PERIODS else "week"
    crowd = request.GET.get("crowd") if request.GET.get("crowd") in pages.CROWDS else "fans"
    now = timezone.now()
    context = {
        "period": period,
        "crowd": crowd,
        "periods": [("week", _("This week")), ("month", _("This month")), ("season", _("This season"))],
        "crowds": [("fans", _("Fans")), ("engineers", _("Engineers"))],
        "page": pages.leaderboard(period=period, crowd=crowd, page=request.GET.get("page"), now=now),
        "since": pages.period_start(period, now),
    }
    return render(request, "honour/leaderboard.html", context)


def medal_list(request):
    return render(request, "honour/medals.html", {"medals": pages.medal_list()})


def medal(request, slug):
    """/honour/medals/<slug>/?page=2: the medal and a page of its holders."""
    shown = get_object_or_404(Medal, slug=slug)
    return render(
        request, "honour/medal.html", {"medal": shown, "page": pages.medal_holders(shown, request.GET.get("page"))}
    )


@require_POST
@login_required
def show_medals(request):
    """The profile's form: the medals (up to three) to show beside the name."""
    try:
        chosen = [int(value) for value in request.POST.getlist("award")]
        medals.choose_shown_medals(user=request.user, award_ids=chosen)
    except ValueError:
        return _refused(request, _("Choose medals you hold."))
    except medals.MedalRefused as refusal:
        return _refused(request, str(refusal))
    return redirect(reverse("profile", args=[request.user.username]) + "#medals")


def _refused(request, message: str):
    awards = MedalAward.objects.filter(user=request.user).select_related("medal").order_by("-awarded_at", "-pk")
    return render(request, "honour/show_medals.html", {"awards": awards, "error": message}, status=400)


@login_required
def serial_voting(request):
    """/honour/serial/: moderators see who liked or voted for one account's items in series."""
    if not pages.may_moderate(request.user):
        raise PermissionDenied
    since = timezone.now() - timedelta(days=30)
    return render(
        request,
        "honour/serial.html",
        {"page": pages.serial_voting(page=request.GET.get("page"), since=since), "since": since},
    )
