from datetime import UTC, datetime

import pytest

from releases.scheduling import default_version, due_releases, next_orange_friday
from releases.tests.factories import ProductFactory, make_release


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+00:00")


def test_friday_at_16_59_59_defaults_to_the_same_friday():
    assert next_orange_friday(shanghai("2026-11-27 16:59:59")) == utc("2026-11-27 09:00:00")


def test_friday_at_17_00_00_defaults_to_the_next_friday():
    assert next_orange_friday(shanghai("2026-11-27 17:00:00")) == utc("2026-12-04 09:00:00")


def test_monday_defaults_to_the_coming_friday():
    assert next_orange_friday(shanghai("2026-11-23 10:00:00")) == utc("2026-11-27 09:00:00")


def test_the_day_is_reckoned_in_shanghai_not_utc():
    # Thursday 20:00 UTC is already Friday 04:00 in Shanghai: that same Friday.
    assert next_orange_friday(utc("2026-11-26 20:00:00")) == utc("2026-11-27 09:00:00")
    # Friday 10:00 UTC is Friday 18:00 in Shanghai: too late, next week.
    assert next_orange_friday(utc("2026-11-27 10:00:00")) == utc("2026-12-04 09:00:00")


def test_the_next_orange_friday_is_in_utc():
    assert next_orange_friday(shanghai("2026-11-23 10:00:00")).utcoffset().total_seconds() == 0


def test_the_last_friday_of_a_year_is_found():
    assert next_orange_friday(shanghai("2027-12-31 16:00:00")) == utc("2027-12-31 09:00:00")
    assert next_orange_friday(shanghai("2027-12-31 17:00:00")) == utc("2028-01-07 09:00:00")


def test_a_release_prepared_on_new_years_eve_defaults_into_the_next_year():
    friday = next_orange_friday(shanghai("2026-12-31 12:00:00"))  # a Thursday
    assert friday == utc("2027-01-01 09:00:00")
    assert default_version(publish_at=friday) == "27.1.1"


def test_the_default_version_is_the_publish_day_in_shanghai():
    # 2026-11-26 20:00 UTC is Friday the 27th in Shanghai.
    assert default_version(publish_at=utc("2026-11-26 20:00:00")) == "26.11.27"


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        next_orange_friday(datetime(2026, 11, 27, 16, 0))  # noqa: DTZ001 - the naive time is the point


@pytest.mark.django_db
def test_a_taken_default_version_gets_the_next_free_suffix():
    product = ProductFactory()
    friday = utc("2026-11-27 09:00:00")
    make_release(product=product, version="26.11.27", publish_at=friday, items=0, builds=0)
    make_release(product=product, version="26.11.27.1", publish_at=friday, items=0, builds=0)
    assert default_version(publish_at=friday, product=product) == "26.11.27.2"
    assert default_version(publish_at=friday, product=ProductFactory()) == "26.11.27"


@pytest.mark.django_db
def test_versions_collide_without_case():
    product = ProductFactory()
    make_release(product=product, version="26.11.27A", publish_at=utc("2026-11-27 09:00:00"), items=0, builds=0)
    assert default_version(publish_at=utc("2026-11-27 09:00:00"), product=product) == "26.11.27"
    make_release(product=product, version="26.11.27", publish_at=utc("2026-11-27 09:00:00"), items=0, builds=0)
    assert default_version(publish_at=utc("2026-11-27 09:00:00"), product=product) == "26.11.27.1"


@pytest.mark.django_db
def test_a_release_is_due_at_17_00_00_and_not_at_16_59_59():
    release = make_release(publish_at=utc("2026-11-27 09:00:00"), now=shanghai("2026-11-23 10:00:00"), schedule=True)
    assert list(due_releases(shanghai("2026-11-27 16:59:59"))) == []
    assert list(due_releases(shanghai("2026-11-27 17:00:00"))) == [release]


@pytest.mark.django_db
def test_drafts_are_never_due():
    make_release(publish_at=utc("2026-11-27 09:00:00"), now=shanghai("2026-11-23 10:00:00"))
    assert list(due_releases(datetime(2030, 1, 1, tzinfo=UTC))) == []
