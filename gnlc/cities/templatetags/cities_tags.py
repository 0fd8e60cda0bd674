"""Template helpers of the cities pages."""

import functools
import html
import json
import re
from urllib.parse import quote_plus, urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from gnlc.cities.enums import Status
from gnlc.cities.names import country_name
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


def _html(text, escape=html.escape) -> str:
    """`text` escaped for HTML as Django's conditional_escape escapes it (the same five
    characters), without its lazy-string wrapper: called a few hundred times a page.
    `escape`: `_escaped` for what recurs on every page."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return escape(str(text))


@functools.lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    # html.escape for what recurs on every page (a facet's values, labels and counts):
    # a look-up instead of five replacements, some eight hundred times a page.
    return html.escape(text)


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    # A facet's values (country codes, years, slugs) recur on every page.
    return quote_plus(text)


def _encoded(name: str, values) -> str:
    """`name`=each of `values`, encoded as urlencode encodes the pairs."""
    key = _quoted(name)
    return "&".join(f"{key}={_quoted(item)}" for item in values)


class _FacetLinks:
    """The addresses of one facet's links, as `path` + `_toggled(query, name, value)`
    writes them, escaped for an attribute, for many values at once: the other filters'
    part is encoded and escaped once, and a value not chosen yet (all but a few) only
    adds its own `name=value` pair in the middle."""

    def __init__(self, path: str, query: dict, name: str):
        keys = list(query)
        at = keys.index(name) if name in query else len(keys)
        before = "&".join(_encoded(k, query[k]) for k in keys[:at] if query[k])
        after = "&".join(_encoded(k, query[k]) for k in keys[at + 1 :] if query[k])
        self.path, self.query, self.name = path, query, name
        values = [item for item in query.get(name, []) if item != ""]
        self.chosen = {item.upper() for item in values}
        head = "&".join(part for part in (before, _encoded(name, values)) if part)
        self.head = html.escape(f"{path}?{head}{'&' if head else ''}{_quoted(name)}=")
        self.tail = html.escape(f"&{after}") if after else ""

    def href(self, value: str) -> str:
        if value.upper() in self.chosen:  # a link that removes it: as rare as it is chosen
            return html.escape(self.path + _toggled(self.query, self.name, value))
        # A quoted value holds no character that HTML escapes.
        return f"{self.head}{_quoted(value)}{self.tail}"


@register.simple_tag(takes_context=True)
def facet_items(context, name, rows, path=None):
    """The <li> links of one facet's values (partials/facet.html): each adds or removes
    its value (`toggle_filter`), says whether it is chosen, and shows its count. Built
    here in one pass rather than by the template engine per value, and with the other
    filters' part of each link encoded once: the directory's country facet has up to two
    hundred values, which was most of a page's CPU."""
    request = context["request"]
    links = _FacetLinks(path or request.path, _query(request), name)
    selected = f'<span class="visually-hidden">{_html(gettext("Selected:"))} </span>'
    facet = _html(name)
    items = []
    for row in rows:
        value = str(row["value"])
        label = _html(row["label"], _escaped)
        if row.get("selected"):
            current, label = ' aria-current="true"', selected + label
        else:
            current = ""
        count = _html(number(row["count"]), _escaped)
        items.append(
            f'<li><a class="facet__link" href="{links.href(value)}"{current} data-facet="{facet}"'
            f' data-value="{_escaped(value)}"><span class="facet__label">{label}</span>'
            f' <span class="facet__count">{count}</span></a></li>'
        )
    # Safe: every value above is escaped.
    return mark_safe("\n".join(items))  # noqa: S308


# What the `slug` converter of the member's URL accepts, and reverse() leaves unquoted.
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@register.simple_tag
def member_items(rows):
    """The <li> rows of the directory's members (cities/partials/directory_results.html),
    from `rows`: dicts of `cities.views.PageRows.FIELDS`, as the page reads them. Each
    shows the name linking to the member's page, its local name, country, subdivision,
    cohort year and, unless active on the directory's date, a badge. Built here in one
    pass, as `facet_items` is, rather than by the template engine per row (fifty rows of
    a dozen tags each were half the page's rendering); the member's address is reversed
    once and completed with each slug (a slug the URL's converter would not take is
    reversed alone, as Member.get_absolute_url does). The markup is the one the template
    wrote, byte for byte."""
    language = get_language()
    before, _, after = reverse("cities:member", args=["slug"]).rpartition("slug")
    joined = gettext("joined %(year)s")
    items = []
    for row in rows:
        slug = row["slug"]
        plain = _PLAIN_SLUG.fullmatch(slug)
        href = f"{before}{slug}{after}" if plain else reverse("cities:member", args=[slug])
        local = ""
        if row["local_name"]:
            lang = row["local_name_lang"]
            lang = f' lang="{_html(lang)}"' if lang else ""
            local = f' <span class="local-name"><bdi{lang}>{_html(row["local_name"])}</bdi></span>'
        where = _html(country_name(row["country_id"], row["country__name"], language))
        if row["subdivision"]:
            where += f" · {_html(row['subdivision'])}"
        cohort = f" · {joined % {'year': row['cohort_id']}}" if row["cohort_id"] else ""
        badge = ""
        if row["status_on"] != "active":
            # The status on the directory's date, as the badge's class: not today's.
            status, label = _html(row["status_on"]), _html(Status(row["status_on"]).label)
            badge = f'<span class="badge badge--{status}">{label}</span>'
        name = _html(row["name"])
        name = f'<a class="member-list__name" href="{_html(href)}"><bdi>{name}</bdi></a>'
        items.append(
            '\n        <li class="member-list__item">\n'
            f"          {name}{local}\n"
            '          <span class="member-list__meta">\n'
            f"            {where}\n"
            f"            {cohort}\n"
            "          </span>\n"
            f"          {badge}\n"
            "        </li>\n        "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(items))  # noqa: S308
