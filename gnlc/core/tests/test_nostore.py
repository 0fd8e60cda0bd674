"""Confidential responses are never stored by a cache (issue 14: letters, report
attachments, reviews.csv, the audit log and application pages carried no
`Cache-Control: private, no-store`). Walked over the permission matrix: every route
that is not public, for every persona that may open it; and the routes reached by a
secret in the link, for anyone."""

import pytest
from django.urls import reverse

from gnlc.core.tests.matrix import PERSONAS
from gnlc.core.tests.test_permission_matrix import MATRIX, objects  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# Reached without a session, by a secret in the link.
BY_SECRET = {
    "accounts:calendar",
    "accounts:verify",
    "accounts:password-reset-confirm",
    "accounts:first-access",
    "news:subscribe-confirm",
    "news:unsubscribe",
}
PROTECTED = sorted(
    name for name, (_module, (_kwargs, row)) in MATRIX.items() if set(row.values()) != {200}
)


def stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return not {"private", "no-store"} <= directives


@pytest.mark.parametrize("name", PROTECTED)
def test_protected_routes_are_never_stored(client, personas, objects, name):  # noqa: F811
    _module, (kwargs, row) = MATRIX[name]
    for persona in PERSONAS[1:]:  # every signed-in persona, whatever it gets
        client.force_login(personas[persona])

        response = client.get(reverse(name, kwargs=kwargs(objects)))

        assert response.status_code == row[persona]
        assert not stored(response), (persona, response.get("Cache-Control"))
        client.logout()


@pytest.mark.parametrize("name", sorted(BY_SECRET))
def test_routes_reached_by_a_secret_are_never_stored(client, objects, name):  # noqa: F811
    _module, (kwargs, _row) = MATRIX[name]

    response = client.get(reverse(name, kwargs=kwargs(objects)))

    assert response.status_code == 200
    assert not stored(response), response.get("Cache-Control")


def test_every_page_to_a_signed_in_person_is_never_stored(client, personas):
    client.force_login(personas["outsider"])

    assert not stored(client.get(reverse("cities:home")))
    assert not stored(client.get("/members.csv"))


def test_public_pages_to_visitors_may_be_stored(client, member):
    assert stored(client.get(reverse("cities:home")))
    assert stored(client.get("/members.csv"))
