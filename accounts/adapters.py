"""allauth adapters: our username rules, the Fan role for every new account, social apps from the environment only."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction

from accounts import networks, usernames
from accounts.roles import DEFAULT_ROLE, grant_role


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        # NFKC first, so that "ａｌｉｃｅ" is checked (and stored) as "alice";
        # allauth then runs our validators and a case-insensitive lookup.
        return super().clean_username(usernames.normalize_username(username), shallow=shallow)

    def save_user(self, request, user, form, commit=True):
        user.signup_network = networks.signup_digest(request)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                grant_role(user, DEFAULT_ROLE)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """The apps configured in the environment (settings.SOCIALACCOUNT_PROVIDERS), never SocialApp
        rows: a row for a provider that is not installed would show a button leading to a 404, and a
        second app for an installed one makes allauth's get_app fail."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.pk is None]

    def save_user(self, request, sociallogin, form=None):
        sociallogin.user.signup_network = networks.signup_digest(request)
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            grant_role(user, DEFAULT_ROLE)
        return user
