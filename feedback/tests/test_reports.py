"""Submitting the four-cell report: the window, who may report, one report per fan, every refusal."""

from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from feedback import reports
from feedback.models import WHY_MAX, ReleaseTally, Report
from feedback.reports import ReportRefused
from feedback.tests.reporting import CLOSES, FRIDAY, HAPPY, SATURDAY, items_of, published_release, submit, upcoming_idea
from honour.models import Standing
from ideas import statuses
from ideas.models import Idea
from ideas.tests.factories import make_pm
from releases import preparing
from releases.models import Release
from releases.tests.factories import ProductFactory, make_engineer

pytestmark = pytest.mark.django_db


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00")


# --- The window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "closes"),
    [
        ("2026-11-20T17:00:00", "2026-11-25T00:00:00"),  # Orange Friday → end of Tuesday
        ("2026-11-23T09:00:00", "2026-11-25T00:00:00"),  # Monday → the next day's end
        ("2026-11-24T12:00:00", "2026-12-02T00:00:00"),  # Tuesday → a week later, not a few hours
        ("2026-11-24T23:59:59", "2026-12-02T00:00:00"),
        ("2026-11-25T00:00:00", "2026-12-02T00:00:00"),  # Wednesday
        ("2027-12-31T17:00:00", "2028-01-05T00:00:00"),  # Friday, year end
    ],
)
def test_the_window_closes_at_the_end_of_the_following_tuesday_in_beijing(published, closes):
    assert reports.end_of_next_tuesday(shanghai(published)) == shanghai(closes)


def test_the_window_opens_at_publication_and_reminds_on_tuesday_morning():
    release = published_release()
    tally = reports.open_window(release=release, now=SATURDAY)
    assert (tally.opens_at, tally.closes_at, tally.remind_at) == (FRIDAY, CLOSES, shanghai("2026-11-24T10:00:00"))


def test_the_window_the_admin_set_is_the_one_that_opens():
    release = published_release()
    opens, closes = shanghai("2026-11-21T09:00:00"), shanghai("2026-11-28T00:00:00")
    Release.objects.filter(pk=release.pk).update(report_opens_at=opens, report_closes_at=closes)
    release.refresh_from_db()
    tally = reports.open_window(release=release, now=SATURDAY)
    assert (tally.opens_at, tally.closes_at, tally.remind_at) == (opens, closes, shanghai("2026-11-27T10:00:00"))


def test_a_report_in_the_last_second_of_tuesday_is_taken():
    release, fan = published_release(), UserFactory()
    submit(release, fan, now=CLOSES - timedelta(seconds=1))
    assert Report.objects.filter(release=release, fan=fan).count() == 1


def test_a_report_at_wednesday_midnight_is_refused():
    release, fan = published_release(), UserFactory()
    reports.open_window(release=release, now=SATURDAY)
    with pytest.raises(ReportRefused, match="closed"):
        submit(release, fan, now=CLOSES)
    assert not Report.objects.exists()


def test_a_report_on_a_release_whose_window_nobody_opened_before_it_closed_is_refused():
    release = published_release()
    with pytest.raises(ReportRefused, match="closed"):
        submit(release, UserFactory(), now=CLOSES + timedelta(days=3))
    assert not Report.objects.exists() and not ReleaseTally.objects.exists()


def test_a_report_before_the_window_opens_is_refused():
    release = published_release()
    Release.objects.filter(pk=release.pk).update(report_opens_at=shanghai("2026-11-21T09:00:00"))
    release.refresh_from_db()
    with pytest.raises(ReportRefused, match="open on"):
        submit(release, UserFactory(), now=shanghai("2026-11-21T08:59:59"))
    assert not Report.objects.exists()
    submit(release, UserFactory(), now=shanghai("2026-11-21T09:00:00"))
    assert Report.objects.count() == 1


