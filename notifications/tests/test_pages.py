"""The notifications page, marking read, and the header's unread count."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications.models import Notification
from notifications.tests.factories import make_notification
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def test_the_page_lists_newest_first_and_highlights_unread(client, fan):
    old = make_notification(fan, thread="Older thread")
    make_notification(fan, thread="Newer thread")
    Notification.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2025))
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.index("Newer thread") < html.index("Older thread")
    assert html.count('class="notification unread"') == 2


def test_the_page_needs_signing_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_the_page_shows_only_my_notifications(client, fan):
    make_notification(UserFactory(), thread="Somebody else's thread")
    assert "Somebody else" not in client.get(reverse("notifications:list")).content.decode()


def test_marking_one_read_goes_to_its_link(client, fan, django_capture_on_commit_callbacks):
    notification = make_notification(fan, url="/p/42/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/p/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_twice_keeps_the_first_read_time(client, fan):
    notification = make_notification(fan)
    client.post(reverse("notifications:mark_read", args=[notification.pk]))
    first = Notification.objects.get(pk=notification.pk).read_at
    client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert Notification.objects.get(pk=notification.pk).read_at == first


def test_marking_someone_elses_notification_read_is_404(client, fan):
    notification = make_notification(UserFactory())
    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_read_needs_a_post(client, fan):
    notification = make_notification(fan)
    assert client.get(reverse("notifications:mark_read", args=[notification.pk])).status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_a_notification_link_that_leaves_the_site_is_not_followed(client, fan):
    notification = make_notification(fan, url="https://evil.example/")
    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.url == reverse("notifications:list")


def test_mark_all_read_marks_only_mine(client, fan):
    mine = [make_notification(fan) for _ in range(3)]
    theirs = make_notification(UserFactory())
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_header_count_goes_down_when_read(client, fan, django_capture_on_commit_callbacks):
    notification = make_notification(fan)
    make_notification(fan)
    before = client.get(reverse("home")).content.decode()
    assert '<span class="unread-count">2</span>' in before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert '<span class="unread-count">1</span>' in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:mark_all_read"))
    assert 'class="unread-count"' not in client.get(reverse("home")).content.decode()


def test_the_header_count_goes_up_when_notified(client, fan, django_capture_on_commit_callbacks):
    assert 'class="unread-count"' not in client.get(reverse("home")).content.decode()  # 0, now cached
    with django_capture_on_commit_callbacks(execute=True):
        make_notification(fan)
    assert '<span class="unread-count">1</span>' in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_have_no_notifications_link(client):
    assert reverse("notifications:list") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_runs_a_fixed_number_of_queries(client, fan, count, settings, django_assert_num_queries):
    for _ in range(count):
        make_notification(fan)
    # session (none with Redis: cached_db), user, count of groups, one page of
    # groups, their latest notifications with actors, their latest people, the
    # header's unread count
    with django_assert_num_queries(6 + session_queries(settings)):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count('class="notification unread"') == count


def test_the_page_has_30_per_page(client, fan):
    for _ in range(31):
        make_notification(fan)
    response = client.get(reverse("notifications:list"))
    assert len(response.context["page"].object_list) == 30
    assert len(client.get(reverse("notifications:list") + "?page=2").context["page"].object_list) == 1
