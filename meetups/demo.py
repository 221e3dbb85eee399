"""Demo meetups: three cities, an official meetup in Shenzhen (full, with a waiting list), a fan's
meetup in Beijing waiting for a moderator, and one in Shanghai; built through the real functions.
Safe to run again: it makes nothing once the cities exist."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from meetups import organising, rsvps
from meetups.models import City, Meetup

CITIES = [("深圳 Shenzhen", "shenzhen"), ("北京 Beijing", "beijing"), ("上海 Shanghai", "shanghai")]


def create_demo_meetups() -> bool:
    if City.objects.filter(slug="shenzhen").exists():
        return False
    cities = {slug: City.objects.create(name=name, slug=slug, time_zone="Asia/Shanghai") for name, slug in CITIES}
    admin, fan = User.objects.get(username="admin"), User.objects.get(username="fan")
    # The local evening, a few days on: 19:00 in Asia/Shanghai is 11:00 UTC.
    evening = (timezone.now() + timedelta(days=4)).replace(hour=11, minute=0, second=0, microsecond=0)
    popcorn = organising.organise_meetup(
        organiser=admin,
        city=cities["shenzhen"],
        title="爆米花见面会 Popcorn meetup",
        description="和工程师面对面聊新版本。Meet the engineers behind the weekly builds.",
        place="深圳湾体育中心 Shenzhen Bay Sports Centre",
        starts_at=evening,
        ends_at=evening + timedelta(hours=2),
        capacity=2,
    )
    for username in ["fan", "米粉小王", "engineer"]:  # the third waits
        rsvps.answer_meetup(meetup=popcorn, fan=User.objects.get(username=username))
    organising.organise_meetup(
        organiser=admin,
        city=cities["shanghai"],
        title="上海花粉下午茶 Shanghai fans' tea",
        description="",
        place="静安寺 Jing'an Temple, exit 1",
        starts_at=evening + timedelta(days=3),
        ends_at=evening + timedelta(days=3, hours=3),
        capacity=30,
    )
    # A fan's meetup for the moderators' queue. The demo accounts are too new to organise
    # (meetups.organisers), so the row is handed to the demo fan after it is made.
    pending = organising.organise_meetup(
        organiser=admin,
        city=cities["beijing"],
        title="北京同城会 Beijing fans' walk",
        description="Olympic Park, then dinner.",
        place="奥林匹克公园 Olympic Park south gate",
        starts_at=evening + timedelta(days=6),
        ends_at=evening + timedelta(days=6, hours=4),
        capacity=15,
    )
    Meetup.objects.filter(pk=pending.pk).update(
        organiser=fan, official=False, status=Meetup.Status.PENDING, reviewed_by=None
    )
    return True