def test_a_report_on_a_frozen_release_is_refused():
    from feedback import tally

    release, fan = published_release(), UserFactory()
    submit(release, fan)
    # An admin closed the window early: frozen before its time is up elsewhere.
    ReleaseTally.objects.filter(pk=release.pk).update(closes_at=SATURDAY + timedelta(hours=1))
    assert tally.freeze_release(release_id=release.pk, now=SATURDAY + timedelta(hours=1))
    with pytest.raises(ReportRefused, match="closed"):
        submit(release, fan, loved=2, now=SATURDAY + timedelta(minutes=30))
    assert Report.objects.get().loved == items_of(release)[0]


def test_a_withdrawn_release_takes_no_report():
    release = published_release()
    preparing.withdraw_release(release=release)
    release.refresh_from_db()
    with pytest.raises(ReportRefused, match="takes no"):
        submit(release, UserFactory())
    assert not Report.objects.exists()


def test_a_stable_release_takes_no_report():
    release = published_release(channel=Release.Channel.STABLE)
    with pytest.raises(ReportRefused, match="takes no"):
        submit(release, UserFactory())
    assert not Report.objects.exists()


# --- A report -------------------------------------------------------------------------


def test_a_report_keeps_the_four_cells_the_whys_the_device_and_the_level():
    release = published_release()
    fan = UserFactory(phone_model="Xiaomi 14", date_joined=SATURDAY - timedelta(days=45))
    Standing.objects.create(user=fan, points=150, level=3)
    idea = upcoming_idea(release.product)
    report = submit(release, fan, mood=Report.Mood.LOVE_IT, loved=2, weakest=0, idea=idea, why_loved=" So fast! ")
    stored = Report.objects.get(pk=report.pk)
    items = items_of(release)
    assert (stored.mood, stored.loved, stored.weakest, stored.awaited) == (
        Report.Mood.LOVE_IT,
        items[2],
        items[0],
        idea,
    )
    assert (stored.why_loved, stored.why_mood, stored.device, stored.level) == ("So fast!", "", "Xiaomi 14", 3)


def test_reporting_again_changes_the_one_report():
    release, fan = published_release(), UserFactory()
    idea = upcoming_idea(release.product)
    first = submit(release, fan, loved=0, weakest=1, idea=idea)
    second = submit(release, fan, loved=2, weakest=0, mood=Report.Mood.SAD, idea=idea, now=SATURDAY + timedelta(days=1))
    stored = Report.objects.get(release=release, fan=fan)
    assert first.pk == second.pk == stored.pk
    assert (stored.loved, stored.mood, stored.created_at, stored.updated_at) == (
        items_of(release)[2],
        Report.Mood.SAD,
        SATURDAY,
        SATURDAY + timedelta(days=1),
    )


def test_a_planned_idea_may_be_the_one_awaited():
    release = published_release()
    coming = published_release(product=release.product, publish_at=FRIDAY + timedelta(days=7))
    Release.objects.filter(pk=coming.pk).update(state=Release.State.SCHEDULED, published_at=None)
    idea = upcoming_idea(release.product)
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.PLANNED, target_release=coming)
    submit(release, UserFactory(), idea=Idea.objects.get(pk=idea.pk))
    assert Report.objects.get().awaited == idea


# --- Refusals: each writes nothing ------------------------------------------------------


def test_an_unverified_account_may_not_report():
    release, fan = published_release(), UserFactory()
    EmailAddress.objects.filter(user=fan).update(verified=False)
    with pytest.raises(ReportRefused, match="Verify your e-mail"):
        submit(release, fan)
    assert not Report.objects.exists()


def test_an_account_younger_than_the_products_minimum_may_not_report():
    product = ProductFactory(report_min_account_days=7)
    release = published_release(product=product)
    young = UserFactory(date_joined=SATURDAY - timedelta(days=6, hours=23))
    with pytest.raises(ReportRefused, match="at least 7 days old"):
        submit(release, young)
    assert not Report.objects.exists()
    submit(release, UserFactory(date_joined=SATURDAY - timedelta(days=7)))
    assert Report.objects.count() == 1


