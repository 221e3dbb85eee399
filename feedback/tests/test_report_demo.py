"""The demo reports: made once through the real functions; a closed window is frozen with its award."""

import pytest
import time_machine

from accounts.demo import create_demo_users
from feedback.demo import create_demo_reports
from feedback.models import Award, ReleaseTally, Report
from forum.demo import create_demo_forum
from ideas.demo import create_demo_ideas
from releases.demo import create_demo_releases

pytestmark = pytest.mark.django_db


def seed():
    create_demo_users()
    create_demo_forum()
    create_demo_releases()
    create_demo_ideas()


@time_machine.travel("2026-11-26 12:00:00+08:00", tick=False)  # Thursday: last Friday's window has closed
def test_the_demo_reports_on_last_fridays_build_and_freezes_the_closed_window(settings):
    settings.VOTING_AWARD_MIN_REPORTS = 3
    seed()
    assert create_demo_reports() is True
    tally = ReleaseTally.objects.get()
    assert tally.report_count == Report.objects.count() == 5 and tally.frozen_at is not None
    assert list(Award.objects.values_list("engineer__username", flat=True)) == ["engineer"]
    assert create_demo_reports() is False and Report.objects.count() == 5


@time_machine.travel("2026-11-23 12:00:00+08:00", tick=False)  # Monday: the window is open
def test_the_demo_leaves_an_open_window_open():
    seed()
    assert create_demo_reports() is True
    assert Report.objects.count() == 5 and ReleaseTally.objects.get().frozen_at is None
