"""The interface in each language: the language and direction of the pages, a translated
string on each, and the collation that sorts names the way each language does."""

import gc

import pytest
from django.utils import translation

from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.text import _collator, sort_key
from gnlc.news.tests.conftest import compile_catalogues

LANGUAGES = [("en", "ltr"), ("fr", "ltr"), ("es", "ltr"), ("ar", "rtl")]


def translated(message: str, language: str) -> str:
    compile_catalogues()
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize(
    ("language", "words", "expected"),
    [
        ("fr", ["Zambie", "Égypte", "Estonie", "eau"], ["eau", "Égypte", "Estonie", "Zambie"]),
        ("es", ["Nuoro", "Nuñoa", "Nunez"], ["Nunez", "Nuñoa", "Nuoro"]),
        ("en", ["Zambia", "Åland", "Austria"], ["Åland", "Austria", "Zambia"]),
        ("ar", ["مصر", "الأردن", "تونس"], ["الأردن", "تونس", "مصر"]),
    ],
)
def test_sort_key_orders_names_in_the_language(language, words, expected):
    assert sorted(words, key=lambda word: sort_key(word, language)) == expected


def test_the_collator_s_table_is_out_of_the_garbage_collector_s_scans():
    # Every full collection stops a worker's threads while it scans what it tracks; the
    # collator's table lives as long as the process and is frozen out of those scans.
    sort_key("Égypte")
    root = _collator().table.root
    assert gc.is_tracked(root)
    assert not any(obj is root for obj in gc.get_objects())


def test_sort_key_defaults_to_the_active_language():
    with translation.override("es"):
        ordered = sorted(["Nuoro", "Nuñoa", "Nunez"], key=sort_key)

    assert ordered == ["Nunez", "Nuñoa", "Nuoro"]


@pytest.fixture
def kenyan_member(reference_data):
    return MemberFactory(
        name="Nakuru",
        country_id="KE",
        cohort=CohortFactory(year=2022),
        latitude=-0.30,
        longitude=36.07,
    )


@pytest.mark.browser
@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_pages_carry_the_language_its_direction_and_its_strings(
    page, kenyan_member, language, direction
):
    prefix = "" if language == "en" else f"/{language}"
    directory = translated("Directory", language)
    members_title = translated("Directory of members", language)
    history = translated("Membership history", language)
    if language != "en":
        assert (directory, members_title, history) != (
            "Directory",
            "Directory of members",
            "Membership history",
        )
    checks = [
        ("/", ".site-nav", directory),
        ("/members/", "h1", members_title),
        (f"/members/{kenyan_member.slug}/", "#history-title", history),
    ]

    for path, selector, text in checks:
        page.goto(prefix + path)

        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (language, direction)
        assert text in page.locator(selector).inner_text()
