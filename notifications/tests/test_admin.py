import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications import preferences
from notifications.models import EmailChoice, Kind
from notifications.tests.factories import make_notification

pytestmark = pytest.mark.django_db


def test_staff_can_look_at_notifications_but_not_make_or_change_them(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    notification = make_notification(UserFactory(), thread="Looked at")
    client.force_login(admin)
    assert "Looked at" in client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    change = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


def test_staff_can_list_email_preferences(client):
    fan = UserFactory()
    preferences.save_email_choices(user_id=fan.pk, choices={Kind.REPLY: EmailChoice.OFF})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:notifications_emailpreference_changelist"))
    assert response.status_code == 200 and fan.username in response.content.decode()