def test_an_item_of_another_release_is_refused():
    release = published_release()
    other = published_release(product=release.product, publish_at=FRIDAY - timedelta(days=7))
    with pytest.raises(ReportRefused, match="is not an update of"):
        reports.submit_report(
            release=release,
            fan=UserFactory(),
            mood=HAPPY,
            loved=items_of(other)[0],
            weakest=items_of(release)[1],
            awaited=upcoming_idea(release.product),
            now=SATURDAY,
        )
    assert not Report.objects.exists()


def test_the_same_item_as_loved_and_weakest_is_refused():
    release = published_release()
    with pytest.raises(ReportRefused, match="cannot also be the weakest"):
        submit(release, UserFactory(), loved=1, weakest=1)
    assert not Report.objects.exists()


def test_the_database_refuses_the_same_item_as_loved_and_weakest_too():
    release, fan = published_release(), UserFactory()
    item, idea = items_of(release)[0], upcoming_idea(release.product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(release=release, fan=fan, mood=HAPPY, loved=item, weakest=item, awaited=idea, level=1)


@pytest.mark.parametrize("status", [Idea.Status.NEW, Idea.Status.DECLINED])
def test_an_idea_that_is_not_upcoming_is_refused(status):
    release = published_release()
    idea = upcoming_idea(release.product, status=status)
    with pytest.raises(ReportRefused, match="not an upcoming idea"):
        submit(release, UserFactory(), idea=idea)
    assert not Report.objects.exists()


def test_a_shipped_idea_is_refused():
    release = published_release()
    idea = upcoming_idea(release.product)
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.IN_BUILD, changelog_item=items_of(release)[2])
    statuses.ship_released_ideas()
    with pytest.raises(ReportRefused, match="not an upcoming idea"):
        submit(release, UserFactory(), idea=Idea.objects.get(pk=idea.pk, status=Idea.Status.SHIPPED))
    assert not Report.objects.exists()


def test_an_idea_of_another_product_is_refused():
    release = published_release()
    with pytest.raises(ReportRefused, match="not an upcoming idea"):
        submit(release, UserFactory(), idea=upcoming_idea(ProductFactory()))
    assert not Report.objects.exists()


def test_an_idea_declined_after_the_page_was_shown_is_refused():
    release = published_release()
    idea = upcoming_idea(release.product)
    shown = Idea.objects.get(pk=idea.pk)
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.DECLINED, note="Not now.")
    with pytest.raises(ReportRefused, match="not an upcoming idea"):
        submit(release, UserFactory(), idea=shown)
    assert not Report.objects.exists()


def test_a_mood_outside_the_four_is_refused():
    release = published_release()
    with pytest.raises(ReportRefused, match="Choose your mood"):
        submit(release, UserFactory(), mood="ecstatic")
    assert not Report.objects.exists()


@pytest.mark.parametrize("cell", reports.WHY_FIELDS)
def test_a_why_over_its_limit_is_refused(cell):
    release = published_release()
    with pytest.raises(ReportRefused, match=f"{WHY_MAX} characters"):
        submit(release, UserFactory(), **{cell: "x" * (WHY_MAX + 1)})
    assert not Report.objects.exists()


def test_a_why_at_its_limit_is_taken():
    release = published_release()
    submit(release, UserFactory(), why_weakest="x" * WHY_MAX)
    assert Report.objects.get().why_weakest == "x" * WHY_MAX


@pytest.mark.parametrize(("loved", "weakest"), [(0, 1), (1, 0)])
def test_an_engineer_may_not_pick_their_own_item(loved, weakest):
    zhou = make_engineer()
    release = published_release(items=2, engineers=[zhou])
    with pytest.raises(ReportRefused, match="engineers may not pick their own work"):
        submit(release, zhou, loved=loved, weakest=weakest)
    assert not Report.objects.exists()


def test_an_engineer_may_report_on_the_work_of_others():
    zhou, li = make_engineer(), make_engineer()
    release = published_release(items=2, engineers=[li])
    submit(release, zhou)
    assert Report.objects.get().fan == zhou


def test_eligibility_needs_no_query_beyond_the_verified_address(django_assert_num_queries):
    product, fan = published_release().product, UserFactory()
    with django_assert_num_queries(1):
        assert reports.eligibility_refusal(fan, product, timezone.now()) is None
