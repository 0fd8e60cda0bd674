"""Figures read as people write them in each language: populations, areas and counts."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from gnlc.admissions.tests.factories import ApplicationFactory
from gnlc.cities.tests.factories import MemberFactory
from gnlc.core.templatetags.numbers import number

NNBSP = "\u202f"  # French groups thousands with a narrow no-break space


@pytest.mark.parametrize(
    ("language", "population", "area", "fraction"),
    [
        ("en", "198,444", "1,685", "1,685.25"),
        ("fr", f"198{NNBSP}444", f"1{NNBSP}685", f"1{NNBSP}685,25"),
        ("es", "198.444", "1.685", "1.685,25"),
        ("ar", "198,444", "1,685", "1,685.25"),
    ],
)
def test_number_follows_the_language(language, population, area, fraction):
    with translation.override(language):
        assert number(198444) == population
        assert number(Decimal("1685.0")) == area  # no ".0"
        assert number(1685.25) == fraction


@pytest.mark.parametrize("value", [None, ""])
def test_number_of_nothing_is_empty(value):
    assert number(value) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "shown"), [("", "198,444"), ("/fr", f"198{NNBSP}444")])
def test_member_page_shows_the_population_grouped(client, reference_data, prefix, shown):
    member = MemberFactory(name="Nakuru", country_id="KE", population=198444)

    response = client.get(f"{prefix}{member.get_absolute_url()}")

    assert f"<dd>{shown}</dd>" in response.content.decode()


@pytest.mark.django_db
def test_application_page_shows_population_and_area_grouped(client, secretariat):
    application = ApplicationFactory(population=198444, area_km2=Decimal("1685.0"))
    client.force_login(secretariat)

    response = client.get(f"/fr/admissions/applications/{application.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<dd>198{NNBSP}444 (2024)</dd>" in html
    assert f"<dd>1{NNBSP}685</dd>" in html
    assert "1685.0" not in html
    assert "198444" not in html


def test_facet_counts_are_grouped(rf):
    request = rf.get("/fr/members/")
    rows = [{"value": "KE", "label": "Kenya", "count": 12345, "selected": False}]

    with translation.override("fr"):
        html = render_to_string(
            "partials/facet.html",
            {"title": "Pays", "name": "country", "rows": rows},
            request=request,
        )

    assert f'<span class="facet__count">12{NNBSP}345</span>' in html
