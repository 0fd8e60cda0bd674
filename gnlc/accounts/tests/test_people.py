"""The secretariat's people pages: the list, invitations (mail in the chosen language, a
one-time link that expires, sent again), roles given to existing accounts, duplicates
refused, roles removed and accounts closed with confirmation, the network never left
without a secretariat, and every change in the audit log and on the person's page."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts.demo import current_code
from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Invitation, Role, User
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.accounts.tokens import invitation_tokens
from gnlc.admissions.models import JurorProfile
from gnlc.audit.models import Action, AuditEntry
from gnlc.cities.models import Country, Member
from gnlc.cities.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "learning for all, 2027"
INVITE = reverse("accounts:people-invite")


@pytest.fixture
def staff(client, secretariat):
    client.force_login(secretariat)
    return client


def invite(client, **data):
    return client.post(
        INVITE,
        {"email": "wanjiru@natcom.example", "full_name": "", "language": "en", **data},
    )


def natcom_of(iso2="KE"):
    return {"kind": "natcom", "country": iso2}


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def accept(client, link, password=NEW_PASSWORD):
    """Open an invitation's link and set the password (Django's form moves the token out
    of the address first)."""
    form_page = client.get(link)
    if form_page.status_code != 302:
        return form_page
    return client.post(
        form_page["Location"], {"new_password1": password, "new_password2": password}
    )


# The list --------------------------------------------------------------------------------


def people_with_roles(count, member):
    for n in range(count):
        user = UserFactory(email=f"p{n}@example.org")
        RoleFactory(user=user, kind=RoleKind.NATCOM, country=member.country)
        RoleFactory(user=user, kind=RoleKind.COORDINATOR, member=member)
        Invitation.objects.create(user=user, sent_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize("count", [1, 3])
def test_people_list_costs_the_same_queries_for_one_or_three_people(
    staff, member, count, django_assert_num_queries
):
    people_with_roles(count, member)

    # Session, user, user's roles; the filter's countries; count, page of people (with
    # their invitations), their roles with what those apply to.
    with django_assert_num_queries(7):
        response = staff.get(reverse("accounts:people"))

    assert response.status_code == 200
    assert response.content.decode().count("National Commission: Kenya") == count


def test_people_list_searches_names_and_addresses_and_filters_by_role_and_country(
    staff, coordinator
):
    wanjiru = UserFactory(email="wanjiru@natcom.example", full_name="Wanjiru Kamau")
    RoleFactory(user=wanjiru, kind=RoleKind.NATCOM, country_id="KE")
    juror = UserFactory(email="juror@jury.example", full_name="Amadou Diallo")
    RoleFactory(user=juror, kind=RoleKind.JUROR)
    JurorProfile.objects.create(user=juror, country_id="KE")
    french = UserFactory(email="natcom@unesco.fr")
    RoleFactory(user=french, kind=RoleKind.NATCOM, country_id="FR")
    url = reverse("accounts:people")

    def emails(**query):
        return [p.email for p in staff.get(url, query).context["page"]]

    assert emails(q="kamau") == ["wanjiru@natcom.example"]
    assert emails(q="JURY.example") == ["juror@jury.example"]
    assert emails(role="natcom") == ["natcom@unesco.fr", "wanjiru@natcom.example"]
    # Kenya: its National Commission, its member's coordinator, a juror from it.
    assert emails(country="KE") == [
        "coordinator@example.org",
        "juror@jury.example",
        "wanjiru@natcom.example",
    ]
    assert emails(role="natcom", country="FR") == ["natcom@unesco.fr"]


def test_people_list_pages_by_25_keeping_the_filters(staff):
    for n in range(30):
        UserFactory(email=f"juror{n:02d}@jury.example").roles.create(kind=RoleKind.JUROR)

    first = staff.get(reverse("accounts:people"), {"role": "juror"})
    second = staff.get(reverse("accounts:people"), {"role": "juror", "page": 2})

    assert len(first.context["page"]) == 25
    assert [p.email for p in second.context["page"]] == [
        f"juror{n:02d}@jury.example" for n in range(25, 30)
    ]
    assert "?role=juror&amp;page=2" in first.content.decode()


# Invitations -----------------------------------------------------------------------------


def test_inviting_a_new_address_makes_an_account_without_password_and_mails_a_link(
    staff, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff, full_name="Wanjiru Kamau", **natcom_of("KE"))

    person = User.objects.get(email="wanjiru@natcom.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:person", args=[person.pk])
    assert (person.full_name, person.language, person.is_active) == ("Wanjiru Kamau", "en", True)
    assert not person.has_usable_password()
    assert [(r.kind, r.country_id) for r in person.roles.all()] == [("natcom", "KE")]
    assert person.invitation.invited_by == secretariat
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["wanjiru@natcom.example"]
    assert message.subject == (
        "Your invitation to the platform of the UNESCO Global Network of Learning Cities"
    )
    assert "- National Commission: Kenya" in message.body
    assert link_in(message).startswith("/accounts/invitation/")
    assert "The link works once, within 3 days" in message.body
    assert "authenticator" not in message.body  # a National Commission needs no second factor
    page = staff.get(response["Location"])
    assert (
        "wanjiru@natcom.example now holds the role “National Commission: Kenya”. An "
        "invitation went to that address: its link works once, until"
    ) in page.content.decode()


SUBJECTS = {
    "en": "Your invitation to the platform of the UNESCO Global Network of Learning Cities",
    "fr": "Votre invitation sur la plateforme du Réseau mondial des villes apprenantes de l'UNESCO",
    "es": "Su invitación a la plataforma de la Red Mundial de Ciudades del Aprendizaje de la "
    "UNESCO",
    "ar": "دعوتك إلى منصة شبكة اليونسكو العالمية لمدن التعلّم",
}


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_invitation_is_written_in_the_language_chosen_on_the_form(
    staff, mailoutbox, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff, language=language, **natcom_of("KE"))

    message = mailoutbox[0]
    with translation.override(language):
        kenya = Country.objects.get(iso2="KE").label
    prefix = "" if language == "en" else f"/{language}"
    assert message.subject == SUBJECTS[language]
    assert kenya in message.body
    assert link_in(message).startswith(f"{prefix}/accounts/invitation/")
    assert User.objects.get(email="wanjiru@natcom.example").language == language


def test_the_invitation_link_sets_the_password_once_and_lands_on_the_account_page(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff, **natcom_of("KE"))
    link = link_in(mailoutbox[0])
    staff.logout()

    with django_capture_on_commit_callbacks(execute=True):
        done = accept(client, link)
    account = client.get(done["Location"])
    client.logout()
    again = client.get(link)

    person = User.objects.get(email="wanjiru@natcom.example")
    assert done["Location"] == reverse("accounts:dashboard")
    assert "National Commission" in account.content.decode()
    assert person.check_password(NEW_PASSWORD)
    assert person.invitation.accepted_at is not None
    assert (again.status_code, again.context["validlink"]) == (200, False)
    assert "ask the secretariat to send your invitation again" in again.content.decode().lower()


def test_the_invitation_page_names_the_roles_it_brings(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff, **natcom_of("KE"))
    staff.logout()

    form_page = client.get(client.get(link_in(mailoutbox[0]))["Location"])

    page = " ".join(form_page.content.decode().split())
    assert "You are invited to the platform as:</p> <ul><li><strong>National Commission: Kenya" in (
        page
    )


def test_the_invitation_link_lasts_three_days(
    staff, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        staff.force_login(secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            invite(staff, **natcom_of("KE"))
    person = User.objects.get(email="wanjiru@natcom.example")
    token = link_in(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]

    with time_machine.travel(dt.datetime(2027, 3, 4, 11, 59, tzinfo=dt.UTC), tick=False):
        in_time = invitation_tokens.check_token(person, token)
    with time_machine.travel(dt.datetime(2027, 3, 4, 12, 1, tzinfo=dt.UTC), tick=False):
        late = invitation_tokens.check_token(person, token)

    assert (in_time, late) == (True, False)
    assert person.invitation.expires_at == dt.datetime(2027, 3, 4, 12, tzinfo=dt.UTC)
    assert "until 4 March 2027, 12:00 (UTC)" in mailoutbox[0].body


def test_the_persons_page_says_when_the_link_expires_and_when_it_has(staff, secretariat):
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        staff.force_login(secretariat)
        invite(staff, **natcom_of("KE"))
        person = User.objects.get(email="wanjiru@natcom.example")
        waiting = staff.get(reverse("accounts:person", args=[person.pk])).content.decode()
    with time_machine.travel(dt.datetime(2027, 3, 5, tzinfo=dt.UTC), tick=False):
        staff.force_login(secretariat)
        expired = staff.get(reverse("accounts:person", args=[person.pk])).content.decode()

    assert "its link works until 4 March 2027, 12:00 UTC." in " ".join(waiting.split())
    assert "its link expired on 4 March 2027, 12:00 UTC." in " ".join(expired.split())


def test_sending_the_invitation_again_voids_the_earlier_link(
    client, staff, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        staff.force_login(secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            invite(staff, **natcom_of("KE"))
    person = User.objects.get(email="wanjiru@natcom.example")
    first = link_in(mailoutbox[0])
    with time_machine.travel(dt.datetime(2027, 3, 3, 9, tzinfo=dt.UTC), tick=False):
        staff.force_login(secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            resent = staff.post(reverse("accounts:person-resend", args=[person.pk]))
        notice = staff.get(resent["Location"]).content.decode()
    second = link_in(mailoutbox[1])
    staff.logout()

    with time_machine.travel(dt.datetime(2027, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        old = client.get(first)
        new = accept(client, second)

    assert len(mailoutbox) == 2
    assert (old.status_code, old.context["validlink"]) == (200, False)
    assert new.status_code == 302
    person.refresh_from_db()
    assert person.invitation.sent_at == dt.datetime(2027, 3, 3, 9, tzinfo=dt.UTC)
    assert "until 6 March 2027, 09:00 UTC; the earlier links no longer work" in notice


def test_no_invitation_is_sent_again_to_an_account_with_a_password(staff, coordinator, mailoutbox):
    response = staff.post(reverse("accounts:person-resend", args=[coordinator.pk]))

    assert response.status_code == 302
    assert mailoutbox == []
    assert "set their password already" in staff.get(response["Location"]).content.decode()


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_an_invited_juror_sets_a_password_then_pairs_the_second_factor(
    client, mailoutbox, django_capture_on_commit_callbacks, secretariat
):
    secretariat_device = TOTPDevice.objects.create(user=secretariat, name="d", confirmed=True)
    client.force_login(secretariat)
    client.post(reverse("accounts:two-factor"), {"token": current_code(secretariat_device)})
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            client,
            email="juror@jury.example",
            kind="juror",
            **{"juror-country": "FR", "juror-regions": ["europe-and-north-america"]},
        )
    link = link_in(mailoutbox[0])
    client.logout()

    done = accept(client, link)
    setup = client.get(done["Location"])  # the page shows the key to pair
    device = TOTPDevice.objects.get(user__email="juror@jury.example", confirmed=False)
    paired = client.post(done["Location"], {"token": current_code(device)})

    person = User.objects.get(email="juror@jury.example")
    assert response.status_code == 302
    assert "pair an authenticator app" in mailoutbox[0].body
    assert person.juror_profile.country_id == "FR"
    assert [r.slug for r in person.juror_profile.regions.all()] == ["europe-and-north-america"]
    assert done["Location"] == reverse("accounts:two-factor-setup")
    assert setup.status_code == 200
    assert paired["Location"] == reverse("accounts:dashboard")
    assert "Juror" in client.get(paired["Location"]).content.decode()


def test_a_juror_again_keeps_one_profile_with_the_new_answers(staff):
    # A former juror (role removed, profile kept) invited again.
    person = UserFactory(email="juror@jury.example")
    JurorProfile.objects.create(user=person, country_id="KE", expertise="Adult literacy")

    response = invite(staff, email="juror@jury.example", kind="juror", **{"juror-country": "GH"})

    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.juror_profile.country_id, person.juror_profile.expertise) == ("GH", "")
    assert JurorProfile.objects.filter(user=person).count() == 1


def test_a_deactivated_accounts_link_does_not_open(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff, **natcom_of("KE"))
    person = User.objects.get(email="wanjiru@natcom.example")
    staff.post(reverse("accounts:person-deactivate", args=[person.pk]))
    staff.logout()

    response = client.get(link_in(mailoutbox[0]))

    assert (response.status_code, response.context["validlink"]) == (200, False)


def test_a_password_reset_token_does_not_open_the_invitation_page(client):
    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    response = client.get(
        reverse("accounts:invitation", args=[uid, default_token_generator.make_token(user)])
    )

    assert response.context["validlink"] is False


# Existing accounts and duplicates --------------------------------------------------------


def test_an_existing_account_gains_the_role_and_is_told_by_mail(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email="amina@eldoret.example", full_name="Amina", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff, email="Amina@Eldoret.example", language="en", **natcom_of("KE"))

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.check_password(PASSWORD)  # untouched
    assert (person.full_name, person.language) == ("Amina", "fr")
    assert not Invitation.objects.filter(user=person).exists()
    assert [m.subject for m in mailoutbox] == [
        "Un nouveau rôle pour vous : Commission nationale : Kenya"
    ]
    assert "/fr/accounts/" in mailoutbox[0].body
    assert (
        "amina@eldoret.example now holds the role “National Commission: Kenya”, and was told "
        "by mail."
    ) in staff.get(response["Location"]).content.decode()


def test_an_account_still_invited_gains_the_role_and_a_new_invitation_naming_both(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff, **natcom_of("KE"))
        invite(staff, **natcom_of("UG"))

    assert len(mailoutbox) == 2
    assert "- National Commission: Kenya\n- National Commission: Uganda" in mailoutbox[1].body


def test_giving_a_role_held_already_says_so_and_changes_nothing(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email="wanjiru@natcom.example")
    RoleFactory(user=person, kind=RoleKind.NATCOM, country_id="KE")

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff, **natcom_of("KE"))

    assert response.status_code == 400
    assert response.context["form"].errors["kind"] == [
        "wanjiru@natcom.example already holds this role: National Commission: Kenya."
    ]
    assert response.content.decode().count("already holds this role") == 1
    assert person.roles.count() == 1
    assert mailoutbox == []


def test_the_same_role_for_another_country_is_a_new_role(staff, mailoutbox):
    person = UserFactory(email="wanjiru@natcom.example")
    RoleFactory(user=person, kind=RoleKind.NATCOM, country_id="KE")

    response = invite(staff, **natcom_of("TZ"))

    assert response.status_code == 302
    assert sorted(person.roles.values_list("country_id", flat=True)) == ["KE", "TZ"]


def test_an_inactive_account_is_not_invited(staff):
    UserFactory(email="wanjiru@natcom.example", is_active=False)

    response = invite(staff, **natcom_of("KE"))

    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["email"][0]
        .startswith("This address has an account that is not active")
    )
    assert not Role.objects.filter(user__email="wanjiru@natcom.example").exists()


def test_the_form_keeps_what_was_typed_and_says_what_each_role_needs(staff):
    response = invite(staff, email="wanjiru@natcom.example", full_name="Wanjiru", kind="natcom")
    juror = invite(staff, kind="juror")
    nothing = invite(staff, email="not an address")

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "country": ["Choose the country of the National Commission."]
    }
    page = response.content.decode()
    assert 'value="wanjiru@natcom.example"' in page
    assert 'value="Wanjiru"' in page
    assert juror.context["juror_form"].errors == {"country": ["This field is required."]}
    assert set(nothing.context["form"].errors) == {"email", "kind"}
    assert User.objects.filter(email="wanjiru@natcom.example").exists() is False


# The coordinator's member ----------------------------------------------------------------


@pytest.fixture
def towns(member):
    return {
        "nakuru": member,
        "san-ar": MemberFactory(name="San Juan", country=Country.objects.get(iso2="AR")),
        "san-ph": MemberFactory(name="San Juan", country=Country.objects.get(iso2="PH")),
        "santiago": MemberFactory(name="Santiago", country=Country.objects.get(iso2="CL")),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nakuru (Kenya)", "nakuru"),  # a suggestion as it is
        ("nakur", "nakuru"),  # the one member whose name has it
        ("San Juan (Philippines)", "san-ph"),  # the suggestion tells two of a name apart
    ],
)
def test_a_coordinators_member_is_found_from_what_was_typed(staff, towns, typed, expected):
    response = invite(staff, kind="coordinator", member=typed)

    assert response.status_code == 302
    role = Role.objects.get(user__email="wanjiru@natcom.example")
    assert role.member == towns[expected]


def test_the_member_picker_offers_every_member_and_says_when_a_name_is_ambiguous(staff, towns):
    page = staff.get(INVITE).content.decode()
    several = invite(staff, kind="coordinator", member="san")
    none = invite(staff, kind="coordinator", member="Atlantis")

    assert '<option value="San Juan (Philippines)">' in page
    assert page.count("<option value=") >= Member.objects.count()
    assert several.context["form"].errors["member"] == [
        "Several member cities match “san”: San Juan (Argentina), San Juan (Philippines), "
        "Santiago (Chile). Choose one from the suggestions."
    ]
    assert (
        none.context["form"].errors["member"][0].startswith("No member city is called “Atlantis”.")
    )


# Removing, deactivating, and never locking the network out --------------------------------


def test_removing_a_role_asks_first_then_removes_it(staff, coordinator, member):
    role = coordinator.roles.get()
    url = reverse("accounts:person-role-remove", args=[coordinator.pk, role.pk])

    asked = staff.get(url)
    removed = staff.post(url)

    assert asked.status_code == 200
    assert "Remove the role “City coordinator: Nakuru (Kenya)” from coordinator@example.org?" in (
        asked.content.decode()
    )
    assert removed["Location"] == reverse("accounts:person", args=[coordinator.pk])
    assert not coordinator.roles.exists()


def test_a_role_of_someone_else_is_not_found_under_this_person(staff, coordinator, secretariat):
    role = secretariat.roles.get()

    response = staff.post(reverse("accounts:person-role-remove", args=[coordinator.pk, role.pk]))

    assert response.status_code == 404
    assert secretariat.roles.exists()


def test_the_last_secretariat_cannot_remove_its_own_role(staff, secretariat):
    role = secretariat.roles.get()
    # Someone invited to the secretariat who has not set a password cannot run it yet.
    pending = User.objects.create_user("next@secretariat.example")
    pending.set_unusable_password()
    pending.save()
    RoleFactory(user=pending, kind=RoleKind.SECRETARIAT)

    response = staff.post(reverse("accounts:person-role-remove", args=[secretariat.pk, role.pk]))

    assert response.status_code == 400
    assert "This is the last secretariat account that can log in" in response.content.decode()
    assert secretariat.roles.filter(kind=RoleKind.SECRETARIAT).exists()


def test_a_secretariat_may_step_down_once_another_can_run_the_network(staff, secretariat):
    role = secretariat.roles.get()
    RoleFactory(user=UserFactory(email="next@secretariat.example"), kind=RoleKind.SECRETARIAT)

    response = staff.post(reverse("accounts:person-role-remove", args=[secretariat.pk, role.pk]))

    assert response["Location"] == reverse("accounts:dashboard")
    assert not secretariat.roles.exists()
    assert staff.get(reverse("accounts:people")).status_code == 403


def test_deactivating_an_account_asks_first_and_keeps_its_roles(client, staff, coordinator):
    url = reverse("accounts:person-deactivate", args=[coordinator.pk])

    asked = staff.get(url)
    done = staff.post(url)
    client.force_login(coordinator)
    signed_out = client.get(reverse("accounts:dashboard"))

    coordinator.refresh_from_db()
    assert asked.status_code == 200
    assert done.status_code == 302
    assert coordinator.is_active is False
    assert coordinator.roles.count() == 1
    assert signed_out.status_code == 302  # a closed account's session ends


def test_reactivating_restores_the_account_with_its_roles(staff, coordinator, member):
    staff.post(reverse("accounts:person-deactivate", args=[coordinator.pk]))

    staff.post(reverse("accounts:person-reactivate", args=[coordinator.pk]))

    coordinator.refresh_from_db()
    assert coordinator.is_active is True
    assert coordinator.has_role(RoleKind.COORDINATOR, member=member)


def test_nobody_deactivates_their_own_account(staff, secretariat):
    RoleFactory(user=UserFactory(email="next@secretariat.example"), kind=RoleKind.SECRETARIAT)

    response = staff.post(reverse("accounts:person-deactivate", args=[secretariat.pk]))

    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.content.decode()
    secretariat.refresh_from_db()
    assert secretariat.is_active


def test_the_last_secretariat_account_is_not_deactivated_even_by_a_superuser(client, secretariat):
    admin = User.objects.create_superuser("root@example.org", PASSWORD)
    client.force_login(admin)

    response = client.post(reverse("accounts:person-deactivate", args=[secretariat.pk]))

    assert response.status_code == 400
    secretariat.refresh_from_db()
    assert secretariat.is_active


# The audit log and the person's history ---------------------------------------------------


def test_every_change_is_audited_in_the_secretariats_name_and_shown_on_the_persons_page(
    staff, secretariat, member
):
    invite(staff, full_name="Wanjiru Kamau", **natcom_of("KE"))
    person = User.objects.get(email="wanjiru@natcom.example")
    staff.post(reverse("accounts:person-role-add", args=[person.pk]), natcom_of("UG"))
    uganda = person.roles.get(country_id="UG")
    staff.post(reverse("accounts:person-role-remove", args=[person.pk, uganda.pk]))
    staff.post(reverse("accounts:person-resend", args=[person.pk]))
    staff.post(reverse("accounts:person-deactivate", args=[person.pk]))
    staff.post(reverse("accounts:person-reactivate", args=[person.pk]))

    page = staff.get(reverse("accounts:person", args=[person.pk]))

    texts = [event.text for event in page.context["events"]]
    # A role given to someone still invited sends the invitation again, naming it.
    assert texts == [
        "Account activated",
        "Account deactivated",
        "Invitation sent again (the earlier link no longer works)",
        "Role removed: National Commission: Uganda",
        "Invitation sent again (the earlier link no longer works)",
        "Role given: National Commission: Uganda",
        "Invitation sent",
        "Role given: National Commission: Kenya",
        "Account created",
    ]
    assert {e.entry.actor for e in page.context["events"]} == {secretariat}
    assert "by secretariat@example.org" in page.content.decode()
    logged = AuditEntry.objects.filter(actor=secretariat)
    assert logged.filter(content_type__model="role", action=Action.DELETE).count() == 1
    assert all("password" not in entry.changes for entry in logged)


def test_an_accepted_invitation_is_in_the_history_in_the_persons_name(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff, **natcom_of("KE"))
    staff.logout()
    accept(client, link_in(mailoutbox[0]))
    person = User.objects.get(email="wanjiru@natcom.example")

    entry = AuditEntry.objects.for_object(person.invitation).first()

    assert (entry.action, entry.actor) == (Action.UPDATE, person)
    assert list(entry.changes) == ["accepted_at"]


def test_the_account_page_links_the_secretariat_to_people(staff, coordinator):
    other = Client()
    other.force_login(coordinator)
    url = reverse("accounts:dashboard")

    assert reverse("accounts:people") in staff.get(url).content.decode()
    assert reverse("accounts:people") not in other.get(url).content.decode()


def test_the_admin_is_linked_only_for_staff(staff):
    # An invited secretariat works from the pages; the admin is for staff and superusers.
    invite(staff, email="second@secretariat.example", kind="secretariat")
    second = User.objects.get(email="second@secretariat.example")
    other = Client()
    other.force_login(second)
    url = reverse("accounts:dashboard")

    assert reverse("admin:index") in staff.get(url).content.decode()
    page = other.get(url).content.decode()
    assert reverse("accounts:people") in page
    assert reverse("admin:index") not in page
    assert second.is_staff is False
