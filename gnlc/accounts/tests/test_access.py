"""The ways into an account: registration with a confirmed address, password reset (mail
in the account's language, no enumeration, rate limited), the first secretariat's
one-time link, and the demo's second-factor codes."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts.demo import current_code
from gnlc.accounts.enums import RoleKind
from gnlc.accounts.forms import RegistrationForm
from gnlc.accounts.models import Role, User
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.accounts.tokens import first_access_tokens

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "learning for all, 2027"


def registration(**overrides):
    return {
        "full_name": "Ada Coordinator",
        "email": "Ada@City.example",
        "language": "fr",
        "password1": "a-long-enough-password-1",
        "password2": "a-long-enough-password-1",
        **overrides,
    }


def link_in(message, host="http://testserver") -> str:
    """The path of the only link to this site in a mail's body."""
    return re.search(rf"{re.escape(host)}(/\S+)", message.body).group(1)


# Registration ----------------------------------------------------------------------------


def test_register_then_verify_leads_to_log_in_and_on_to_the_open_calls(client):
    response = client.post(reverse("accounts:register"), registration())
    user = User.objects.get(email="ada@city.example")
    link = link_in(mail.outbox[0])

    shown = client.get(link)
    confirmed = client.post(link)
    user.refresh_from_db()
    logged_in = client.post(
        confirmed["Location"],
        {"username": "ada@city.example", "password": "a-long-enough-password-1"},
    )

    assert response.status_code == 200
    assert link.startswith("/fr/accounts/verify/")  # the language chosen when registering
    assert (shown.status_code, user.is_active, user.language) == (200, True, "fr")
    # Confirmed from a French page, the person goes on in French.
    assert confirmed["Location"] == "/fr/accounts/login/?next=%2Ffr%2Fadmissions%2F"
    assert logged_in["Location"] == "/fr/admissions/"


def test_register_from_a_call_leads_back_to_its_application_form(client):
    client.post(
        reverse("accounts:register") + "?next=/admissions/calls/7/apply/",
        registration(next="/admissions/calls/7/apply/"),
    )

    confirmed = client.post(link_in(mail.outbox[0]))

    assert confirmed["Location"] == "/fr/accounts/login/?next=%2Fadmissions%2Fcalls%2F7%2Fapply%2F"


def test_register_refuses_a_next_page_elsewhere(client):
    client.post(reverse("accounts:register"), registration(next="https://evil.example/"))

    confirmed = client.post(link_in(mail.outbox[0]))

    assert confirmed["Location"] == "/fr/accounts/login/?next=%2Ffr%2Fadmissions%2F"


