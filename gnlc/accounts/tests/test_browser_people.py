"""The secretariat brings people in through the pages, in headless Chromium, from an empty
database (migrated, the reference data loaded, nothing else): the first secretariat
(from `gnlc create-secretariat`'s printed link) invites Kenya's National Commission and
a juror; each opens the link of the mail they were sent, sets a password (the juror also
pairs an authenticator app) and lands on their account page, their role on it. In
English and in Arabic (right to left), with a screenshot of every page at 1280 and 390 px
in test-results/people/."""

import base64
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import TOTP

from gnlc.accounts.tests.test_browser import console_errors, log_out
from gnlc.core.tests import browser

pytestmark = pytest.mark.browser
PASSWORD = "learning cities for all, 2027"
LANGUAGES = ["en", "ar"]
ROLE_NAMES = {
    "en": {"natcom": "National Commission", "juror": "Juror"},
    "ar": {"natcom": "اللجنة الوطنية", "juror": "عضو لجنة التحكيم"},
}


def shoot(page, name: str) -> None:
    """The page at a desktop's and a phone's width, in test-results/people/."""
    browser.shoot(page, "people", name)


def submit(page) -> None:
    page.click("main form.card button[type=submit]")


def pair_authenticator(page) -> None:
    """What an authenticator app does with the key the page shows."""
    key = base64.b32decode(page.inner_text("#totp-key").strip())
    page.fill("#id_token", f"{TOTP(key).token():06d}")
    submit(page)


def link_in(message) -> str:
    return re.search(r"(http://\S+/accounts/invitation/\S+/)", message.body).group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_the_first_secretariat_invites_a_national_commission_and_a_juror_who_come_in(
    page, live_server, reference_data, capsys, mailoutbox, lang
):
    errors = console_errors(page)
    prefix = "" if lang == "en" else f"/{lang}"
    names = ROLE_NAMES[lang]
    call_command(
        "create_secretariat",
        "first@secretariat.example",
        "--language",
        lang,
        "--site-url",
        live_server.url,
    )
    link = re.search(r"(http://\S+/accounts/welcome/\S+/)", capsys.readouterr().out).group(1)

    # The first secretariat comes in.
    page.goto(link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/two-factor/setup/")
    pair_authenticator(page)
    page.wait_for_url(f"**{prefix}/accounts/")

    # From its account page to the people, still only itself.
    page.click(f'main a[href="{prefix}/accounts/people/"]')
    page.wait_for_url(f"**{prefix}/accounts/people/")
    assert page.locator(".people-list__item").count() == 1
    shoot(page, f"{lang}-1-people-first")

    # Kenya's National Commission, with a mistake first: no country.
    page.click(f'main a[href="{prefix}/accounts/people/invite/"]')
    page.wait_for_url(f"**{prefix}/accounts/people/invite/")
    assert page.locator(".people-scope[data-role=natcom]").is_hidden()
    shoot(page, f"{lang}-2-invite")
    page.fill("#id_email", "wanjiru@natcom.example")
    page.fill("#id_full_name", "Wanjiru Kamau")
    page.check("input[name=kind][value=natcom]")
    assert page.locator(".people-scope[data-role=natcom]").is_visible()
    assert page.locator(".people-scope[data-role=juror]").is_hidden()
    submit(page)
    page.locator("#id_country_error").wait_for()
    assert page.input_value("#id_email") == "wanjiru@natcom.example"
    assert page.locator("input[name=kind][value=natcom]").is_checked()
    shoot(page, f"{lang}-3-invite-error")
    page.select_option("#id_country", "KE")
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/people/*/")
    page.locator(".message--success").wait_for()
    assert "Kenya" in page.inner_text("main") or "كينيا" in page.inner_text("main")
    shoot(page, f"{lang}-4-person-invited")

    # A juror from France, who knows Europe.
    page.goto(f"{prefix}/accounts/people/invite/")
    page.fill("#id_email", "juror@jury.example")
    page.check("input[name=kind][value=juror]")
    page.select_option("#id_juror-country", "FR")
    page.locator("input[name=juror-regions]").nth(3).check()  # Europe and North America
    shoot(page, f"{lang}-5-invite-juror")
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/people/*/")
    page.goto(f"{prefix}/accounts/people/")
    assert page.locator(".people-list__item").count() == 3
    shoot(page, f"{lang}-6-people")

    # Each invited person opens the link they were mailed, in the chosen language.
    assert [m.to for m in mailoutbox] == [["wanjiru@natcom.example"], ["juror@jury.example"]]
    log_out(page)
    page.goto(link_in(mailoutbox[0]))
    assert f"{prefix}/accounts/invitation/" in page.url
    page.locator("#id_new_password1").wait_for()
    shoot(page, f"{lang}-7-natcom-set-password")
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/")
    assert names["natcom"] in page.inner_text("main")
    shoot(page, f"{lang}-8-natcom-account")

    log_out(page)
    page.goto(link_in(mailoutbox[1]))
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    submit(page)
    page.wait_for_url(f"**{prefix}/accounts/two-factor/setup/")
    pair_authenticator(page)
    page.wait_for_url(f"**{prefix}/accounts/")
    assert names["juror"] in page.inner_text("main")
    shoot(page, f"{lang}-9-juror-account")
    assert errors == []
