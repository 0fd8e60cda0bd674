"""Template helpers of the cities pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value=None):
    """The current query string with `value` added to filter `name`'s values, or taken
    out when it is already one of them (letters' case aside: country codes), or with the
    filter removed when no value is given; the page number is dropped, since the result
    set changes. Facet links and "remove filter" chips of the directory and the library
    are built from this, so every other filter in the URL survives the click."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        values = [item for item in query.getlist(name) if item != ""]
        kept = [item for item in values if item.upper() != str(value).upper()]
        query.setlist(name, kept if len(kept) < len(values) else [*values, str(value)])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def json_ld(data):
    """`data` as a JSON-LD data block (<script type="application/ld+json">), escaped as
    Django's json_script escapes (no "</script>" can close it early). A data block is
    never run, so the Content Security Policy has nothing to allow."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    # Safe: <, > and & are escaped above, as json_script does.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
