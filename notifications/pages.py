"""What the notifications page reads, in a fixed number of queries."""

from django.core.paginator import Page, Paginator

from notifications.models import Notification

NOTIFICATIONS_PER_PAGE = 30


def notification_page(user, page_number) -> Page:
    # A count and one page of rows, both on the index notifications_by_recipient;
    # a row shows only its own fields (the message is built from params).
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(page_number)
