import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role, User
from gnlc.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_by_email_is_case_insensitive(client):
    UserFactory(email="mayor@example.org")

    response = client.post(
        reverse("accounts:login"),
        {"username": "Mayor@Example.org", "password": "a-long-test-password"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_login_with_a_wrong_password_keeps_the_email_typed(client):
    UserFactory(email="mayor@example.org")

    response = client.post(
        reverse("accounts:login"), {"username": "mayor@example.org", "password": "wrong"}
    )

    assert response.status_code == 200
    assert 'value="mayor@example.org"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_dashboard_lists_the_users_roles(client, coordinator, member):
    client.force_login(coordinator)

    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 200
    assert [r.member for r in response.context["roles"]] == [member]
    assert reverse("cities:member-edit", args=[member.slug]) in response.content.decode()


def test_the_secretariats_account_page_leads_to_where_a_new_installation_starts(
    client, secretariat, coordinator
):
    """The calls to open and the reporting periods, for the secretariat; "your" good
    practices are a coordinator's."""
    pages = {}
    for user in (secretariat, coordinator):
        client.force_login(user)
        pages[user] = client.get(reverse("accounts:dashboard")).content.decode()

    for url in (reverse("admissions:home"), reverse("reporting:periods")):
        assert f'href="{url}"' in pages[secretariat]
    assert "Your good practices in the library" not in pages[secretariat]
    assert "Every practice in the library, in every state" in pages[secretariat]
    assert "Your good practices in the library" in pages[coordinator]
    assert f'href="{reverse("reporting:periods")}"' not in pages[coordinator]


def test_has_role_respects_scope(coordinator, member):
    other = member.country.members.model.objects.create(name="Elsewhere", country_id="GR")

    assert coordinator.has_role(RoleKind.COORDINATOR, member=member)
    assert not coordinator.has_role(RoleKind.COORDINATOR, member=other)
    assert not coordinator.has_role(RoleKind.SECRETARIAT)


@override_settings(DEBUG=True)
def test_demo_creates_one_account_per_role_and_runs_twice(member, capsys):
    call_command("demo")
    call_command("demo")

    out = capsys.readouterr().out
    assert "secretariat@demo.gnlc.org" in out
    base = {
        "secretariat@demo.gnlc.org": RoleKind.SECRETARIAT,
        "natcom@demo.gnlc.org": RoleKind.NATCOM,
        "juror@demo.gnlc.org": RoleKind.JUROR,
        "coordinator@demo.gnlc.org": RoleKind.COORDINATOR,
    }
    for email, kind in base.items():
        assert list(Role.objects.filter(user__email=email).values_list("kind", flat=True)) == [kind]
    assert User.objects.get(email="secretariat@demo.gnlc.org").is_staff


def test_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")
