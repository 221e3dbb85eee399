from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from honour.models import Standing
from meetups import organising
from meetups.models import City


def fan_at_level(level: int, **fields):
    """A fan whose honour standing is at ``level`` (what may_organise reads)."""
    fan = UserFactory(**fields)
    Standing.objects.create(user=fan, level=level)
    return fan


def make_city(name="Shenzhen", time_zone="Asia/Shanghai") -> City:
    return City.objects.get_or_create(name=name, defaults={"slug": name.lower(), "time_zone": time_zone})[0]


def make_meetup(*, city=None, capacity=2, starts_in=timedelta(days=3), organiser=None, title="Popcorn in the park"):
    """An official meetup (organised by staff, approved at once), through the real function."""
    starts_at = timezone.now() + starts_in
    return organising.organise_meetup(
        organiser=organiser or UserFactory(is_staff=True),
        city=city or make_city(),
        title=title,
        description="Bring your phone.",
        place="Lianhuashan Park, north gate",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=capacity,
    )
