"""Each user's e-mail choice per kind of notification.

A user without an EmailPreference row for a kind gets DEFAULT_EMAIL for it, so
a new kind (or a new user) needs no rows. Saving writes one row per kind,
under the unique (user, kind) constraint.
"""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import Combinable

from notifications.models import DEFAULT_EMAIL, EmailChoice, EmailPreference, Kind

User = get_user_model()


def default_choice(kind: str) -> str:
    """A kind added to Kind but not to DEFAULT_EMAIL mails nobody until it is."""
    return DEFAULT_EMAIL.get(kind, EmailChoice.OFF)


def effective_email_choices(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """{user id: {kind: choice}} for every kind, defaults filled in. One query."""
    user_ids = list(user_ids)
    chosen: dict[int, dict[str, str]] = {user_id: {} for user_id in user_ids}
    for user_id, kind, email in EmailPreference.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "kind", "email"
    ):
        chosen[user_id][kind] = email
    return {
        user_id: {kind: kinds.get(kind, default_choice(kind)) for kind in Kind.values}
        for user_id, kinds in chosen.items()
    }


def users_who_get_mail(*, kind: str, choice: str, user_ids: Iterable[int]) -> QuerySet:
    """Ids (ordered) of active users among ``user_ids`` whose effective choice
    for ``kind`` is ``choice`` and who have a verified primary address. One query."""
    explicit = EmailPreference.objects.filter(user=OuterRef("pk"), kind=kind)
    if default_choice(kind) == choice:
        # No row, or a row that says the same as the default.
        chose: Combinable = ~Exists(explicit.exclude(email=choice))
    else:
        chose = Exists(explicit.filter(email=choice))
    verified = Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True, primary=True))
    return (
        User.objects.filter(pk__in=list(user_ids), is_active=True)
        .filter(chose, verified)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def verified_addresses(user_ids: Iterable[int]) -> dict[int, tuple]:
    """{user id: (user, address)} for active users with a verified primary address. One query."""
    rows = EmailAddress.objects.filter(
        user_id__in=list(user_ids), verified=True, primary=True, user__is_active=True
    ).select_related("user")
    return {row.user_id: (row.user, row.email) for row in rows}


@transaction.atomic(durable=True)
def save_email_choices(*, user_id: int, choices: dict[str, str]) -> None:
    """Store the user's choice for each kind given (other kinds keep theirs)."""
    for kind, email in choices.items():
        if kind not in Kind.values or email not in EmailChoice.values:
            raise ValueError(f"unknown kind or choice: {kind!r}, {email!r}")
        # update_or_create: an existing row is locked and updated; two first
        # saves at once meet at the unique constraint and the loser updates.
        EmailPreference.objects.update_or_create(user_id=user_id, kind=kind, defaults={"email": email})
