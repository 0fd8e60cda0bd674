"""The ways in, in headless Chromium, from an empty database (migrated, the reference data
loaded, nothing else): the first secretariat account from `gnlc create-secretariat`'s
printed link to a paired second factor, and a city's visitor from the home page to the
calls, registration, the mailed confirmation link, log-in and a forgotten password. Each
runs in English and in Arabic (right to left) and saves a screenshot of every page at
1280 and 390 px into test-results/access/."""

import base64
import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP

from gnlc.admissions.models import Call
from gnlc.core.tests import browser
from gnlc.library.models import Theme

pytestmark = pytest.mark.browser
PASSWORD = "learning cities for all, 2027"
NEW_PASSWORD = "a new password for 2028"
LANGUAGES = ["en", "ar"]


def shoot(page, name: str) -> None:
    """The page at a desktop's and a phone's width, in test-results/access/."""
    browser.shoot(page, "access", name)


# A form sent back with its errors answers 400, which Chromium logs as a failed load.
FORM_ERRORS = "the server responded with a status of 400"


def console_errors(page) -> list:
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and FORM_ERRORS not in message.text
            and errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_out(page) -> None:
    """Log out from the header's Account menu."""
    page.click(".account-menu summary")
    page.click(".account-menu button[type=submit]")


def submit(page) -> None:
    page.click("main form.card button[type=submit]")


@pytest.mark.parametrize("lang", LANGUAGES)
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_the_first_secretariat_sets_a_password_and_a_second_factor_from_the_printed_link(
    page, live_server, reference_data, capsys, lang
):
    errors = console_errors(page)
    prefix = "" if lang == "en" else f"/{lang}"
    call_command(
        "create_secretariat",
        "first@secretariat.example",
        "--name",
        "First Secretary",
        "--language",
        lang,
        "--site-url",
        live_server.url,
    )
    link = re.search(r"(http://\S+/accounts/welcome/\S+/)", capsys.readouterr().out).group(1)

    page.goto(link)
    page.locator("#id_new_password1").wait_for()
    shoot(page, f"{lang}-secretariat-1-set-password")
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/two-factor/setup/")
    shoot(page, f"{lang}-secretariat-2-pair-authenticator")
    # What an authenticator app does with the key the page shows.
    key = base64.b32decode(page.inner_text("#totp-key").strip())
    page.fill("#id_token", f"{TOTP(key).token():06d}")
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/")
    page.locator(".message--success").wait_for()
    shoot(page, f"{lang}-secretariat-3-account")
    audit = page.goto(f"{prefix}/audit/")
    assert audit.status == 200  # a secretariat page, in a session verified by the factor

    # The link is spent.
    page.context.clear_cookies()
    page.goto(link)
    page.locator(".alert--error").wait_for()
    shoot(page, f"{lang}-secretariat-4-link-used")
    assert errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_visitor_goes_from_the_home_page_to_the_calls_registers_confirms_and_logs_in(
    page, live_server, reference_data, mailoutbox, lang
):
    errors = console_errors(page)
    prefix = "" if lang == "en" else f"/{lang}"

    page.goto(f"{prefix}/")
    shoot(page, f"{lang}-visitor-1-home")
    page.click('main a[href$="/admissions/"]')
    page.wait_for_url(f"**{prefix}/admissions/")
    shoot(page, f"{lang}-visitor-2-calls")
    page.click("main .page-head a.button")
    page.wait_for_url(f"**{prefix}/accounts/register/")

    # A first try with a mistake: the page says where, and keeps what was typed.
    page.fill("#id_full_name", "Amina Otieno")
    page.fill("#id_email", "amina@eldoret.example")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", "not the same password")
    submit(page)
    page.locator("#id_password2_error").wait_for()
    assert page.input_value("#id_full_name") == "Amina Otieno"
    assert page.input_value("#id_email") == "amina@eldoret.example"
    assert page.input_value("#id_language") == lang
    shoot(page, f"{lang}-visitor-3-register-error")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    submit(page)
    page.locator("main", has_text="amina@eldoret.example").wait_for()
    shoot(page, f"{lang}-visitor-4-check-your-mail")

    # The link in the mail, in the language chosen.
    assert len(mailoutbox) == 1
    link = re.search(r"(http://\S+/accounts/verify/\S+/)", mailoutbox[0].body).group(1)
    assert f"{prefix}/accounts/verify/" in link
    page.goto(link)
    shoot(page, f"{lang}-visitor-5-confirm")
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/login/?next=*")
    page.locator(".message--success").wait_for()
    shoot(page, f"{lang}-visitor-6-log-in")
    page.fill("#id_username", "amina@eldoret.example")
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/admissions/")
    shoot(page, f"{lang}-visitor-7-admissions")

    # Later, the password forgotten.
    log_out(page)
    page.wait_for_url(f"**{prefix}/")
    page.goto(f"{prefix}/accounts/login/")
    page.click('main a[href$="/accounts/password-reset/"]')
    page.wait_for_url(f"**{prefix}/accounts/password-reset/")
    shoot(page, f"{lang}-visitor-8-forgot-password")
    page.fill("#id_email", "amina@eldoret.example")
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/password-reset/sent/")
    shoot(page, f"{lang}-visitor-9-reset-sent")
    assert len(mailoutbox) == 2
    link = re.search(r"(http://\S+/accounts/reset/\S+/)", mailoutbox[1].body).group(1)
    page.goto(link)
    page.locator("#id_new_password1").wait_for()
    shoot(page, f"{lang}-visitor-10-new-password")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/reset/done/")
    shoot(page, f"{lang}-visitor-11-password-changed")
    page.click("main a.button")
    page.fill("#id_username", "amina@eldoret.example")
    page.fill("#id_password", NEW_PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/")
    shoot(page, f"{lang}-visitor-12-account")
    assert errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_calls_page_with_a_call_of_each_kind(page, live_server, reference_data, lang):
    """A picture of the calls page with calls in it (made here: opening a call is the
    secretariat's journey, tested with the call pages)."""
    prefix = "" if lang == "en" else f"/{lang}"
    today = dt.date.today()
    dates = {
        "opens_on": today - dt.timedelta(days=10),
        "closes_on": today + dt.timedelta(days=50),
        "nomination_deadline": today + dt.timedelta(days=80),
        "review_opens_on": today + dt.timedelta(days=90),
        "review_closes_on": today + dt.timedelta(days=120),
        "announcement_date": today + dt.timedelta(days=200),
    }
    # Public calls: a draft is the secretariat's alone (opened with the call pages).
    opened = timezone.now()
    Call.objects.create(
        title="Call for membership", time_zone="Europe/Paris", opened_at=opened, **dates
    )
    Call.objects.create(
        kind="award",
        title="Learning City Award",
        opened_at=opened,
        **{name: day + dt.timedelta(days=30) for name, day in dates.items()},
    )
    # The migration seeds the themes; a flushed (transactional) database has none.
    theme, _created = Theme.objects.get_or_create(slug="literacy", defaults={"name": "Literacy"})
    Call.objects.create(
        kind="practices",
        title="Practices of adult literacy",
        theme=theme,
        opened_at=opened,
        **dates,
    )

    page.goto(f"{prefix}/admissions/")

    assert page.locator("main article.call-card").count() == 3
    shoot(page, f"{lang}-calls-page")
