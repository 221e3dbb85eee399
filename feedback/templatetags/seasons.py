"""{{ season|season_name }}: a Popcorn Award season ("2026Q4", as in addresses) as people write it."""

from django import template

from feedback.awards import season_name as name_of_season

register = template.Library()


@register.filter
def season_name(season: str) -> str:
    return name_of_season(season)
