"""The announcement of a cohort, written from the data in English, French, Spanish or
Arabic.

`compose(cohort, language)` counts the cohort's new members and the network's totals as of
the announcement's date (`stats.cohort_summary`, the same as-of rules as every page) and
writes the title, the lead, the members by UNESCO region and the closing sentence.
`figure_warnings(texts, figures, language)` reads the figures back out of an edited text
and says where they no longer match the data. `as_markdown`, `as_text` and `as_html`
print the parts in each format.
"""

import dataclasses
import datetime as dt
import html
import re

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from gnlc.cities.models import Cohort, Member, Region
from gnlc.cities.names import base_language
from gnlc.cities.stats import cohort_summary
from gnlc.core.markdown import render_markdown
from gnlc.core.network import network_name
from gnlc.core.text import sort_key, text_direction
from gnlc.news.localise import city_name, region_name

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#])")
_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>#])")


# Languages whose press releases write a day as "14 February 2024": the UN's English
# style, and UNESCO's Arabic one ("14 فبراير 2024", without the comma of Django's format).
_DAY_MONTH_YEAR = {"en", "ar"}


def long_date(on: dt.date) -> str:
    """A date written out in the active language: "14 February 2024", "14 février 2024",
    "14 de febrero de 2024", "14 فبراير 2024"."""
    if base_language(translation.get_language()) in _DAY_MONTH_YEAR:
        return date_format(on, "j F Y")
    return date_format(on, "DATE_FORMAT")


def escape(text: str) -> str:
    """A name as Markdown shows it literally."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


@dataclasses.dataclass
class Composed:
    """An announcement as the data write it: its parts and the figures they state."""

    language: str
    title: str
    date: dt.date
    lead: str
    body: str
    closing: str
    figures: dict
    groups: list  # [(region name, ["City (Country)", ...]), ...] in UNESCO's order


def figures_for(cohort: Cohort) -> dict:
    """The figures an announcement states, from the data as of its date."""
    summary = cohort_summary(cohort)
    return {
        "new_members": summary["new_members"],
        "new_countries": summary["new_countries"],
        "total_members": summary["total_members"],
        "total_countries": summary["total_countries"],
        "first_time_countries": len(summary["first_time_countries"]),
    }


def member_groups(cohort: Cohort, language: str) -> list[tuple[str, list[str]]]:
    """The cohort's new members as "City (Country)", grouped by region in UNESCO's
    order, each group sorted by the language's collation. Two queries."""
    members = Member.objects.admitted_in(cohort).select_related("country")
    by_region: dict[str, list[tuple[tuple, str]]] = {}
    for member in members:
        country = member.country.name_in(language)
        name = city_name(member, language)
        line = f"{name} ({country})"
        key = (sort_key(name, language), sort_key(country, language))
        by_region.setdefault(member.country.region_id, []).append((key, line))
    return [
        (region_name(region, language), [line for _key, line in sorted(by_region[region.slug])])
        for region in Region.objects.all()
        if region.slug in by_region
    ]


def _countries(count: int) -> str:
    return ngettext("%(count)s country", "%(count)s countries", count) % {"count": count}


def title_for(figures: dict) -> str:
    members = ngettext("%(count)s new member", "%(count)s new members", figures["new_members"]) % {
        "count": figures["new_members"]
    }
    return _("%(network)s: %(members)s from %(countries)s") % {
        "network": network_name(),
        "members": members,
        "countries": _countries(figures["new_countries"]),
    }


def lead_for(figures: dict, on: dt.date) -> str:
    count = figures["new_members"]
    return ngettext(
        "On %(date)s, UNESCO welcomed %(count)s new member from %(countries)s into the "
        "%(network)s, which supports cities in making lifelong learning a reality for all.",
        "On %(date)s, UNESCO welcomed %(count)s new members from %(countries)s into the "
        "%(network)s, which supports cities in making lifelong learning a reality for all.",
        count,
    ) % {
        "date": long_date(on),
        "count": count,
        "countries": _countries(figures["new_countries"]),
        "network": network_name(),
    }


