"""The pages that read every app: the home page and a fan's profile. Thin: one reading function each."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from canyu import errorpages
from canyu.durations import describe_wait
from community.activities import activities_page
from community.home import home_page
from community.profiles import profile_page
from community.search_page import search_page
from forum.pages import board_list
from search.ratelimits import consume_anonymous_search


def home(request):
    return render(request, "community/home.html", home_page(request.user, board_list(request.user), timezone.now()))


def profile(request, username):
    """/u/<username>/?tab=posts&page=2: the fan and one page of one tab of their activity."""
    fan = get_object_or_404(
        User.objects.select_related("standing").prefetch_related("groups"), username__iexact=username, is_active=True
    )
    context = profile_page(fan=fan, viewer=request.user, tab=request.GET.get("tab"), page=request.GET.get("page"))
    return render(request, "community/profile.html", context)


def search(request):
    """/search/?q=充电&kind=post&board=feedback&order=newest&page=2: a page of results (GET, no JavaScript)."""
    if request.GET.get("q"):
        wait = consume_anonymous_search(request)
        if wait is not None:
            return errorpages.too_many(
                request,
                _("You are searching too fast. Please try again in %(wait)s, or sign in to search without this limit.")
                % {"wait": describe_wait(wait)},
                wait,
            )
    return render(request, "community/search.html", search_page(user=request.user, params=request.GET))


def activities(request):
    return render(request, "community/activities.html", {"page": activities_page(request.user)})