def test_register_keeps_what_was_typed_and_says_each_error_once_by_its_field(client):
    response = client.post(
        reverse("accounts:register"), registration(email="not-an-address", password2="other")
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert 'value="Ada Coordinator"' in page
    assert 'value="not-an-address"' in page
    assert '<option value="fr" selected>' in page
    assert page.count("Enter a valid email address.") == 1
    assert page.count("The two passwords differ.") == 1
    # By its field: the error's list is the one the input names for screen readers.
    assert '<ul class="errorlist" id="id_password2_error"><li>The two passwords differ.' in page
    assert 'aria-invalid="true" aria-describedby="id_password2_error" id="id_password2"' in page
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_register_offers_every_language():
    assert [code for code, _name in RegistrationForm.base_fields["language"].choices] == [
        "en",
        "fr",
        "es",
        "ar",
    ]


def test_register_page_in_arabic_starts_with_arabic_chosen(client):
    page = client.get("/ar/accounts/register/").content.decode()

    assert '<option value="ar" selected>' in page


def test_register_an_active_address_says_the_same_and_mails_a_reminder(client):
    UserFactory(email="taken@example.org", language="es", password="untouched-password-1")
    new = client.post(reverse("accounts:register"), registration(email="new@example.org"))
    mail.outbox.clear()

    taken = client.post(reverse("accounts:register"), registration(email="taken@example.org"))

    assert taken.status_code == new.status_code == 200
    assert taken.content.replace(b"taken@", b"someone@") == new.content.replace(
        b"new@", b"someone@"
    )
    assert [m.to for m in mail.outbox] == [["taken@example.org"]]
    assert mail.outbox[0].subject == "Ya tiene una cuenta"
    assert "/es/accounts/password-reset/" in mail.outbox[0].body
    assert User.objects.get(email="taken@example.org").check_password("untouched-password-1")


def test_register_an_unconfirmed_address_sends_its_link_again(client):
    client.post(reverse("accounts:register"), registration())

    client.post(reverse("accounts:register"), registration(password1="x", password2="x"))

    assert len(mail.outbox) == 1  # the second try failed validation: nothing sent
    client.post(reverse("accounts:register"), registration(full_name="Someone Else"))
    user = User.objects.get(email="ada@city.example")
    assert len(mail.outbox) == 2
    assert link_in(mail.outbox[1]).startswith("/fr/accounts/verify/")
    assert (user.full_name, user.is_active) == ("Ada Coordinator", False)


def test_a_signed_in_person_is_sent_from_registration_to_admissions(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:register"))

    assert response["Location"] == reverse("admissions:home")


def test_verify_with_a_forged_token_is_refused(client):
    response = client.get(reverse("accounts:verify", args=["forged:token"]))

    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()


def test_verify_link_lasts_three_days(client):
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        client.post(reverse("accounts:register"), registration())
    link = link_in(mail.outbox[0])

    with time_machine.travel(dt.datetime(2027, 3, 4, 11, 59, tzinfo=dt.UTC), tick=False):
        in_time = client.get(link).status_code
    with time_machine.travel(dt.datetime(2027, 3, 4, 12, 1, tzinfo=dt.UTC), tick=False):
        late = client.post(link).status_code

    assert (in_time, late) == (200, 400)
    assert not User.objects.get(email="ada@city.example").is_active


def test_old_registration_urls_redirect_to_accounts(client):
    register = client.get("/admissions/register/?next=/admissions/calls/3/apply/")
    verify = client.get("/fr/admissions/verify/abc:def/")

    assert (register.status_code, register["Location"]) == (
        301,
        "/accounts/register/?next=/admissions/calls/3/apply/",
    )
    assert (verify.status_code, verify["Location"]) == (301, "/fr/accounts/verify/abc:def/")


# Log-in page -----------------------------------------------------------------------------


def test_login_page_links_password_reset_and_registration_with_styled_button(client):
    page = client.get(reverse("accounts:login") + "?next=/admissions/").content.decode()

    assert f'href="{reverse("accounts:password-reset")}"' in page
    assert f'href="{reverse("accounts:register")}?next=/admissions/"' in page
    assert '<button type="submit" class="button">Log in</button>' in page


# Password reset --------------------------------------------------------------------------

RESET_SUBJECTS = {
    "en": "Reset your password",
    "fr": "Réinitialisez votre mot de passe",
    "es": "Restablezca su contraseña",
    "ar": "أعد تعيين كلمة المرور",
}


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_password_reset_mail_is_in_the_accounts_language_from_an_english_page(client, language):
    UserFactory(email="mayor@example.org", language=language, full_name="M. Mayor")

    response = client.post(reverse("accounts:password-reset"), {"email": "Mayor@Example.org "})

    message = mail.outbox[0]
    prefix = "" if language == "en" else f"/{language}"
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert (message.to, message.subject) == (["mayor@example.org"], RESET_SUBJECTS[language])
    assert link_in(message).startswith(f"{prefix}/accounts/reset/")
    assert "M. Mayor" in message.body


def test_password_reset_mail_falls_back_to_the_pages_language(client):
    UserFactory(email="mayor@example.org", language="")

    client.post("/es/accounts/password-reset/", {"email": "mayor@example.org"})

    assert mail.outbox[0].subject == RESET_SUBJECTS["es"]


def test_password_reset_says_the_same_for_an_unknown_address_and_sends_nothing(client):
    UserFactory(email="known@example.org")

    known = client.post(reverse("accounts:password-reset"), {"email": "known@example.org"})
    unknown = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    done = client.get(unknown["Location"])

    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert "If an account uses that address" in done.content.decode()


def test_password_reset_link_changes_the_password_once(client):
    user = UserFactory(email="mayor@example.org")
    client.post(reverse("accounts:password-reset"), {"email": "mayor@example.org"})
    link = link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    again = client.get(link, follow=True)
    user.refresh_from_db()

    assert done["Location"] == reverse("accounts:password-reset-complete")
    assert user.check_password(NEW_PASSWORD)
    assert again.context["validlink"] is False
    assert "already used" in again.content.decode()


@override_settings(GNLC_LOGIN_MAX_FAILURES=2, GNLC_LOGIN_LOCKOUT_SECONDS=600)
def test_a_password_reset_lifts_the_log_in_pause(client):
    user = UserFactory(email="mayor@example.org")
    for _attempt in range(2):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    form_page = client.get(reverse("accounts:password-reset-confirm", args=[uid, token]))
    client.post(
        form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD}
    )

    assert response.status_code == 302


@override_settings(GNLC_RATE_LIMIT_MAIL=(3, 3600))
def test_password_reset_answers_429_past_the_limit_of_a_client(client):
    UserFactory(email="mayor@example.org")
    url = reverse("accounts:password-reset")
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        statuses = [client.post(url, {"email": f"p{n}@example.org"}).status_code for n in range(3)]
        over = client.post(url, {"email": "mayor@example.org"})
        page = client.get(url)
    with time_machine.travel(dt.datetime(2027, 3, 1, 11, 0, tzinfo=dt.UTC), tick=False):
        later = client.post(url, {"email": "mayor@example.org"})

    assert statuses == [302, 302, 302]
    assert (over.status_code, over["Retry-After"]) == (429, "3600")
    assert page.status_code == 200  # reading the form is not counted
    assert later.status_code == 302
    assert [m.to for m in mail.outbox] == [["mayor@example.org"]]


@override_settings(GNLC_RATE_LIMIT_MAIL_ADDRESS=(2, 3600))
def test_password_reset_mails_one_address_at_most_so_often_and_says_nothing_of_it(client):
    UserFactory(email="mayor@example.org")
    UserFactory(email="other@example.org")
    url = reverse("accounts:password-reset")
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        answers = [client.post(url, {"email": "mayor@example.org"}) for _n in range(3)]
        client.post(url, {"email": "other@example.org"})
    with time_machine.travel(dt.datetime(2027, 3, 1, 11, 0, tzinfo=dt.UTC), tick=False):
        client.post(url, {"email": "mayor@example.org"})

    assert [a["Location"] for a in answers] == [reverse("accounts:password-reset-done")] * 3
    assert [m.to[0] for m in mail.outbox] == [
        "mayor@example.org",
        "mayor@example.org",
        "other@example.org",
        "mayor@example.org",
    ]


@override_settings(GNLC_RATE_LIMIT_MAIL=(2, 3600))
def test_registration_answers_429_past_the_limit_of_a_client(client):
    url = reverse("accounts:register")
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        statuses = [
            client.post(url, registration(email=f"p{n}@example.org")).status_code for n in range(3)
        ]

    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2


# The first secretariat -------------------------------------------------------------------


def first_access_link(capsys, *args) -> str:
    call_command("create_secretariat", *args, "--site-url", "http://testserver")
    return re.search(r"http://testserver(/\S+)", capsys.readouterr().out).group(1)


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_create_secretariat_link_sets_the_password_then_pairs_the_second_factor(client, capsys):
    link = first_access_link(capsys, "First@Secretariat.example", "--name", "First Person")
    user = User.objects.get(email="first@secretariat.example")
    assert (user.has_usable_password(), user.is_staff, user.full_name) == (
        False,
        True,
        "First Person",
    )
    assert list(user.roles.values_list("kind", flat=True)) == [RoleKind.SECRETARIAT]

    form_page = client.get(link)
    shown = client.get(form_page["Location"])
    set_password = client.post(
        form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    setup = client.get(set_password["Location"])
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    paired = client.post(set_password["Location"], {"token": current_code(device)})

    assert "Next you will pair an authenticator app" in shown.content.decode()
    assert set_password["Location"] == reverse("accounts:two-factor-setup")
    assert setup.status_code == 200
    assert paired.status_code == 302
    assert client.get(reverse("audit:log")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_first_access_link_works_once(client, capsys):
    link = first_access_link(capsys, "first@secretariat.example")
    form_page = client.get(link)
    client.post(
        form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    client.logout()

    again = client.get(link)

    assert again.status_code == 200
    assert again.context["validlink"] is False
    assert "already used" in again.content.decode()


def test_the_first_access_link_lasts_a_day(client, capsys):
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        link = first_access_link(capsys, "first@secretariat.example")
    user = User.objects.get(email="first@secretariat.example")
    token = link.rstrip("/").rsplit("/", 1)[1]

    with time_machine.travel(dt.datetime(2027, 3, 2, 11, 59, tzinfo=dt.UTC), tick=False):
        in_time = first_access_tokens.check_token(user, token)
        shown = client.get(link)
    with time_machine.travel(dt.datetime(2027, 3, 2, 12, 1, tzinfo=dt.UTC), tick=False):
        late = first_access_tokens.check_token(user, token)

    assert (in_time, late) == (True, False)
    assert shown.status_code == 302  # to the form (the token leaves the address bar)


def test_a_password_reset_token_does_not_open_the_first_access_page(client):
    user = UserFactory(email="sec@example.org")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    response = client.get(reverse("accounts:first-access", args=[uid, token]))

    assert (response.status_code, response.context["validlink"]) == (200, False)


def test_create_secretariat_twice_keeps_one_role_and_the_password_until_the_link_is_used(
    capsys,
):
    user = UserFactory(email="sec@example.org")
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)

    first_access_link(capsys, "sec@example.org")
    first_access_link(capsys, "sec@example.org", "--new-device")

    user.refresh_from_db()
    assert Role.objects.filter(user=user, kind=RoleKind.SECRETARIAT).count() == 1
    assert user.check_password(PASSWORD)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_create_secretariat_in_arabic_prints_an_arabic_link(capsys):
    link = first_access_link(capsys, "sec@example.org", "--language", "ar")

    assert link.startswith("/ar/accounts/welcome/")
    assert User.objects.get(email="sec@example.org").language == "ar"


def test_create_secretariat_refuses_a_bad_address():
    with pytest.raises(CommandError, match="is not an e-mail address"):
        call_command("create_secretariat", "not an address")


# The demo's second factors ---------------------------------------------------------------


@override_settings(DEBUG=True)
def demo(capsys):
    call_command("demo")
    capsys.readouterr()


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_demo_code_prints_a_code_for_every_demo_account_with_a_second_factor(
    client, member, capsys
):
    demo(capsys)

    call_command("demo_code")  # DEBUG is off in the suite
    codes = dict(line.split() for line in capsys.readouterr().out.splitlines())
    client.post(
        reverse("accounts:login"),
        {"username": "juror3@demo.gnlc.org", "password": "learning-cities-demo"},
    )
    accepted = client.post(reverse("accounts:two-factor"), {"token": codes["juror3@demo.gnlc.org"]})

    assert sorted(codes) == [
        "juror2@demo.gnlc.org",
        "juror3@demo.gnlc.org",
        "juror4@demo.gnlc.org",
        "juror@demo.gnlc.org",
        "secretariat@demo.gnlc.org",
    ]
    assert accepted.status_code == 302
    assert client.get(reverse("admissions:jury")).status_code == 200


def test_demo_code_prints_one_accounts_code_that_the_page_accepts(client, member, capsys):
    demo(capsys)

    call_command("demo_code", "Secretariat@demo.gnlc.org")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__email="secretariat@demo.gnlc.org")

    assert code == current_code(device)
    assert re.fullmatch(r"\d{6}", code)


def test_demo_code_refuses_an_account_whose_password_changed(member, capsys):
    demo(capsys)
    user = User.objects.get(email="juror2@demo.gnlc.org")
    user.set_password("now a real password, 2027")
    user.save()

    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_code", "juror2@demo.gnlc.org")
    call_command("demo_code")
    assert "juror2@" not in capsys.readouterr().out


def test_demo_code_refuses_an_account_elsewhere_even_with_a_device_named_demo(capsys):
    user = UserFactory(email="juror@example.org", password="learning-cities-demo")
    RoleFactory(user=user, kind=RoleKind.JUROR)
    TOTPDevice.objects.create(user=user, name="demo", confirmed=True)

    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_code", "juror@example.org")
