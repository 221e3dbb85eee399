from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseBadRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import profiles, ratelimits
from accounts.forms import LanguageForm, PreferencesForm, ProfileForm
from accounts.models import User
from canyu.durations import describe_wait


@login_required
def edit_profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            profiles.update_profile(
                user=user,
                display_name=data["display_name"],
                city=data["city"],
                phone_model=data["phone_model"],
                bio=data["bio"],
                avatar_webp=data["avatar"],
            )
            messages.success(request, _("Your profile is saved."))
            return redirect(user)
        status = 400
    else:
        form = ProfileForm(initial={f: getattr(user, f) for f in ("display_name", "city", "phone_model", "bio")})
        status = 200
    return render(request, "accounts/edit_profile.html", {"form": form}, status=status)


@login_required
def edit_preferences(request):
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            profiles.update_preferences(user=user, **form.cleaned_data)
            translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            response = redirect("accounts:preferences")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=False,
                samesite="Lax",
            )
            return response
        status = 400
    else:
        form = PreferencesForm(
            initial={"language": user.language or translation.get_language(), "time_zone": user.time_zone}
        )
        status = 200
    return render(request, "accounts/preferences.html", {"form": form}, status=status)


@csrf_exempt
@require_POST
def set_language(request):
    """The header's language switch: remembered in a cookie and, when signed in, on the account.

    Anonymous visitors post it without a CSRF token, so that board and thread
    pages stay the same for every anonymous reader and can be cached whole: a
    forged switch could only set a language cookie. Signed-in users' switch
    also writes to their account, so for them the token is checked here.
    """
    if request.user.is_authenticated:
        refusal = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refusal is not None:
            return refusal
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown language."))
    language = form.cleaned_data["language"]
    next_url = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
        samesite="Lax",
    )
    return response


class LoginView(AllauthLoginView):
    """allauth's sign-in, except that a sign-in locked out by its ``login_failed`` limit (too
    many wrong passwords for this login or from this address) answers 429 with Retry-After,
    so that a proxy, a script or a monitor can tell; the page says when to try again and
    keeps the login typed. allauth still does the counting (in the cache)."""

    def form_invalid(self, form):
        if not form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            return super().form_invalid(form)
        retry_after = ratelimits.login_retry_after(self.request, form.user_credentials())
        form.errors[NON_FIELD_ERRORS] = form.error_class(
            [
                _("Too many failed sign-in attempts. Please try again in %(wait)s.")
                % {"wait": describe_wait(retry_after)}
            ]
        )
        response = super().form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
        return response


login = LoginView.as_view()
