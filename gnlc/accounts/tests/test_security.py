import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts import security
from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@override_settings(GNLC_LOGIN_MAX_FAILURES=3, GNLC_LOGIN_LOCKOUT_SECONDS=600)
def test_login_is_locked_after_repeated_failures_even_with_the_right_password(client):
    UserFactory(email="target@example.org")
    for _ in range(3):
        assert log_in(client, "target@example.org", "wrong-password").status_code == 200

    response = log_in(client, "target@example.org")

    assert response.status_code == 200
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(GNLC_LOGIN_MAX_FAILURES=3)
def test_a_success_before_the_limit_clears_the_count(client):
    UserFactory(email="forgetful@example.org")
    log_in(client, "forgetful@example.org", "wrong-password")
    log_in(client, "forgetful@example.org", "wrong-password")
    assert log_in(client, "forgetful@example.org").status_code == 302
    client.logout()

    log_in(client, "forgetful@example.org", "wrong-password")
    log_in(client, "forgetful@example.org", "wrong-password")

    assert log_in(client, "forgetful@example.org").status_code == 302


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short1", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("learning cities for all, 2026")


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
@pytest.mark.parametrize("kind", [RoleKind.SECRETARIAT, RoleKind.JUROR])
def test_confidential_roles_must_set_up_and_use_a_second_factor(client, kind):
    user = UserFactory(email="strong@example.org")
    RoleFactory(user=user, kind=kind)
    assert log_in(client, "strong@example.org").status_code == 302

    # Unverified: every page leads to the two-factor pages, and the role does not count.
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    assert not user.has_role(kind)
    setup = client.get(reverse("accounts:two-factor-setup"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    good = client.post(reverse("accounts:two-factor-setup"), {"token": current_code(device)})

    assert good.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_unverified_secretariat_cannot_open_the_audit_log(client):
    user = UserFactory(email="sec@example.org", is_staff=True)
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)

    response = client.get(reverse("audit:log"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_roles_without_confidential_data_need_no_second_factor(client, coordinator, member):
    client.force_login(coordinator)

    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert coordinator.has_role(RoleKind.COORDINATOR, member=member)


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_a_wrong_code_is_refused_and_the_device_stays_unconfirmed(client):
    user = UserFactory(email="typo@example.org")
    RoleFactory(user=user, kind=RoleKind.JUROR)
    client.force_login(user)
    client.get(reverse("accounts:two-factor-setup"))

    response = client.post(reverse("accounts:two-factor-setup"), {"token": "000000"})

    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("accounts:dashboard")).status_code == 302


# One way in, one throttle (issue 14: the admin's log-in took a dozen wrong passwords) ------

SITE_LOGIN, ADMIN_LOGIN = "/accounts/login/", "/admin/login/"


def post_login(client, url, email, password):
    """A log-in POSTed to `url`, redirects followed as a browser does (a 307 re-sends the
    POST to its new address)."""
    return client.post(url, {"username": email, "password": password}, follow=True)


def test_the_admin_login_sends_to_the_site_login_keeping_next(client):
    response = client.get(f"{ADMIN_LOGIN}?next=/admin/audit/")

    assert response.status_code == 307
    assert response["Location"] == f"{SITE_LOGIN}?next=%2Fadmin%2Faudit%2F"


def test_the_right_password_at_the_admin_login_is_checked_by_the_site_login(client):
    staff = UserFactory(email="staff@example.org", is_staff=True)

    response = client.post(
        f"{ADMIN_LOGIN}?next=/admin/",
        {"username": "staff@example.org", "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[:2] == [
        (f"{SITE_LOGIN}?next=%2Fadmin%2F", 307),
        ("/admin/", 302),
    ]
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert response.status_code == 200


def test_a_signed_in_user_the_admin_refuses_gets_403_not_a_loop(client):
    client.force_login(UserFactory(email="not-staff@example.org"))

    assert client.get(f"{ADMIN_LOGIN}?next=/admin/").status_code == 403


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
@override_settings(GNLC_LOGIN_MAX_FAILURES=5)
def test_six_wrong_passwords_lock_the_account_whichever_login_page(client, url):
    UserFactory(email="secretariat@example.org", is_staff=True)
    for _ in range(6):
        response = post_login(client, url, "secretariat@example.org", "wrong-password")
        assert "_auth_user_id" not in client.session

    response = post_login(client, url, "secretariat@example.org", PASSWORD)

    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert security.is_locked_out("secretariat@example.org", "127.0.0.1")


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
@override_settings(GNLC_LOGIN_MAX_FAILURES=2)
def test_wrong_passwords_for_many_accounts_lock_the_address_whichever_login_page(client, url):
    UserFactory(email="innocent@example.org")
    # An address may fail four times the limit of one account: 8 here, each on an
    # account of its own so that no account is locked.
    for n in range(8):
        post_login(client, url, f"guess{n}@example.org", "wrong-password")

    response = post_login(client, url, "innocent@example.org", PASSWORD)

    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(GNLC_LOGIN_MAX_FAILURES=2)
def test_an_own_account_logged_into_between_guesses_does_not_reset_the_address(client):
    UserFactory(email="attacker@example.org")
    UserFactory(email="victim@example.org")
    # Eight failures (the address's limit), each after a log-in that succeeds.
    for n in range(8):
        assert log_in(client, "attacker@example.org").status_code == 302
        client.logout()
        post_login(client, SITE_LOGIN, f"victim{n}@example.org", "wrong-password")

    response = post_login(client, SITE_LOGIN, "victim@example.org", PASSWORD)

    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(GNLC_LOGIN_MAX_FAILURES=2, GNLC_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_counted_is_the_client_not_the_proxy(client):
    UserFactory(email="colleague@example.org")
    for n in range(8):
        client.post(
            SITE_LOGIN,
            {"username": f"guess{n}@example.org", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )

    # Another client behind the same proxy (same REMOTE_ADDR) is not locked out.
    response = client.post(
        SITE_LOGIN,
        {"username": "colleague@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )

    assert response.status_code == 302
    assert security.is_locked_out("anyone@example.org", "203.0.113.9")
