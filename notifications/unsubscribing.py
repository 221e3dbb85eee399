"""Unsubscribe links that work without signing in.

The link carries a token signed with SECRET_KEY (django.core.signing, salt
"notifications.unsubscribe") holding the user id and the kinds the mail was
about. It has no expiry on purpose: people unsubscribe from mails that are
months old, and the most a leaked or forwarded token can do is turn that
user's e-mail for those kinds off, which they can turn back on in their
settings. Rotating SECRET_KEY invalidates every token at once.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from notifications import preferences
from notifications.models import EmailChoice, Kind

SALT = "notifications.unsubscribe"


class BadUnsubscribeToken(Exception):
    """Forged, damaged or not an unsubscribe token."""


def unsubscribe_token(*, user_id: int, kinds: list[str]) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=SALT)


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """(user id, kinds) from a token, or BadUnsubscribeToken."""
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError) as error:
        raise BadUnsubscribeToken from error
    user_id, kinds = (data.get("u"), data.get("k")) if isinstance(data, dict) else (None, None)
    if (
        not isinstance(user_id, int)
        or not isinstance(kinds, list)
        or not kinds
        or not all(kind in Kind.values for kind in kinds)
    ):
        raise BadUnsubscribeToken
    return user_id, kinds


def unsubscribe_url(*, user_id: int, kinds: list[str]) -> str:
    """Absolute: it goes into e-mails and the List-Unsubscribe header."""
    token = unsubscribe_token(user_id=user_id, kinds=kinds)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def unsubscribe(*, user_id: int, kinds: list[str]) -> None:
    """Turn e-mail off for these kinds; doing it twice changes nothing."""
    preferences.save_email_choices(user_id=user_id, choices=dict.fromkeys(kinds, EmailChoice.OFF))
