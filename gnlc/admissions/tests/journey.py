"""What the journey tests share: a blank installation (the migrations' data and the
network's shipped members, imported as `make data` does), people who each use their own
browser (their own cookies), logging in with a password and, where their role needs
it, a code from their authenticator app, mail read from the outbox of the test backend,
and a screenshot of every page visited at 1280 and 390 px, in English and in Arabic.

Nothing here makes a row: every step a person takes is a page."""

import base64
import re
import shutil
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core import mail
from django_otp.oath import TOTP

from gnlc.core.tests.blank_install import PASSWORD, create_secretariat
from gnlc.core.tests.browser import SCREENSHOTS, console_errors, shoot

# A form sent back with its errors answers 400, which Chromium logs as a failed load;
# a page that refuses (403, 404) is a step of the journey too.
EXPECTED = ("the server responded with a status of 400", "status of 403", "status of 404")


def last_link(email: str, pattern: str) -> str:
    """The link matching `pattern` in the latest mail to `email`."""
    for message in reversed(mail.outbox):
        if email in message.to:
            found = re.search(rf"(http://\S+{pattern}\S*/)", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no mail to {email} with a link to {pattern}")


@dataclass
class Journey:
    """The pages of one journey: who is on which page, and where the pictures go."""

    browser: object
    base_url: str
    folder: str
    people: dict = field(default_factory=dict)
    shots: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    shooting: float = 0.0  # seconds spent on screenshots, printed by the journeys

    def __post_init__(self):
        # Only this run's pictures: numbered in the order of the journey.
        shutil.rmtree(SCREENSHOTS / self.folder, ignore_errors=True)

    def person(self, email: str) -> "Person":
        if email not in self.people:
            context = self.browser.new_context(base_url=self.base_url)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.set_viewport_size({"width": 1280, "height": 900})
            errors = console_errors(page)
            self.errors.append(errors)
            # The Arabic copy of each page, in the same session.
            arabic = context.new_page()
            arabic.set_default_timeout(15_000)
            self.people[email] = Person(self, email, page, arabic)
        return self.people[email]

    def anonymous(self) -> "Person":
        return self.person("")

    def console_errors(self) -> list:
        return [
            error
            for errors in self.errors
            for error in errors
            if not any(expected in error for expected in EXPECTED)
        ]


@dataclass
class Person:
    journey: Journey
    email: str
    page: object
    arabic: object
    key: bytes | None = None

    def snap(self, name: str, *, arabic: bool = True) -> None:
        """The current page at both widths; then the same address in Arabic (a GET in
        the same session), which must be right to left."""
        started = time.monotonic()
        number = len(self.journey.shots) + 1
        label = f"{number:02d}-{name}"
        shoot(self.page, self.journey.folder, label)
        self.journey.shots.append(label)
        if arabic:
            parts = urlsplit(self.page.url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            self.arabic.goto(f"/ar{path}")
            assert self.arabic.locator("html").get_attribute("dir") == "rtl", path
            shoot(self.arabic, self.journey.folder, f"{label}-ar")
        self.journey.shooting += time.monotonic() - started

    def goto(self, path: str, name: str | None = None, *, arabic: bool = True):
        response = self.page.goto(path)
        if name:
            self.snap(name, arabic=arabic)
        return response

    def submit(self, selector: str = "main form button[type=submit]") -> None:
        self.page.click(selector)

    def set_password_from(self, link: str, name: str | None) -> None:
        """The one-time link of an invitation or of `gnlc create-secretariat`: a
        password, then the second factor where the page asks for it (pictures of both
        unless `name` is None: the same pages as someone else's)."""
        self.page.goto(link)
        self.page.locator("#id_new_password1").wait_for()
        if name:
            self.snap(name)
        self.page.fill("#id_new_password1", PASSWORD)
        self.page.fill("#id_new_password2", PASSWORD)
        self.submit("main form.card button[type=submit]")
        self.page.wait_for_load_state()
        if "/two-factor/setup/" in self.page.url:
            if name:
                self.snap(f"{name}-second-factor", arabic=False)
            self.key = base64.b32decode(self.page.inner_text("#totp-key").strip())
            self.page.fill("#id_token", self.code())
            self.submit("main form.card button[type=submit]")
        self.page.wait_for_url("**/accounts/")

    def code(self) -> str:
        return f"{TOTP(self.key).token():06d}"

    def log_in(self, next_url: str = "/accounts/") -> None:
        """The log-in page, and the code of the second factor if it is asked."""
        self.page.context.clear_cookies()
        self.page.goto(f"/accounts/login/?next={next_url}")
        self.page.fill("#id_username", self.email)
        self.page.fill("#id_password", PASSWORD)
        self.submit("main form button[type=submit]")
        self.page.wait_for_load_state()
        if "/two-factor/" in self.page.url:
            self.page.fill("#id_token", self.code())
            self.submit("main form button[type=submit]")
        self.page.wait_for_url(f"**{next_url}")


def first_secretariat(journey: Journey, email: str) -> Person:
    """`gnlc create-secretariat` prints a one-time link; the person follows it."""
    link = create_secretariat(email, name="First Secretary", site_url=journey.base_url)
    sec = journey.person(email)
    sec.set_password_from(link, "sec-welcome")
    sec.snap("sec-account")
    return sec


def invite(sec: Person, email: str, name: str, kind: str, scope: dict, *, shots: bool) -> None:
    """The People page: invite `email` with a role (`scope`: the role's fields, select
    or text inputs by id)."""
    p = sec.page
    sec.goto("/accounts/people/", "sec-people" if shots else None)
    p.click('main a[href$="/accounts/people/invite/"]')
    p.wait_for_url("**/people/invite/")
    p.fill("#id_email", email)
    p.fill("#id_full_name", name)
    p.check(f"input[name=kind][value={kind}]")
    for selector, value in scope.items():
        if p.locator(selector).evaluate("e => e.tagName") == "SELECT":
            p.select_option(selector, value)
        else:
            p.fill(selector, value)
            p.press(selector, "Tab")  # away from the suggestions, as a person moves on
    if shots:
        sec.snap(f"sec-invite-{kind}", arabic=False)
    p.click("main form button[type=submit]")
    p.wait_for_load_state()
    assert p.locator(".errorlist").count() == 0, p.locator(".errorlist").all_inner_texts()
    p.wait_for_url(re.compile(r"/accounts/people/\d+/$"))
    if shots:
        sec.snap(f"sec-person-{kind}")


def accept_invitation(journey: Journey, email: str, name: str | None) -> Person:
    person = journey.person(email)
    person.set_password_from(last_link(email, "/accounts/invitation/"), name)
    return person


def open_call(sec: Person, kind_label: str, fields: dict, criteria: list) -> str:
    """The secretariat makes a call of `kind_label` (`fields`: input id -> value; dates
    as dates), with `criteria` [(name, weight)], and opens it; returns its address."""
    p = sec.page
    sec.goto("/admissions/", "sec-admissions-home")
    p.click("text=New call")
    p.wait_for_url("**/admissions/calls/new/")
    sec.snap("sec-new-call")
    p.click(f"text={kind_label}")
    p.wait_for_url("**/calls/new/*/")
    sec.snap("sec-new-call-form")
    for name, value in fields.items():
        selector = f"#id_{name}"
        if p.locator(selector).evaluate("e => e.tagName") == "SELECT":
            p.select_option(selector, value)
        else:
            p.fill(selector, value.isoformat() if hasattr(value, "isoformat") else value)
    for n, (criterion, weight) in enumerate(criteria):
        p.fill(f"#id_criteria-{n}-name_en", criterion)
        p.fill(f"#id_criteria-{n}-weight", str(weight))
    p.click("form.admissions-form button[type=submit]")
    p.locator(".message--success", has_text="saved as a draft").wait_for()
    sec.snap("sec-call-draft")
    call_url = re.search(r"/admissions/calls/\d+/", p.url).group(0)
    p.click("text=Open…")
    p.wait_for_url("**/open/")
    sec.snap("sec-open-confirm")
    p.click('button[data-action="open"]')
    p.locator(".message--success", has_text="it is public now").wait_for()
    sec.snap("sec-call-public")
    return call_url


def choose(page, select: str, text: str) -> None:
    """The option of `select` whose label contains `text`."""
    option = page.locator(f"{select} option", has_text=text)
    page.select_option(select, option.get_attribute("value"))


def public_text(person: Person, paths) -> dict:
    """What an anonymous visitor reads at each of `paths` (pages, downloads, API)."""
    texts = {}
    for path in paths:
        response = person.page.request.get(path)
        assert response.status == 200, (path, response.status)
        texts[path] = response.text()
    return texts