def closing_for(figures: dict) -> str:
    count = figures["new_members"]
    return ngettext(
        "The %(count)s new member brings the total number of cities within the %(network)s "
        "to %(total)s in %(countries)s.",
        "The %(count)s new members bring the total number of cities within the %(network)s "
        "to %(total)s in %(countries)s.",
        count,
    ) % {
        "count": count,
        "network": network_name(),
        "total": figures["total_members"],
        "countries": _countries(figures["total_countries"]),
    }


def body_for(groups) -> str:
    """The members by region, in Markdown: a heading per region and a list."""
    sections = []
    for region, lines in groups:
        items = "\n".join(f"- {escape(line)}" for line in lines)
        sections.append(f"## {escape(region)}\n\n{items}")
    return "\n\n".join(sections)


def compose(cohort: Cohort, language: str) -> Composed:
    """The announcement of `cohort` in `language`, written from the data."""
    with translation.override(language):
        figures = figures_for(cohort)
        groups = member_groups(cohort, language)
        on = cohort.effective_on
        return Composed(
            language=language,
            title=title_for(figures),
            date=on,
            lead=lead_for(figures, on),
            body=body_for(groups),
            closing=closing_for(figures),
            figures=figures,
            groups=groups,
        )


# Reading the figures back out of an edited text ------------------------------------------

_NUMBER = r"(\d[\d\s.,\u00a0\u202f]*\d|\d)"
_SENTINELS = {"count": "\ue000", "countries": "\ue001", "total": "\ue002"}


def _pattern(template_text: str) -> re.Pattern:
    """A regular expression matching `template_text` (a sentence written with sentinel
    values) with numbers where the sentinels were."""
    pieces = re.split("[" + "".join(_SENTINELS.values()) + "]", template_text)
    return re.compile(_NUMBER.join(re.escape(piece) for piece in pieces))


def _to_int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


# A number in each plural form of every language we write in (Arabic has six: 0, 1, 2,
# 3-10, 11-99, 100 and more): the sentences are matched in each form.
_PLURAL_SAMPLES = (0, 1, 2, 3, 11, 100)


def _statements(language: str) -> list[tuple[str, re.Pattern, list[str], dict]]:
    """(part, pattern, the figures its numbers state in order, the figures it states in
    words) for each sentence that states figures, in each of its plural forms."""
    a, b, c = _SENTINELS["count"], _SENTINELS["countries"], _SENTINELS["total"]
    found, seen = [], set()
    with translation.override(language):
        for n in _PLURAL_SAMPLES:
            members = ngettext("%(count)s new member", "%(count)s new members", n) % {"count": a}
            for m in _PLURAL_SAMPLES:
                countries = ngettext("%(count)s country", "%(count)s countries", m) % {"count": b}
                title = _("%(network)s: %(members)s from %(countries)s") % {
                    "network": network_name(),
                    "members": members,
                    "countries": countries,
                }
                closing = ngettext(
                    "The %(count)s new member brings the total number of cities within the "
                    "%(network)s to %(total)s in %(countries)s.",
                    "The %(count)s new members bring the total number of cities within the "
                    "%(network)s to %(total)s in %(countries)s.",
                    n,
                ) % {"count": a, "network": network_name(), "total": c, "countries": countries}
                samples = {"new_members": n, "new_countries": m, "total_countries": m}
                for part, text, names in (
                    ("title", title, {"new_members": "count", "new_countries": "countries"}),
                    (
                        "closing",
                        closing,
                        {
                            "new_members": "count",
                            "total_members": "total",
                            "total_countries": "countries",
                        },
                    ),
                ):
                    if (part, text) in seen:
                        continue
                    seen.add((part, text))
                    pattern, order, in_words = _figures_in_text(text, names, samples)
                    found.append((part, pattern, order, in_words))
    return found


