from django.utils.functional import SimpleLazyObject

from notifications.delivery import unread_count


def notifications(request):
    # Lazy: a page whose template never shows the count never counts.
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
