"""Helpers of browser tests: console errors, the URLs a page asks for, logging in
through the page, and screenshots at a desktop and a phone width for a person to look
at."""

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

PASSWORD = "a-long-test-password"  # the accounts factory's
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
WIDTHS = (1280, 390)


def console_errors(page) -> list[str]:
    """Errors the page logs from now on, Content Security Policy violations included."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def requested_urls(page) -> list[str]:
    """The URLs the page asks for from now on (a list that fills as it loads)."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def log_in(page, email: str, next_url: str = "/accounts/") -> None:
    """Log in through the log-in page, as a person would (no second factor in tests)."""
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def _capture(page, path: Path) -> None:
    """A full-page screenshot of the page, brought to the front first: a journey keeps
    one window per person, and headless Chromium now and then refuses to capture a
    window that is not the front one ("Unable to capture screenshot"; seen once in CI
    on a loaded machine). One more try after that refusal; any other error, or a
    second refusal, fails the test."""
    page.bring_to_front()
    try:
        page.screenshot(path=str(path), full_page=True)
    except PlaywrightError as error:
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(500)
        page.bring_to_front()
        page.screenshot(path=str(path), full_page=True)


def shoot(page, folder: str, name: str) -> None:
    """Full-page screenshots of the current page at each of WIDTHS, into
    test-results/<folder>/<name>-<width>.png (git-ignored)."""
    target = SCREENSHOTS / folder
    target.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # Not in the middle of a map's zoom animation.
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
        _capture(page, target / f"{name}-{width}.png")
    if size:
        page.set_viewport_size(size)
