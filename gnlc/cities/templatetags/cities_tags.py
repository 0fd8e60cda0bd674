"""Template helpers of the cities pages."""

import json
from urllib.parse import urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from gnlc.core.templatetags.numbers import number

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value=None):
    """The current query string with `value` added to filter `name`'s values, or taken
    out when it is already one of them (letters' case aside: country codes), or with the
    filter removed when no value is given; the page number is dropped, since the result
    set changes. Facet links and "remove filter" chips of the directory and the library
    are built from this, so every other filter in the URL survives the click."""
    return _toggled(_query(context["request"]), name, value)


def _query(request) -> dict:
    # A plain dict of lists rather than QueryDict.copy(), which deep-copies: a directory
    # page builds a link per facet value, some two hundred of them. Same order, same
    # encoding as QueryDict.urlencode.
    return {key: values for key, values in request.GET.lists() if key != "page"}


def _toggled(query: dict, name, value=None) -> str:
    query = dict(query)
    if value is None:
        query.pop(name, None)
    else:
        values = [item for item in query.get(name, []) if item != ""]
        kept = [item for item in values if item.upper() != str(value).upper()]
        query[name] = kept if len(kept) < len(values) else [*values, str(value)]
    encoded = urlencode([(key, item) for key, values in query.items() for item in values])
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


@register.simple_tag(takes_context=True)
def facet_items(context, name, rows, path=None):
    """The <li> links of one facet's values (partials/facet.html): each adds or removes
    its value (`toggle_filter`), says whether it is chosen, and shows its count. Built
    here in one pass rather than by the template engine per value: the directory's
    country facet has up to two hundred values, which was most of a page's CPU."""
    request = context["request"]
    query = _query(request)
    path = path or request.path
    selected = format_html('<span class="visually-hidden">{} </span>', gettext("Selected:"))
    return format_html_join(
        "\n",
        '<li><a class="facet__link" href="{}{}"{} data-facet="{}" data-value="{}">'
        '<span class="facet__label">{}{}</span> <span class="facet__count">{}</span></a></li>',
        (
            (
                path,
                _toggled(query, name, row["value"]),
                mark_safe(' aria-current="true"') if row.get("selected") else "",
                name,
                row["value"],
                selected if row.get("selected") else "",
                row["label"],
                number(row["count"]),
            )
            for row in rows
        ),
    )
