"""A fan's level on their report: the honour level (points and account age) as it stood when saved."""

from datetime import timedelta

import pytest
import time_machine

from accounts.tests.factories import UserFactory
from feedback.models import Report
from feedback.tests.reporting import SATURDAY, published_release, submit
from honour.models import Standing

pytestmark = pytest.mark.django_db


@time_machine.travel(SATURDAY, tick=False)
def test_a_report_stores_the_fans_honour_level():
    release = published_release()
    fan = UserFactory(date_joined=SATURDAY - timedelta(days=400))
    Standing.objects.create(user=fan, points=500, level=4)
    submit(release, fan)
    assert Report.objects.get(fan=fan).level == 4


@time_machine.travel(SATURDAY, tick=False)
def test_a_fan_without_points_reports_at_level_one():
    release = published_release()
    fan = UserFactory(date_joined=SATURDAY - timedelta(days=400))
    submit(release, fan)
    assert Report.objects.get(fan=fan).level == 1
