import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from notifications import pages, preferences, reading, unsubscribing
from notifications.forms import EmailPreferencesForm
from notifications.models import Kind, Notification

User = get_user_model()


@login_required
def notification_list(request):
    page = pages.notification_page(request.user, request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@login_required
def mark_read(request, notification_id):
    """Marks the notification's group read up to it, then opens its first unread one
    (or, with ``stay``, goes back to the list)."""
    # Someone else's notification does not exist for you.
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    opened = reading.mark_group_read(user=request.user, notification=notification)
    if request.POST.get("stay"):
        return redirect(_list_url(request.POST.get("page")))
    # The url is written by our own code, but a redirect must never leave the site.
    if url_has_allowed_host_and_scheme(
        opened.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(opened.url)
    return redirect("notifications:list")


def _list_url(page) -> str:
    url = reverse("notifications:list")
    return f"{url}?page={page}" if page and re.fullmatch(r"[0-9]{1,6}", page) and page != "1" else url


@require_POST
@login_required
def mark_all_read(request):
    if reading.mark_all_read(user=request.user):
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@login_required
def email_preferences(request):
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            preferences.save_email_choices(user_id=request.user.pk, choices=form.cleaned_data)
            messages.success(request, _("Your e-mail settings are saved."))
            return redirect("notifications:preferences")
        status = 400
    else:
        form = EmailPreferencesForm(initial=preferences.effective_email_choices([request.user.pk])[request.user.pk])
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


# Exempt from CSRF on purpose. RFC 8058 one-click unsubscribe: the mail
# provider POSTs "List-Unsubscribe=One-Click" to this URL with no cookie and no
# CSRF token. The signed token in the URL is the credential, and all it can do
# is turn e-mail off; a forged request would need the token, which only the
# recipient's mailbox has. GET never changes anything: mail scanners follow links.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, kinds = unsubscribing.read_unsubscribe_token(token)
    except unsubscribing.BadUnsubscribeToken:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if not User.objects.filter(pk=user_id).exists():
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    context = {"token": token, "kinds": [Kind(kind).label for kind in kinds]}
    if request.method == "POST":
        unsubscribing.unsubscribe(user_id=user_id, kinds=kinds)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
