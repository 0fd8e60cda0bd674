"""The library in every language: themes (seeded names, through the catalogues), SDG
labels and every facet's labels follow the page's language."""

import pytest
from django.utils import translation

from gnlc.library.enums import THEME_NAMES
from gnlc.library.forms import LibraryFilter
from gnlc.library.models import Theme
from gnlc.library.tests.factories import PracticeFactory
from gnlc.news.tests.conftest import compile_catalogues

pytestmark = pytest.mark.django_db

EXPECTED = {
    "fr": {
        "theme": "Alphabétisation",
        "sdg": "4. Éducation de qualité",
        "country": "Kenya",
        "language": "Anglais",
        "region": "Afrique",
    },
    "es": {
        "theme": "Alfabetización",
        "sdg": "4. Educación de calidad",
        "country": "Kenya",
        "language": "Inglés",
        "region": "África",
    },
    "ar": {
        "theme": "محو الأمية",
        "sdg": "4. التعليم الجيد",
        "country": "كينيا",
        "language": "الإنجليزية",
        "region": "أفريقيا",
    },
}


@pytest.fixture(autouse=True)
def _catalogues():
    compile_catalogues()


@pytest.fixture
def practice(member):
    return PracticeFactory(
        title="Reading circles", members=[member], themes=["literacy"], sdgs=[4], language="en"
    )


def test_seeded_themes_are_the_marked_names():
    assert list(Theme.objects.values_list("name", flat=True)) == THEME_NAMES


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_every_seeded_theme_is_translated(language):
    with translation.override(language):
        labels = [theme.label for theme in Theme.objects.all()]

    assert all(label and label != name for label, name in zip(labels, THEME_NAMES, strict=True))
    assert len(set(labels)) == len(THEME_NAMES)


def test_a_theme_the_secretariat_adds_keeps_its_name():
    theme = Theme.objects.create(slug="libraries", name="Public libraries", order=9)

    with translation.override("es"):
        assert theme.label == "Public libraries"
        assert str(theme) == "Public libraries"


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_facet_labels_in_the_language(practice, language):
    with translation.override(language):
        facets = LibraryFilter({}).facets()

    labels = {name: [row["label"] for row in rows] for name, rows in facets.items()}
    expected = EXPECTED[language]
    assert labels["theme"] == [expected["theme"]]
    assert labels["sdg"] == [expected["sdg"]]
    assert labels["country"] == [expected["country"]]
    assert labels["language"] == [expected["language"]]
    assert labels["region"] == [expected["region"]]


def test_country_facet_sorted_in_the_languages_collation(member):
    from gnlc.cities.tests.factories import MemberFactory

    PracticeFactory(members=[member])  # "Kenya" in Spanish too: the UN short name
    PracticeFactory(members=[MemberFactory(name="Nuuk", country_id="DE")])  # "Alemania"
    PracticeFactory(members=[MemberFactory(name="Ystad", country_id="SE")])  # "Suecia"

    with translation.override("es"):
        countries = [row["label"] for row in LibraryFilter({}).facets()["country"]]

    assert countries == ["Alemania", "Kenya", "Suecia"]


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_library_and_practice_pages_show_translated_themes(client, practice, language):
    expected = EXPECTED[language]

    listing = client.get(f"/{language}/library/")
    detail = client.get(f"/{language}/library/practices/{practice.slug}/")

    assert listing.status_code == detail.status_code == 200
    assert listing.text.count(expected["theme"]) == 2  # the facet and the practice's tag
    assert expected["sdg"] in listing.text
    assert f">{expected['theme']}</a>" in detail.text
    assert "Literacy" not in listing.text + detail.text
