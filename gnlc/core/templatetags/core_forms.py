"""Template filters of the site's form renderer (core/forms/field.html)."""

from django import template

from gnlc.core.forms import is_first_required as first_required

register = template.Library()


@register.filter
def is_first_required(field) -> bool:
    return first_required(field)
