"""The network's name in each language: one function (gnlc.core.network) gives it to the
pages, feeds, e-mails and announcements; an installation's own name stays as set."""

import html
import re

import pytest
from django.test import override_settings
from django.utils import translation

from gnlc.core.network import network_name
from gnlc.news.tests.conftest import compile_catalogues

pytestmark = pytest.mark.django_db

NAMES = {
    "en": "UNESCO Global Network of Learning Cities",
    "fr": "Réseau mondial des villes apprenantes de l'UNESCO",
    "es": "Red Mundial de Ciudades del Aprendizaje de la UNESCO",
    "ar": "شبكة اليونسكو العالمية لمدن التعلّم",
}


@pytest.fixture(autouse=True)
def _catalogues():
    compile_catalogues()


def _page(client, language: str, path: str = "/") -> str:
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(prefix + path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", NAMES)
def test_network_name_in_the_active_language(language):
    with translation.override(language):
        assert network_name() == NAMES[language]


@pytest.mark.parametrize("language", NAMES)
def test_home_page_names_the_network_in_its_language(client, language):
    content = _page(client, language)

    assert re.search(r'class="brand__name"[^>]*>\s*' + re.escape(NAMES[language]), content)
    # The header, the page's lead and the footer: never the English name in another language.
    assert content.count(NAMES[language]) == 3
    if language != "en":
        assert NAMES["en"] not in content


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_other_pages_carry_the_translated_name_too(client, language):
    content = _page(client, language, "/members/")

    assert NAMES[language] in content
    assert NAMES["en"] not in content


@override_settings(GNLC_NETWORK_NAME="Learning Cities of the North")
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_an_installations_own_name_stays_as_set(client, language):
    content = _page(client, language)

    assert content.count("Learning Cities of the North") == 3
    assert NAMES[language] not in content


def test_news_feed_title_in_the_language_of_its_url(client):
    response = client.get("/es/news/feed/")

    assert response.status_code == 200
    assert f"<title>Noticias de la {NAMES['es']}</title>" in response.content.decode()
