"""The pages that read every app: the home page and a fan's profile. Thin: one reading function each."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.models import User
from community.home import home_page
from community.profiles import profile_page
from forum.pages import board_list


def home(request):
    return render(request, "community/home.html", home_page(request.user, board_list(request.user), timezone.now()))


def profile(request, username):
    """/u/<username>/?tab=posts&page=2: the fan and one page of one tab of their activity."""
    fan = get_object_or_404(User.objects.prefetch_related("groups"), username__iexact=username, is_active=True)
    context = profile_page(fan=fan, viewer=request.user, tab=request.GET.get("tab"), page=request.GET.get("page"))
    return render(request, "community/profile.html", context)
