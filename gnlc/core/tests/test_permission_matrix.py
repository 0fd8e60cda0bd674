"""Every URL x every persona -> the expected status, in one table.

A new URL fails `test_every_url_is_in_the_matrix` until it is added here, so no view can
ship without its permissions being decided. Objects are built around the `member` fixture
(a Kenyan member): the coordinator coordinates it, the National Commission is Kenya's.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import PERSONAS

ALL = dict.fromkeys(PERSONAS, 200)


def only(allowed: set[str], *, denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    """200 for the allowed personas, `anonymous` for visitors, `denied` for the rest."""
    return {
        p: 200 if p in allowed else (anonymous if p == "anonymous" else denied) for p in PERSONAS
    }


SIGNED_IN = only({"outsider", "coordinator", "natcom", "juror", "secretariat"})
SECRETARIAT = only({"secretariat"})

# url name -> (kwargs built from the member, expected status per persona)
MATRIX = {
    "cities:home": (lambda m: {}, ALL),
    "cities:directory": (lambda m: {}, ALL),
    "cities:download": (lambda m: {"fmt": "csv"}, ALL),
    "cities:member": (lambda m: {"slug": m.slug}, ALL),
    "cities:member-edit": (lambda m: {"slug": m.slug}, only({"coordinator", "secretariat"})),
    "cities:countries": (lambda m: {}, ALL),
    "cities:country": (lambda m: {"code": m.country_id.lower()}, ALL),
    "cities:region": (lambda m: {"slug": m.country.region_id}, ALL),
    "cities:statistics": (lambda m: {}, ALL),
    "cities:statistics-csv": (lambda m: {}, ALL),
    "cities:map": (lambda m: {}, ALL),
    "cities:open-data": (lambda m: {}, ALL),
    "api-docs": (lambda m: {}, ALL),
    "accounts:login": (lambda m: {}, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "accounts:logout": (lambda m: {}, dict.fromkeys(PERSONAS, 405)),  # POST only
    "accounts:dashboard": (lambda m: {}, SIGNED_IN),
    "audit:log": (lambda m: {}, SECRETARIAT),
    "admin:index": (lambda m: {}, only({"secretariat"}, denied=302)),
}
# Routes served by frameworks with their own tests: the admin's (gated on is_staff, one
# entry above stands for them) and the API's (public, walked in gnlc/api/tests).
EXEMPT_NAMESPACES = ("admin", "api-1.0.0", "api-1", "api")


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from url_names(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    names = {
        name
        for name in url_names()
        if not name.startswith(tuple(f"{ns}:" for ns in EXEMPT_NAMESPACES))
    }

    assert names - MATRIX.keys() == set(), "add these URLs to the permission matrix"
    assert MATRIX.keys() - names - {"admin:index"} == set(), "remove URLs that are gone"


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_permission_matrix(client, personas, member, name, persona):
    kwargs, expected = MATRIX[name]
    user = personas[persona]
    if user is not None:
        client.force_login(user)

    response = client.get(reverse(name, kwargs=kwargs(member)))

    assert response.status_code == expected[persona]
    if response.status_code == 302 and persona == "anonymous" and name != "accounts:login":
        assert "login" in response["Location"]
