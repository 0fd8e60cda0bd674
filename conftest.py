"""Fixtures shared by every app's tests: personas (one user per role) and the browser."""

import os
import shutil

import pytest

from gnlc.accounts.enums import RoleKind
from gnlc.core.tests.matrix import PERSONAS

CHROMIUM = (
    os.environ.get("GNLC_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)


def pytest_collection_modifyitems(config, items):
    """Without Chromium only the browser tests are skipped, and the run says so."""
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Chromium not found: install Debian's `chromium` package")
    browser_tests = [item for item in items if "browser" in item.keywords]
    for item in browser_tests:
        item.add_marker(skip)
    if browser_tests:
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(
                f"Chromium not found: skipping {len(browser_tests)} browser test(s)."
            ),
            stacklevel=2,
        )


@pytest.fixture
def reference_data(db):
    """Regions and countries, for tests whose database was flushed (transactional)."""
    from gnlc.cities.models import Country, Region
    from gnlc.cities.reference import load_reference_data

    if not Country.objects.exists():
        load_reference_data(Region, Country)


@pytest.fixture
def member(db):
    """A member in Kenya, admitted in the 2022 cohort: the object personas relate to."""
    from gnlc.cities.tests.factories import MemberFactory

    return MemberFactory(name="Nakuru")


def make_persona(name: str, member):
    from gnlc.accounts.tests.factories import RoleFactory, UserFactory

    if name == "anonymous":
        return None
    user = UserFactory(email=f"{name}@example.org")
    if name == "coordinator":
        RoleFactory(user=user, kind=RoleKind.COORDINATOR, member=member)
    elif name == "natcom":
        RoleFactory(user=user, kind=RoleKind.NATCOM, country=member.country)
    elif name in ("juror", "conflicted_juror"):
        # The conflicted juror is a juror like any other; apps that review things
        # declare its conflict with the object under review (their matrix `build`).
        RoleFactory(user=user, kind=RoleKind.JUROR)
    elif name == "secretariat":
        user.is_staff = True
        user.save()
        RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


@pytest.fixture
def personas(member):
    """{persona name: user or None} for every role, around `member`."""
    return {name: make_persona(name, member) for name in PERSONAS}


@pytest.fixture
def secretariat(member):
    return make_persona("secretariat", member)


@pytest.fixture
def coordinator(member):
    return make_persona("coordinator", member)


@pytest.fixture(scope="session")
def _no_stray_connections(django_db_setup, django_db_blocker):
    """After the session, end connections the live server's request threads left open,
    so the PostgreSQL test database can be dropped (Django drops it without FORCE)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def page(live_server, _no_stray_connections):
    """A Playwright page in headless Debian Chromium, pointed at the live server."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's DB work
    # happens in its own thread, but pytest-django's fixtures touch the DB from here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the data revision restarts with each test's
    rolled-back database, so a value cached by one test must not answer another."""
    from django.core.cache import cache, caches

    from gnlc.cities import bitmaps
    from gnlc.core.cache import forget_memoised

    cache.clear()
    caches["template_fragments"].clear()  # keyed on language and user, not on the data
    forget_memoised()
    bitmaps.forget()


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(tmp_path, monkeypatch):
    """Confidential uploads a test makes go to its own temporary folder."""
    from django.core.files.storage import FileSystemStorage

    from gnlc.core.storage import private_storage

    monkeypatch.setattr(
        private_storage, "_wrapped", FileSystemStorage(location=tmp_path / "private")
    )


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier test activated in
    this worker (translation.activate lasts for the thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
