from notifications.delivery import notify
from notifications.models import Kind, Notification

_counter = iter(range(1, 10**9))


def make_notification(
    recipient, *, kind=Kind.REPLY, key=None, thread="Battery life", url="/p/1/", group="", actor=None, snippet=""
):
    """One notification for ``recipient``, made through notify() like every feature does."""
    key = key or f"test:{next(_counter)}"
    notify(
        recipient_ids=[recipient.pk],
        kind=kind,
        key=key,
        url=url,
        group=group,
        actor_id=actor.pk if actor else None,
        params={
            "actor": actor.shown_name if actor else "Rui",
            "thread": thread,
            "product": "Canyu Phone",
            "version": "2.0",
            "title": "Beta",
            "snippet": snippet,
        },
    )
    return Notification.objects.get(recipient=recipient, key=key)
