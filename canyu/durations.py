"""Saying how long to wait, in the visitor's language."""

import math

from django.utils.translation import ngettext


def describe_wait(seconds: int) -> str:
    """ "3 hours", "12 minutes", "40 seconds": rounded up, so nobody comes back too early."""
    if seconds >= 3600:
        hours = math.ceil(seconds / 3600)
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
