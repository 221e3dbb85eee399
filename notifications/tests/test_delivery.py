import pytest

from accounts.tests.factories import UserFactory
from notifications.delivery import notify
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_notifying_twice_about_the_same_thing_creates_one_row_each():
    fans = [UserFactory() for _ in range(3)]
    for _ in range(2):  # a retried fan-out batch
        notify(
            recipient_ids=[fan.pk for fan in fans],
            kind=Kind.REPLY,
            key="post:7",
            params={"actor": "Rui", "thread": "Battery"},
            url="/p/7/",
        )
    assert Notification.objects.filter(key="post:7").count() == 3


def test_a_retry_that_overlaps_a_batch_adds_only_the_missing_rows():
    first, second = UserFactory(), UserFactory()
    notify(recipient_ids=[first.pk], kind=Kind.REPLY, key="post:8", params={}, url="/p/8/")
    notify(recipient_ids=[first.pk, second.pk], kind=Kind.REPLY, key="post:8", params={}, url="/p/8/")
    assert sorted(Notification.objects.filter(key="post:8").values_list("recipient_id", flat=True)) == [
        first.pk,
        second.pk,
    ]
