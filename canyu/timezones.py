"""The time zones a person picks from: the common ones first, by the names people use, then every zone.

Fans are mostly in China and the Chinese-speaking world, with a diaspora in the
zones listed after Beijing; nobody should scroll through 600 raw IANA names
("Asia/Shanghai") to find their own. Each common zone shows the offset it has
today, so daylight saving is visible.

The other zones are those of the tz database's zone.tab (one per region of a
country, by their current names: no "US/Eastern" beside "America/New_York"),
each named in the reader's language by its city and country as the Unicode CLDR
(through Babel) writes them: 纽约（美国）, New York (United States). A zone the
CLDR has no city for is named by its country. Any zone Python knows is still
accepted (a stored "US/Eastern" keeps working) and named the same way.
"""

import re
import zoneinfo
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _, pgettext, pgettext_lazy

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


# Names in Python's zone list that are not zones a person lives in.
NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
FIXED_OFFSET = re.compile(r"Etc/GMT([+-])(\d+)")


def valid_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


@lru_cache(maxsize=1)
def listed_zones() -> tuple[tuple[str, str], ...]:
    """(zone, ISO country code) of the tz database's zone.tab, by zone; every area/location zone
    Python knows (with no country) where no zone.tab is installed."""
    known = valid_zones()
    for directory in zoneinfo.TZPATH:
        table = Path(directory) / "zone.tab"
        if table.is_file():
            rows = [
                line.split("\t")
                for line in table.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")
            ]
            return tuple(sorted((row[2].strip(), row[0]) for row in rows if len(row) >= 3 and row[2].strip() in known))
    return tuple((name, "") for name in sorted(known) if "/" in name and not name.startswith("Etc/"))


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Zone → ISO country code, from zone.tab and the CLDR (for zones zone.tab leaves out)."""
    return {**get_global("zone_territories"), **{zone: country for zone, country in listed_zones() if country}}


@lru_cache(maxsize=1)
def _former_names() -> dict[str, list[str]]:
    """Zone → the names it had before (Asia/Kolkata ← Asia/Calcutta): the CLDR names cities by those."""
    former: dict[str, list[str]] = {}
    for old, current in get_global("zone_aliases").items():
        former.setdefault(current, []).append(old)
    return former


def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@lru_cache(maxsize=4096)
def _zone_label(name: str, language: str) -> str:
    common = dict(COMMON)
    if name in common:
        return str(common[name])
    fixed = FIXED_OFFSET.fullmatch(name)
    if fixed:  # Etc/GMT+5 is five hours *behind* UTC
        return f"UTC{'−' if fixed[1] == '+' else '+'}{fixed[2]}"
    if name in {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"}:
        return str(common["UTC"])
    locale = _babel_locale(language)
    canonical = get_global("zone_aliases").get(name, name)
    city = next(
        (
            locale.time_zones[each]["city"]
            for each in (name, canonical, *_former_names().get(canonical, []))
            if "city" in locale.time_zones.get(each, {})
        ),
        None,
    )
    code = _countries().get(name) or _countries().get(canonical)
    country = locale.territories.get(code) if code else None
    if city is None and language.startswith("en"):
        city = canonical.rsplit("/", 1)[-1].replace("_", " ")
    if city and country and city != country:
        return pgettext("time zone: city (country)", "%(city)s (%(country)s)") % {"city": city, "country": country}
    return city or country or name.replace("_", " ")


def zone_label(name: str) -> str:
    """The zone by the name people use, in the current language: 北京时间（中国）, 纽约（美国）, UTC−5."""
    return _zone_label(name, translation.get_language() or "en")


def current_zone_label() -> str:
    """The active time zone (the reader's, accounts.middleware) by its name in the current language."""
    return zone_label(timezone.get_current_timezone_name())


def time_zone_choices(now: datetime | None = None, *, current: str = "") -> list:
    """Grouped choices for a select: the common zones with today's offset, then all the others by their names
    (``current``, a zone not otherwise listed, among the common ones so that it shows as chosen)."""
    now = now or datetime.now(zoneinfo.ZoneInfo("UTC"))
    common = [(name, f"{label} ({_offset(name, now)})") for name, label in COMMON]
    listed = {name for name, _label in COMMON}
    others = [(name, zone_label(name)) for name, _country in listed_zones() if name not in listed]
    if current in valid_zones() and current not in listed and current not in {name for name, _label in others}:
        common.insert(0, (current, f"{zone_label(current)} ({_offset(current, now)})"))
    return [(gettext("Common time zones"), common), (gettext("All time zones"), others)]
