"""Follow and unfollow a thread: two POSTs, each idempotent (a double tap
leaves the state asked for, it does not flip it back)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import access, following


def _back(request, thread):
    """To the page the button was on (its ?page=), else the thread."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect(thread)


@require_POST
@login_required
def follow_thread(request, thread_id):
    thread = access.access_thread(request.user, thread_id)  # 404 if missing or not readable
    following.follow_thread(user=request.user, thread=thread)
    messages.success(request, _("You follow this thread: new replies show in your notifications."))
    return _back(request, thread)


@require_POST
@login_required
def unfollow_thread(request, thread_id):
    thread = access.access_thread(request.user, thread_id)
    following.unfollow_thread(user=request.user, thread=thread)
    messages.success(request, _("You no longer follow this thread."))
    return _back(request, thread)
