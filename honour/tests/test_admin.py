"""Staff define medals in the admin: the picture decoded and re-encoded safely, a bomb or a non-image
refused with nothing saved, and people granted a medal by hand once each."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes, png_bomb
from honour.models import Medal, MedalAward
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def add_medal(client, picture=None, grant_to=""):
    data = {"name": "Helper", "slug": "helper", "description": "Helps others", "rule": "", "grant_to": grant_to}
    if picture is not None:
        data["upload"] = picture
    return client.post(reverse("admin:honour_medal_add"), data)


def test_a_medal_picture_is_stored_as_a_small_webp(staff_client):
    response = add_medal(staff_client, SimpleUploadedFile("m.jpg", image_bytes(exif_gps=True), "image/jpeg"))
    assert response.status_code == 302
    medal = Medal.objects.get()
    assert medal.picture.name.endswith(".webp")
    assert medal.picture.read()[8:12] == b"WEBP"


@pytest.mark.parametrize("content", [png_bomb(), b"<script>alert(1)</script>"], ids=["bomb", "not an image"])
def test_a_bad_picture_is_refused_and_nothing_saved(staff_client, content):
    response = add_medal(staff_client, SimpleUploadedFile("m.png", content, "image/png"))
    assert response.status_code == 200  # the form again, with its error
    assert not Medal.objects.exists()


def test_granting_by_hand_gives_each_person_the_medal_once(staff_client, django_capture_on_commit_callbacks):
    ada = UserFactory(username="ada")
    with django_capture_on_commit_callbacks(execute=True):
        add_medal(staff_client, grant_to="ada, ada")
    medal = Medal.objects.get()
    change = reverse("admin:honour_medal_change", args=[medal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            change, {"name": "Helper", "slug": "helper", "description": "", "rule": "", "grant_to": "ada"}
        )
    assert list(MedalAward.objects.values_list("user_id", flat=True)) == [ada.pk]
    assert Notification.objects.filter(kind=Kind.MEDAL, recipient=ada).count() == 1


def test_an_unknown_user_name_is_refused(staff_client):
    response = add_medal(staff_client, grant_to="nobody")
    assert response.status_code == 200
    assert not Medal.objects.exists()
