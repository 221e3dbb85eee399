"""The time zones a person picks from: the common ones first, by the names people use, then every zone.

Fans are mostly in China and the Chinese-speaking world, with a diaspora in the
zones listed after Beijing; nobody should scroll through 600 raw IANA names
("Asia/Shanghai") to find their own. Each common zone shows the offset it has
today, so daylight saving is visible.
"""

import zoneinfo
from datetime import datetime

from django.utils.translation import gettext_lazy as _, pgettext_lazy

COMMON = [
    ("Asia/Shanghai", _("Beijing time (China)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Macau", _("Macau")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Kuala_Lumpur", _("Kuala Lumpur")),
    ("Asia/Bangkok", _("Bangkok")),
    ("Asia/Jakarta", _("Jakarta")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Asia/Seoul", _("Seoul")),
    ("Asia/Kolkata", _("India")),
    ("Asia/Dubai", _("Dubai")),
    ("Europe/Moscow", _("Moscow")),
    ("Europe/Berlin", _("Berlin")),
    ("Europe/Paris", _("Paris")),
    ("Europe/London", _("London")),
    ("America/New_York", _("New York")),
    ("America/Chicago", _("Chicago")),
    ("America/Los_Angeles", _("Los Angeles")),
    ("America/Sao_Paulo", _("São Paulo")),
    ("Australia/Sydney", _("Sydney")),
    ("Pacific/Auckland", _("Auckland")),
    ("UTC", pgettext_lazy("time zone", "UTC")),
]


def _offset(name: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    assert offset is not None  # a time in a ZoneInfo zone always has one
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "−"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def time_zone_choices(now: datetime | None = None) -> list:
    """Grouped choices for a select: the common zones with today's offset, then all the others by their IANA name."""
    now = now or datetime.now(zoneinfo.ZoneInfo("UTC"))
    common = [(name, f"{label} ({_offset(name, now)})") for name, label in COMMON]
    listed = {name for name, _label in COMMON}
    others = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if name not in listed]
    return [(_("Common time zones"), common), (_("All time zones"), others)]
