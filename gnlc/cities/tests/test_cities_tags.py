"""The directory's rows and facet links, built in Python in one pass (cities_tags), write
what the templates they replace wrote, byte for byte: the same links, labels, badges and
escaping, in every language."""

import datetime as dt
import html

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from gnlc.cities.enums import EventKind, Status
from gnlc.cities.models import Member
from gnlc.cities.templatetags.cities_tags import (
    _FacetLinks,
    _query,
    _toggled,
    facet_items,
    member_items,
)
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.cities.views import PageRows
from gnlc.core.templatetags.numbers import number

pytestmark = pytest.mark.django_db

# The rows' loop as directory_results.html wrote it before member_items.
TEMPLATE_ROWS = """{% load i18n %}{% for member in members %}
        <li class="member-list__item">
          <a class="member-list__name" href="{{ member.get_absolute_url }}"><bdi>{{ member.name }}</bdi></a>{% if member.local_name %} <span class="local-name"><bdi{% if member.local_name_lang %} lang="{{ member.local_name_lang }}"{% endif %}>{{ member.local_name }}</bdi></span>{% endif %}
          <span class="member-list__meta">
            {{ member.country.label }}{% if member.subdivision %} · {{ member.subdivision }}{% endif %}
            {% if member.cohort_id %} · {% blocktranslate trimmed with year=member.cohort_id %}joined {{ year }}{% endblocktranslate %}{% endif %}
          </span>
          {% if member.status_on != "active" %}<span class="badge badge--{{ member.status_on }}">{{ member.status_on_label }}</span>{% endif %}
        </li>
        {% endfor %}"""  # noqa: E501


@pytest.fixture
def members():
    """Members with every part a row may show: a local name with and without its
    language, a subdivision, no cohort, a suspension (one reinstated since) and a withdrawal,
    markup in text."""
    early = CohortFactory(year=2019)
    late = CohortFactory(year=2022)
    cao_lanh = MemberFactory(
        name="Cao Lãnh",
        local_name="Thành phố Cao Lãnh",
        local_name_lang="vi",
        subdivision="Đồng Tháp",
        country_id="VN",
        cohort=early,
    )
    MemberFactory(name='<b>"A&B"</b>', local_name="Ville <i>", country_id="FR", cohort=late)
    suspended = MemberFactory(name="Nakuru", country_id="KE", cohort=late)
    suspended.record_event(EventKind.SUSPENDED, on=dt.date(2023, 5, 1))
    reinstated = MemberFactory(name="Kisumu", country_id="KE", cohort=late)
    reinstated.record_event(EventKind.SUSPENDED, on=dt.date(2023, 5, 1))
    reinstated.record_event(EventKind.REINSTATED, on=dt.date(2023, 8, 1))
    withdrawn = MemberFactory(name="Tema", country_id="GH", cohort=early)
    withdrawn.record_event(EventKind.WITHDRAWN, on=dt.date(2021, 3, 1))
    pecs = MemberFactory(name="Pécs", country_id="HU", cohort=False)
    pecs.record_event(EventKind.ON_RECORD, on=dt.date(2016, 10, 25))
    return cao_lanh


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("as_of", [None, dt.date(2023, 6, 1)])
def test_member_items_write_the_rows_the_template_wrote(members, language, as_of):
    listed = Member.objects.on_record(as_of).for_listing().order_by("name")
    ids = list(listed.values_list("pk", flat=True))
    rows = PageRows(as_of).in_bulk(ids)

    with translation.override(language):
        listed = list(listed)
        for member in listed:  # the status on the date, named (the template's fix)
            member.status_on_label = Status(member.status_on).label
        expected = Template(TEMPLATE_ROWS).render(Context({"members": listed}))
        written = member_items([rows[pk] for pk in ids])

    assert len(ids) == 6
    assert written == expected


def test_a_badge_names_the_status_on_the_directory_s_date(members):
    """Kisumu, suspended in May 2023 and reinstated in August, reads "Suspended" on 1 June
    2023 (today it is active: no badge)."""
    kisumu = Member.objects.get(name="Kisumu")
    on_date = PageRows(dt.date(2023, 6, 1)).in_bulk([kisumu.pk])[kisumu.pk]
    today = PageRows(None).in_bulk([kisumu.pk])[kisumu.pk]

    assert '<span class="badge badge--suspended">Suspended</span>' in member_items([on_date])
    assert "badge" not in member_items([today])


QUERIES = [
    "",
    "?country=FR",
    "?country=fr&country=DE&cohort=2019",
    "?region=africa&country=&q=s%C3%A3o+p%26x%3C&page=3",
    "?q=Nak&country=KE&sort=-name&status=active",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("name", ["country", "cohort", "status"])
def test_facet_links_are_the_toggled_addresses(query, name):
    request = RequestFactory().get("/fr/members/" + query)
    links = _FacetLinks(request.path, _query(request), name)

    for value in ["FR", "de", "KE", "2019", "active", "a&b", "Ünïcode"]:
        toggled = _toggled(_query(request), name, value)
        assert links.href(value) == html.escape(request.path + toggled)


def test_facet_items_write_the_links_format_html_wrote():
    request = RequestFactory().get("/members/?country=fr&cohort=2019&q=x%26y")
    rows = [
        {"value": "FR", "label": "France", "count": 1234, "selected": True},
        {"value": "DE", "label": "Allemagne <&>", "count": 7, "selected": False},
        {"value": 2019, "label": "2019", "count": 0},
    ]
    # As facet_items wrote them before, one format_html per value.
    selected = format_html('<span class="visually-hidden">{} </span>', gettext("Selected:"))
    expected = format_html_join(
        "\n",
        '<li><a class="facet__link" href="{}{}"{} data-facet="{}" data-value="{}">'
        '<span class="facet__label">{}{}</span> <span class="facet__count">{}</span></a></li>',
        (
            (
                "/members/",
                _toggled(_query(request), "country", row["value"]),
                mark_safe(' aria-current="true"') if row.get("selected") else "",
                "country",
                row["value"],
                selected if row.get("selected") else "",
                row["label"],
                number(row["count"]),
            )
            for row in rows
        ),
    )

    assert facet_items({"request": request}, "country", rows, "/members/") == expected
