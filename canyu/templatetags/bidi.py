"""``{{ title|bdi }}``: for visitors' text passed into ``blocktranslate``, where a literal ``<bdi>`` cannot go."""

from django import template

from canyu.text import isolate

register = template.Library()


@register.filter
def bdi(value):
    return isolate(value)