def _figures_in_text(text: str, names: dict[str, str], samples: dict[str, int]):
    """(the pattern of `text`, the figures its numbers state in their order in the text,
    {figure: value} of those it states in words). `names` maps each figure to the
    sentinel it was written with, `samples` to the number its plural form was chosen by:
    a form that writes its number in words (Arabic's "عضوان جديدان", two new members)
    states that number."""
    positions = {name: text.find(_SENTINELS[sentinel]) for name, sentinel in names.items()}
    order = sorted((name for name in positions if positions[name] >= 0), key=positions.get)
    in_words = {name: samples[name] for name in positions if positions[name] < 0}
    return _pattern(text), order, in_words


FIGURE_LABELS = {
    "new_members": gettext_noop("new members"),
    "new_countries": gettext_noop("countries of the new members"),
    "total_members": gettext_noop("members in total"),
    "total_countries": gettext_noop("countries in total"),
}


def figure_warnings(parts: dict, figures: dict, language: str) -> list[str]:
    """Where the edited `parts` ({"title", "lead", "body", "closing"}) state figures that
    are not `figures` (the data's), in the active language.

    Each sentence that states figures is matched against the templates it was written
    from; where the secretariat rewrote a sentence beyond recognition, the figure is
    looked for anywhere in the text instead. The members listed are counted too."""
    warnings = []
    text = "\n".join(parts.get(name, "") for name in ("title", "lead", "body", "closing"))
    numbers = {_to_int(n) for n in re.findall(_NUMBER, text)}
    checked = set()
    for part, pattern, names, in_words in _statements(language):
        match = pattern.search(parts.get(part, ""))
        if not match:
            continue
        groups = zip(names, match.groups(), strict=True)
        stated_figures = {**{name: _to_int(value) for name, value in groups}, **in_words}
        for name, stated in stated_figures.items():
            checked.add(name)
            if stated != figures[name]:
                warnings.append(
                    _("The text says %(stated)s %(label)s; the data now give %(actual)s.")
                    % {"stated": stated, "label": _(FIGURE_LABELS[name]), "actual": figures[name]}
                )
    for name in FIGURE_LABELS:
        if name not in checked and figures[name] not in numbers:
            warnings.append(
                _("The data give %(actual)s %(label)s, a figure the text does not state.")
                % {"actual": figures[name], "label": _(FIGURE_LABELS[name])}
            )
    listed = len(re.findall(r"^\s*[-*+]\s+\S", parts.get("body", ""), flags=re.MULTILINE))
    if listed != figures["new_members"]:
        warnings.append(
            _("The text lists %(listed)s members; the data hold %(actual)s new members.")
            % {"listed": listed, "actual": figures["new_members"]}
        )
    # The title and the closing both state the new members: say a wrong figure once.
    return list(dict.fromkeys(warnings))


# Formats ---------------------------------------------------------------------------------


def as_markdown(title: str, on: dt.date, lead: str, body: str, closing: str, language: str):
    with translation.override(language):
        day = long_date(on)
    return f"# {escape(title)}\n\n*{day}*\n\n{lead}\n\n{body}\n\n{closing}\n"


def as_text(title: str, on: dt.date, lead: str, body: str, closing: str, language: str):
    """Plain text: the Markdown's headings underlined, its escapes removed."""
    with translation.override(language):
        day = long_date(on)
    lines = []
    for line in body.splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            name = _UNESCAPE.sub(r"\1", heading.group(1))
            lines += [name, "-" * len(name)]
        else:
            lines.append(_UNESCAPE.sub(r"\1", line))
    body_text = "\n".join(lines)
    return f"{title}\n{'=' * len(title)}\n\n{day}\n\n{lead}\n\n{body_text}\n\n{closing}\n"


def as_html(title: str, on: dt.date, lead: str, body: str, closing: str, language: str):
    """A sanitised HTML fragment in an <article> that carries its language and direction
    (an Arabic announcement pasted into an English page stays right-to-left): the title
    as its heading, the rest rendered from Markdown (our sanitiser keeps no h1, so the
    title is escaped here instead)."""
    with translation.override(language):
        day = long_date(on)
    rest = render_markdown(f"*{day}*\n\n{lead}\n\n{body}\n\n{closing}\n")
    return (
        f'<article lang="{html.escape(language)}" dir="{text_direction(language)}">\n'
        f"<h1>{html.escape(title)}</h1>\n{rest}</article>\n"
    )
