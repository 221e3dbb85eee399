"""Posting with a picture from the composer (no JavaScript needed)."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.tests.images import SVG, image_bytes, upload
from forum.models import Post, PostImage, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = pytest.mark.django_db


def stored_files():
    try:
        folders, files = default_storage.listdir("posts")
    except FileNotFoundError:
        return []
    found = list(files)
    for year in folders:
        for month in default_storage.listdir(f"posts/{year}")[0]:
            found += default_storage.listdir(f"posts/{year}/{month}")[1]
    return found


def test_a_thread_with_a_picture_shows_the_thumbnail_linking_to_the_full_image(client, fan):
    board = BoardFactory()
    response = client.post(
        reverse("forum:new_thread", args=[board.slug]),
        {
            "title": "Sunset over the river",
            "source": "Shot tonight",
            "image": upload(image_bytes(size=(3000, 2000), exif_gps=True)),
        },
    )
    assert response.status_code == 302
    image = PostImage.objects.get()
    html = Thread.objects.get().posts.get().html
    assert f'<a href="{image.image.url}"' in html and f'src="{image.thumbnail.url}"' in html
    assert image.uploader == fan
    assert len(stored_files()) == 2  # full image and thumbnail


def test_a_picture_alone_is_a_valid_reply(client, fan):
    thread = make_thread()
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "", "image": upload(image_bytes())})
    assert response.status_code == 302
    assert "<img" in Post.objects.order_by("id").last().html


def test_an_empty_reply_without_a_picture_is_refused(client, fan):
    thread = make_thread()
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "   "})
    assert response.status_code == 400
    assert response.context["form"].has_error("source", "required")


@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (SVG, "x.svg", "image/svg+xml"),
        (SVG, "x.png", "image/png"),
        (image_bytes(fmt="PNG")[:300], "x.png", "image/png"),
    ],
)
def test_a_refused_picture_keeps_the_text_and_leaves_nothing_behind(client, fan, data, name, content_type):
    thread = make_thread()
    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"source": "my words", "image": upload(data, name, content_type)}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("image")
    assert "my words" in response.content.decode()
    assert thread.posts.count() == 1 and not PostImage.objects.exists() and stored_files() == []


def test_a_picture_for_a_refused_post_is_deleted(client, fan):
    thread = make_thread()
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"source": "let me in", "image": upload(image_bytes())}
    )
    assert response.status_code == 400
    assert not PostImage.objects.exists() and stored_files() == []


def test_a_posted_picture_is_marked_attached_and_survives_the_cleanup(client, fan):
    from datetime import timedelta

    from forum.attachments import remove_unattached_images

    thread = make_thread()
    client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Look", "image": upload(image_bytes())})
    image = PostImage.objects.get()
    assert image.attached_at is not None
    assert remove_unattached_images(older_than=timedelta(0)) == 0
    assert len(stored_files()) == 2


def test_a_picture_no_post_took_is_removed_with_its_files_after_a_day(fan):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from forum.attachments import remove_unattached_images, store_post_image

    store_post_image(uploader=fan, upload=upload(image_bytes()))  # the request died before the post was saved
    assert remove_unattached_images() == 0  # a composer may still be on its way
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert remove_unattached_images() == 1
    assert not PostImage.objects.exists()
    assert stored_files() == []
