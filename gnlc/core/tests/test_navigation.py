"""The site header's links: which one is current, by the view's namespace and name."""

from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.utils import make_template_fragment_key

from gnlc.cities.tests.factories import MemberFactory


class HeaderLinks(HTMLParser):
    """The links of the page's <header> but the languages': (href, text, aria-current
    or None)."""

    def __init__(self):
        super().__init__()
        self.depth, self.links, self._open = 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header" and "site-header" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "a" and "hreflang" not in attrs:
            self._open = [attrs.get("href"), "", attrs.get("aria-current")]

    def handle_endtag(self, tag):
        if tag == "header":
            self.depth = 0
        elif tag == "a" and self._open:
            self._open[1] = " ".join(self._open[1].split())
            self.links.append(tuple(self._open))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1] += data


def header_links(response):
    return links_of(response.content.decode())


def links_of(html: str) -> list:
    parser = HeaderLinks()
    parser.feed(html)
    return parser.links


def current(response):
    return [(href, state) for href, _text, state in header_links(response) if state]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", [("/", "page")]),
        ("/admissions/", [("/admissions/", "page")]),
        ("/members/", [("/members/", "page")]),
        ("/map/", [("/map/", "page")]),
        ("/statistics/", [("/statistics/", "page")]),
        ("/library/", [("/library/", "page")]),
        ("/news/", [("/news/", "page")]),
        ("/news/press/", [("/news/press/", "page")]),
        ("/data/", [("/data/", "page")]),
        ("/fr/admissions/", [("/fr/admissions/", "page")]),
        ("/ar/news/press/", [("/ar/news/press/", "page")]),
    ],
)
def test_header_marks_the_current_page_only(client, coordinator, path, expected):
    # Logged in: /admissions/ is a page of one's own work then (public for visitors
    # only where the calls are open to them).
    client.force_login(coordinator)

    response = client.get(path)

    assert response.status_code == 200
    assert current(response) == expected


@pytest.mark.django_db
def test_header_marks_the_section_of_a_page_it_does_not_link(client, reference_data):
    member = MemberFactory(name="Nakuru", country_id="KE")

    for path in (member.get_absolute_url(), "/countries/", "/countries/ke/"):
        assert current(client.get(path)) == [("/members/", "true")], path


@pytest.mark.django_db
def test_header_links_calls_for_visitors_and_admissions_once_logged_in(client, personas):
    anonymous = [link for link in header_links(client.get("/")) if link[0] == "/admissions/"]
    client.force_login(personas["coordinator"])
    logged_in = [link for link in header_links(client.get("/")) if link[0] == "/admissions/"]

    assert anonymous == [("/admissions/", "Calls", None)]
    assert logged_in == [("/admissions/", "Admissions", None)]


@pytest.mark.django_db
def test_header_links_the_api_docs_and_the_favicon_is_a_static_file(client, reference_data):
    response = client.get("/")

    assert ("/api/docs", "API docs", None) in header_links(response)
    assert b'rel="icon" href="/static/gnlc/favicon.svg"' in response.content
    assert b"data:," not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "natcom", "juror", "secretariat"])
def test_header_account_menu_holds_the_secretariats_queues_for_it_only(client, personas, persona):
    client.force_login(personas[persona])

    links = [link[:2] for link in header_links(client.get("/"))]

    queues = [
        ("/accounts/people/", "People and their roles"),
        ("/library/moderation/", "Moderation of the library"),
    ]
    assert ("/accounts/", "Your account") in links
    assert [link for link in links if link in queues] == (
        queues if persona == "secretariat" else []
    )


@pytest.mark.django_db
def test_header_kept_for_an_address_a_language_and_a_user_is_never_another_s(
    client, personas, reference_data
):
    # The header's links and the footer are kept in each process (settings'
    # "template_fragments"): asked in turn by addresses, languages and users, every page
    # has the header it would have drawn.
    visits = [
        (None, "/members/"),
        (None, "/map/"),  # another address: Map current, not Directory
        (None, "/fr/map/"),  # another language
        ("juror", "/map/"),  # logged in: Admissions, not Calls
        ("coordinator", "/map/"),  # who may see the reports: their link too
        (None, "/members/"),
    ]

    def headers():
        found = []
        for persona, path in visits:
            client.logout()
            if persona:
                client.force_login(personas[persona])
            content = client.get(path).content.decode()
            footer = content[content.index("<footer") : content.index("</footer>")]
            found.append((links_of(content), footer))
        return found

    kept = headers()
    footer = caches["template_fragments"].get(make_template_fragment_key("site-footer", ["fr"]))
    caches["template_fragments"] = DummyCache("", {})
    try:
        drawn = headers()
    finally:
        del caches["template_fragments"]

    assert kept == drawn
    # Each visit's header differs from the one before it: a key missing a part fails.
    assert all(kept[at][0] != kept[at + 1][0] for at in range(4))
    assert kept[2][1] != kept[1][1]  # the French footer, not the English one
    assert "/fr/" in footer  # kept indeed: the French footer, with its addresses
