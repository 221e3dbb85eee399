"""``{{ level|level_name }}``: a level's name in the page's language (honour.levels)."""

from django import template

from honour import levels

register = template.Library()


@register.filter
def level_name(number) -> str:
    return levels.level_name(number)
