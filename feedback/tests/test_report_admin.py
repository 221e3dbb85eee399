"""The report window in the release admin: set while the release is a draft or scheduled, refused
once it is published (the window may be open), and a window that closes before it opens refused."""

from datetime import datetime

import pytest
from django.urls import reverse

from feedback.tests.reporting import published_release
from releases import preparing
from releases.admin import ReleaseForm
from releases.models import Release
from releases.preparing import ReleaseRefused
from releases.tests.factories import ProductFactory, make_publisher, make_release

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
OPENS = datetime.fromisoformat("2026-11-28T09:00:00+08:00")
CLOSES = datetime.fromisoformat("2026-12-01T00:00:00+08:00")


def form_data(product, **fields):
    return {
        "product": product.pk,
        "channel": "weekly",
        "version": "26.11.27",
        "title": "Lunar lock screen",
        "publish_at_0": "2026-11-27",
        "publish_at_1": "17:00:00",
        "notes": "",
        **fields,
    }


def plain_data(product, **fields):
    """The release form outside the admin (one input per time, in the current zone, Asia/Shanghai)."""
    return {
        "product": product.pk,
        "channel": "weekly",
        "version": "26.11.27",
        "title": "Lunar lock screen",
        "publish_at": "2026-11-27 17:00:00",
        "notes": "",
        **fields,
    }


def test_an_admin_sets_the_window_of_a_new_release(client):
    client.force_login(make_publisher(language="en", time_zone="Asia/Shanghai"))
    product = ProductFactory()
    data = form_data(
        product,
        report_opens_at_0="2026-11-28",
        report_opens_at_1="09:00:00",
        report_closes_at_0="2026-12-01",
        report_closes_at_1="00:00:00",
        **{
            f"{prefix}-{name}": value
            for prefix in ("changelog", "builds")
            for name, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0), ("MIN_NUM_FORMS", 0), ("MAX_NUM_FORMS", 1000))
        },
    )
    response = client.post(reverse("admin:releases_release_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    release = Release.objects.get(product=product)
    assert (release.report_opens_at, release.report_closes_at) == (OPENS, CLOSES)


def test_a_window_closing_before_the_release_is_published_is_refused():
    product = ProductFactory()
    form = ReleaseForm(data=plain_data(product, report_closes_at="2026-11-27 16:00:00"))
    assert not form.is_valid()
    assert "must close after it opens and after the release is published" in str(form.errors["report_closes_at"])


def test_a_window_closing_before_it_opens_is_refused():
    product = ProductFactory()
    form = ReleaseForm(
        data=plain_data(product, report_opens_at="2026-11-30 09:00:00", report_closes_at="2026-11-29 00:00:00")
    )
    assert not form.is_valid() and "report_closes_at" in form.errors


def test_the_window_of_a_draft_is_saved_with_its_details():
    release = make_release()
    release.report_opens_at, release.report_closes_at = OPENS, CLOSES
    preparing.save_release_details(release=release)
    release.refresh_from_db()
    assert (release.report_opens_at, release.report_closes_at) == (OPENS, CLOSES)


def test_the_window_of_a_published_release_can_no_longer_change():
    release = published_release()
    release.report_closes_at = CLOSES
    with pytest.raises(ReleaseRefused, match="can no longer be changed"):
        preparing.save_release_details(release=release)
    assert Release.objects.get(pk=release.pk).report_closes_at is None


def test_the_product_admin_offers_the_minimum_account_age(client):
    client.force_login(make_publisher(language="en"))
    product = ProductFactory()
    html = client.get(reverse("admin:releases_product_change", args=[product.pk])).content.decode()
    assert 'name="report_min_account_days"' in html
