from notifications.delivery import notify
from notifications.models import Kind, Notification

_counter = iter(range(1, 10**9))


def make_notification(recipient, *, kind=Kind.REPLY, key=None, thread="Battery life", url="/p/1/"):
    """One notification for ``recipient``, made through notify() like every feature does."""
    key = key or f"test:{next(_counter)}"
    notify(recipient_ids=[recipient.pk], kind=kind, key=key, url=url,
           params={"actor": "Rui", "thread": thread, "product": "Canyu Phone", "version": "2.0", "title": "Beta"})
    return Notification.objects.get(recipient=recipient, key=key)
