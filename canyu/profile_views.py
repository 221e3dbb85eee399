from django.shortcuts import get_object_or_404, render

from accounts.models import User
from canyu.profile_pages import profile_page


def profile(request, username):
    """/u/<username>/?tab=posts&page=2: the fan and one page of one tab of their activity."""
    fan = get_object_or_404(User.objects.prefetch_related("groups"), username__iexact=username, is_active=True)
    context = profile_page(fan=fan, viewer=request.user, tab=request.GET.get("tab"), page=request.GET.get("page"))
    return render(request, "accounts/profile.html", context)
