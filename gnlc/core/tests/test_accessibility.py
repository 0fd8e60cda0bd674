"""WCAG 2.2 AA: axe-core in headless Chromium over every public page and the main forms
of each role, in the light and the dark colour scheme.

A test fails on any serious or critical violation and prints them, one per line, with
the elements at fault. Public pages are the permission matrix's rows that give the
anonymous persona a 200: each is either in PUBLIC_PAGES (checked) or in NOT_PAGES (not
HTML, with the reason), and `test_every_public_url_is_checked` fails on a new one that is
in neither. axe-core comes from npm (`npm ci`: package.json's devDependencies).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from gnlc.core.tests.test_permission_matrix import MATRIX, MODULES

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ("light", "dark")
FAILING_IMPACTS = {"serious", "critical"}

# Every public HTML page, checked as the anonymous visitor.
PUBLIC_PAGES = [
    "accounts:first-access",
    "accounts:invitation",
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-complete",
    "accounts:password-reset-confirm",
    "accounts:password-reset-done",
    "accounts:register",
    "accounts:verify",
    "admissions:call",
    "admissions:home",
    "cities:countries",
    "cities:country",
    "cities:directory",
    "cities:home",
    "cities:map",
    "cities:member",
    "cities:member-suggest",
    "cities:open-data",
    "cities:region",
    "cities:statistics",
    "cities:suggest",
    "cities:suggest-sent",
    "clusters:detail",
    "clusters:list",
    "events:confirm",
    "events:detail",
    "events:guest-cancel",
    "events:list",
    "events:register-by-email",
    "library:call",
    "library:documents",
    "library:index",
    "library:member",
    "library:practice",
    "news:list",
    "news:post",
    "news:press",
    "news:subscribe",
    "news:subscribe-confirm",
    "news:unsubscribe",
]
# Public URLs that are not pages of ours, so axe has nothing to check there.
NOT_PAGES = {
    "accounts:calendar": "an iCalendar feed",
    "admissions:calendar": "an iCalendar feed",
    "api-docs": "django-ninja's Swagger UI (third-party, as is) inside our header",
    "cities:datapackage": "a JSON data package descriptor",
    "cities:download": "CSV, JSON and GeoJSON downloads",
    "cities:map-members": "the GeoJSON the maps draw",
    "cities:open-data-table": "a CSV download",
    "cities:statistics-csv": "a CSV download",
    "cities:statistics-series-csv": "a CSV download",
    "clusters:geojson": "a GeoJSON download",
    "events:feed": "an Atom feed",
    "events:ical": "an iCalendar file",
    "library:document-file": "a PDF file",
    "library:export": "a CSV download",
    "library:feed": "an Atom feed",
    "news:cluster-feed": "an Atom feed",
    "news:feed": "an Atom feed",
    "news:logo": "an image file",
    "news:region-feed": "an Atom feed",
}
# The main forms and pages of each role: (persona, URL name).
ROLE_PAGES = [
    ("coordinator", "accounts:dashboard"),
    ("coordinator", "cities:member-edit"),
    ("coordinator", "admissions:apply"),
    ("coordinator", "reporting:report-edit"),
    ("coordinator", "library:practice-new"),
    ("natcom", "admissions:natcom"),
    ("juror", "admissions:review"),
    ("secretariat", "admissions:decisions"),
    ("secretariat", "admissions:manage"),
    ("secretariat", "reporting:dashboard"),
    ("secretariat", "news:post-create"),
    ("secretariat", "library:manage"),
    ("secretariat", "accounts:people"),
    ("secretariat", "accounts:people-invite"),
    ("secretariat", "accounts:person"),
    ("secretariat", "cities:suggestions"),
    ("secretariat", "mail:queue"),
    ("secretariat", "clusters:new"),
    ("secretariat", "clusters:members-area"),
    ("secretariat", "events:new"),
]


def public_url_names() -> set[str]:
    return {
        name
        for name, (_module, (_kwargs, expected)) in MATRIX.items()
        if expected["anonymous"] == 200
    }


def test_every_public_url_is_checked():
    missing = public_url_names() - set(PUBLIC_PAGES) - NOT_PAGES.keys()

    assert missing == set(), "add these public URLs to PUBLIC_PAGES (or NOT_PAGES, with why)"


def test_checked_pages_are_public_urls():
    assert set(PUBLIC_PAGES) - public_url_names() == set()
    assert {name for _persona, name in ROLE_PAGES} - MATRIX.keys() == set()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM

    assert AXE.exists(), f"{AXE} is missing: run `npm ci`"
    # Playwright's sync API runs an event loop in this thread (see conftest's `page`).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def objects(reference_data, member, personas):
    built = {"member": member}
    for module in MODULES:
        if hasattr(module, "build"):
            built.update(module.build(member, personas) or {})
    return built


def session_cookie(user, url: str) -> list[dict]:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return [{"name": cookie.key, "value": cookie.value, "url": url}]


def axe_violations(browser, base_url: str, path: str, scheme: str, cookies=()) -> list[str]:
    """The serious and critical violations on `path` in `scheme`, one readable line each."""
    # The page's Content Security Policy forbids injected scripts; axe is ours to inject.
    context = browser.new_context(base_url=base_url, color_scheme=scheme, bypass_csp=True)
    try:
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(path, wait_until="networkidle")
        assert response.status == 200, f"{path}: HTTP {response.status}"
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            lines.append(
                f"{path} [{scheme}] {violation['impact']} {violation['id']}: {violation['help']}"
                f"\n    at {' '.join(node['target'])}\n    {node['failureSummary']}".replace(
                    "\n  ", "\n    "
                )
            )
    return lines


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_serious_violation(browser, live_server, objects, name):
    kwargs, _expected = MATRIX[name][1]
    path = reverse(name, kwargs=kwargs(objects))

    violations = [
        line
        for scheme in SCHEMES
        for line in axe_violations(browser, live_server.url, path, scheme)
    ]

    assert violations == [], "\n" + "\n".join(violations)


@pytest.mark.parametrize(("persona", "name"), ROLE_PAGES)
def test_role_page_has_no_serious_violation(browser, live_server, objects, personas, persona, name):
    kwargs, _expected = MATRIX[name][1]
    path = reverse(name, kwargs=kwargs(objects))
    cookies = session_cookie(personas[persona], live_server.url)

    violations = [
        line
        for scheme in SCHEMES
        for line in axe_violations(browser, live_server.url, path, scheme, cookies)
    ]

    assert violations == [], "\n" + "\n".join(violations)
