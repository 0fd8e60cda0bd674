"""Every URL x every persona -> the expected status, in one parametrised test.

Each app lists its rows in `gnlc/<app>/tests/matrix.py` (see gnlc/core/tests/matrix.py).
A new URL fails `test_every_url_is_in_the_matrix` until its app's matrix has it, so no
view ships without its permissions decided. Objects are built around the `member`
fixture (a Kenyan member): the coordinator coordinates it, the National Commission is
Kenya's; apps' `build` functions add their objects (and the conflicted juror's conflict).
"""

import importlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gnlc.core.tests.matrix import PERSONAS


def matrix_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("gnlc."):
            try:
                yield importlib.import_module(f"{config.name}.tests.matrix")
            except ModuleNotFoundError:
                continue


MODULES = list(matrix_modules())
MATRIX = {name: (module, row) for module in MODULES for name, row in module.ROUTES.items()}
# Routes served by frameworks with their own tests: the admin's (gated on is_staff; the
# one "admin:index" row stands for them) and the API's (public, walked in gnlc/api/tests).
EXEMPT_NAMESPACES = ("admin", "api-1")


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

    assert names - MATRIX.keys() == set(), "add these URLs to their app's tests/matrix.py"
    assert MATRIX.keys() - names - {"admin:index"} == set(), "remove URLs that are gone"


@pytest.fixture
def objects(member, personas):
    built = {"member": member}
    for module in MODULES:
        if hasattr(module, "build"):
            built.update(module.build(member, personas) or {})
    return built


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_permission_matrix(client, personas, objects, name, persona):
    _module, (kwargs, expected) = MATRIX[name]
    user = personas[persona]
    if user is not None:
        client.force_login(user)

    response = client.get(reverse(name, kwargs=kwargs(objects)))

    assert response.status_code == expected[persona]
    if response.status_code == 302 and persona == "anonymous" and name != "accounts:login":
        assert "login" in response["Location"]
