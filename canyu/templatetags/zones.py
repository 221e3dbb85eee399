"""{% current_zone %}: the reader's time zone by the name people use, in the page's language (canyu.timezones)."""

from django import template

from canyu.timezones import current_zone_label

register = template.Library()


@register.simple_tag
def current_zone() -> str:
    return current_zone_label()
