"""An .ics file per meetup (RFC 5545), written by hand: one VEVENT, times in UTC.

What RFC 5545 asks of so small a file, and how this does it:
- lines end in CRLF (3.1) and are folded so that no line is longer than 75 octets, a continuation
  starting with one space; folding never splits a UTF-8 character (3.1);
- TEXT values escape backslash, semicolon and comma, and a line break becomes ``\\n`` (3.3.11);
- DTSTART/DTEND/DTSTAMP are UTC date-times ending in ``Z`` (3.3.5), so no VTIMEZONE is needed;
  the calendar shows them in the reader's own zone;
- UID is unique and stable for the meetup (3.8.4.7), SEQUENCE left at 0, and PRODID/VERSION present.
"""

from datetime import UTC, datetime

from meetups.models import Meetup

LINE_OCTETS = 75


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            # Continuation lines start with a space, which counts towards their 75 octets.
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meetup_ics(meetup: Meetup, *, url: str, host: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Canyu//Meetups//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meetup-{meetup.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(meetup.starts_at)}",
        f"DTEND:{_utc(meetup.ends_at)}",
        f"SUMMARY:{escape_text(meetup.title)}",
        f"LOCATION:{escape_text(meetup.place)}",
        f"DESCRIPTION:{escape_text(meetup.description)}",
        f"URL:{url}",
        "STATUS:" + ("CANCELLED" if meetup.status == Meetup.Status.CANCELLED else "CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
