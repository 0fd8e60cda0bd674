"""Numbers as people read them in the page's language: `{{ value|number }}`.

CLDR's patterns through Babel, in Latin digits as the rest of the site writes them:
198,444 in English, 198 444 in French, 198.444 in Spanish, 198,444 in Arabic; a decimal
keeps at most three places and drops a zero fraction ("1685.0" is 1,685). Django's own
localisation groups digits only with USE_THOUSAND_SEPARATOR, which would also group
years and ids everywhere; this filter is for the figures (populations, areas, counts)."""

import functools

from babel import Locale
from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def number(value):
    """`value` formatted for the active language; "" for None or ""; anything that is
    not a number, unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or (
        not isinstance(value, int | float) and not hasattr(value, "as_tuple")
    ):
        return value
    if isinstance(value, int) and 0 <= value < 1000:
        return str(value)  # no group to separate, in any language (a facet's counts)
    try:
        return format_decimal(
            value, locale=_locale(to_locale(get_language() or "en")), numbering_system="latn"
        )
    except (ValueError, LookupError):
        return format_decimal(value, locale="en")


@functools.cache
def _locale(code: str) -> Locale:
    """Babel's locale, parsed once per language rather than once per number."""
    try:
        return Locale.parse(code)
    except (ValueError, LookupError):
        return Locale.parse("en")
