"""Helpers of the journey tests: a blank installation as a real one starts (the
migrations' data and the shipped members, loaded by the command `make data` runs), its
first secretariat from `gnlc create-secretariat`'s printed link, one browser window per
person, and a screenshot of every page a journey visits, at 1280 and 390 px.

The live server's database is flushed after each test, which empties what the migrations
wrote: `install` writes it again with the migrations' own functions (regions and
countries, the library's themes and goals, the Key Features), as a fresh `gnlc migrate`
leaves it. (Not the `django_db_serialized_rollback` fixture: after its flush the content
types are not made again, and the next transactional test's audit entries point at
content types that are gone.)"""

import base64
import importlib
import io
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management import call_command
from django_otp.oath import TOTP

from gnlc.core.tests.browser import shoot

FOLDER = "journeys"
PASSWORD = "learning cities for all, 2027"
# A form sent back with its errors answers 400, which Chromium logs as a failed load.
FORM_ERRORS = "the server responded with a status of 400"


# The migrations that write data (the others only make tables) and their functions.
DATA_MIGRATIONS = [
    ("gnlc.cities.migrations.0002_regions_and_countries", "load"),
    ("gnlc.library.migrations.0002_themes_and_sdgs", "seed"),
    ("gnlc.reporting.migrations.0002_key_features", "seed"),
]


def install() -> None:
    """A blank installation: the migrations' data, then the network's members and
    cohorts shipped with gnlc, loaded as `make data` loads them."""
    from gnlc.cities.models import Country

    for module, function in DATA_MIGRATIONS:
        if module.startswith("gnlc.cities") and Country.objects.exists():
            continue  # conftest's `reference_data` may have loaded them
        getattr(importlib.import_module(module), function)(apps, None)
    call_command("import_members", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())


def create_secretariat(email: str, *, site_url: str, language: str = "en", name: str = "") -> str:
    """Run `gnlc create-secretariat EMAIL` and return the one-time link it prints."""
    out = io.StringIO()
    call_command(
        "create_secretariat",
        email,
        "--language",
        language,
        "--name",
        name,
        "--site-url",
        site_url,
        stdout=out,
    )
    return re.search(r"(http://\S+/accounts/welcome/\S+/)", out.getvalue()).group(1)


def invitation_link(message) -> str:
    return re.search(r"(http://\S+/accounts/invitation/\S+/)", message.body).group(1)


@dataclass
class Journey:
    """One journey in one language: its people's browser windows, its screenshots
    (test-results/journeys/<name>-<lang>-<nn>-<page>-<width>.png, numbered in the order
    visited) and the errors any window's console logged."""

    name: str
    lang: str
    browser: object
    base_url: str
    errors: list = field(default_factory=list)
    count: int = 0

    @property
    def prefix(self) -> str:
        """The language's path prefix ("" for English, the default)."""
        return "" if self.lang == "en" else f"/{self.lang}"

    def url(self, path: str) -> str:
        return f"{self.prefix}{path}"

    def window(self):
        """A new browser window (its own cookies): one per person."""
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and FORM_ERRORS not in message.text
                and self.errors.append(f"{page.url}: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def shoot(self, page, what: str) -> None:
        self.count += 1
        shoot(page, FOLDER, f"{self.name}-{self.lang}-{self.count:02d}-{what}")

    def visit(self, page, path: str, what: str):
        """Open `path` (in the journey's language) and save the page."""
        response = page.goto(self.url(path))
        self.shoot(page, what)
        return response

    def follow(self, page, path: str, what: str | None = None, *, within: str = "main") -> None:
        """Click the link to `path` (in the journey's language) inside `within`, as a
        person does, wait for its page, and save it as `what`."""
        page.click(f'{within} a[href="{self.url(path)}"]')
        page.wait_for_url(f"**{self.url(path)}")
        if what:
            self.shoot(page, what)

    def invite_coordinator(self, page, email: str, name: str, city: str, what=None) -> None:
        """The secretariat invites `city`'s coordinator from the People page (reached
        from the account menu), in the journey's language."""
        page.click(".account-menu summary")
        self.follow(page, "/accounts/people/", within=".account-menu")
        self.follow(page, "/accounts/people/invite/")
        page.fill("#id_email", email)
        page.fill("#id_full_name", name)
        page.select_option("#id_language", self.lang)
        page.check("input[name=kind][value=coordinator]")
        page.fill("#id_member", city)
        if what:
            self.shoot(page, what)
        submit(page)
        page.wait_for_url(f"**{self.url('/accounts/people/')}*/")
        page.locator(".message--success").wait_for()

    def welcome(self, page, link: str, what: str) -> None:
        """Follow a one-time link (first access or invitation): set the password, pair
        an authenticator where the role needs one, and land on the account page."""
        page.goto(link)
        page.locator("#id_new_password1").wait_for()
        self.shoot(page, f"{what}-set-password")
        page.fill("#id_new_password1", PASSWORD)
        page.fill("#id_new_password2", PASSWORD)
        submit(page)
        page.wait_for_url(
            re.compile(r".*/accounts/(two-factor/setup/)?$"), wait_until="domcontentloaded"
        )
        if page.url.endswith("/two-factor/setup/"):
            self.shoot(page, f"{what}-pair-authenticator")
            # What an authenticator app does with the key the page shows.
            key = base64.b32decode(page.inner_text("#totp-key").strip())
            page.fill("#id_token", f"{TOTP(key).token():06d}")
            submit(page)
            page.wait_for_url(f"**{self.prefix}/accounts/")
        self.shoot(page, f"{what}-account")


def submit(page, button: str = "button[type=submit]") -> None:
    """Press the main form's button (the first, or the one `button` selects)."""
    page.locator(f"main form {button}").first.click()
