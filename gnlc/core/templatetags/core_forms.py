"""Template filters of the site's form renderer (core/forms/field.html)."""

from django import template

from gnlc.core.forms import is_first_required as first_required
from gnlc.core.forms import is_marked_required as marked_required

register = template.Library()


@register.filter
def is_first_required(field) -> bool:
    return first_required(field)


@register.filter
def is_marked_required(field) -> bool:
    return marked_required(field)
