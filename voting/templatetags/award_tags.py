"""Popcorn Award parts shown on pages of other apps (accounts must not import voting)."""

from django import template

from voting import report_pages

register = template.Library()


@register.inclusion_tag("voting/_award_record.html")
def popcorn_record(engineer):
    """``{% popcorn_record fan %}`` on a profile: their Popcorn Awards and how each item they shipped
    was received (frozen results only). Two queries; nothing shown for someone who shipped nothing."""
    return report_pages.popcorn_record(engineer)
