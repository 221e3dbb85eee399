"""Release parts shown on pages of other apps (accounts must not import releases)."""

from django import template

from releases import pages

register = template.Library()


@register.inclusion_tag("releases/_shipped_items.html")
def shipped_items(engineer):
    """``{% shipped_items fan %}`` on a profile: the changelog items they shipped. One query."""
    return {"items": pages.shipped_items(engineer), "engineer": engineer}
