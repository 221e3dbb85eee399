"""Telling people of the levels they reach and the medals they receive (notifications.delivery)."""

from django.urls import reverse

from accounts.models import User
from honour.models import MedalAward, Standing
from notifications.delivery import notify
from notifications.models import Kind


def announce_level(*, user_id: int, level: int) -> int:
    """Tell ``user_id`` they reached ``level``, once per level (the notification's key), and only if
    they still hold it when the job runs (points taken back meanwhile tell nothing)."""
    if not Standing.objects.filter(pk=user_id, level__gte=level).exists():
        return 0
    username = User.objects.filter(pk=user_id).values_list("username", flat=True).first()
    if username is None:
        return 0
    return notify(
        recipient_ids=[user_id],
        kind=Kind.LEVEL,
        key=f"level:{level}",
        params={"level": level},
        group="levels",  # one line: the latest level reached
        url=reverse("profile", args=[username]),
    )


def announce_medal(*, award_id: int) -> int:
    """Tell the holder of award ``award_id`` of their medal, once (the notification's key)."""
    award = MedalAward.objects.select_related("medal").filter(pk=award_id).first()
    if award is None:
        return 0
    return notify(
        recipient_ids=[award.user_id],
        kind=Kind.MEDAL,
        key=f"medal:{award.medal_id}",
        params={"medal": award.medal.name},
        group="medals",  # one line: "3 medals received, the latest …" (notifications.pages)
        url=award.medal.get_absolute_url(),
    )
