"""The site header in headless Chromium: one bar at desktop widths, in every language and
for every role; a Menu button that unfolds the links on a phone, and the links shown
without it when JavaScript is off."""

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password"

# The bar's items as the eye reads them: the brand, each main link, the tools.
MEASURE = """() => {
  const inner = document.querySelector('.site-header__inner');
  const items = [...inner.querySelectorAll(
    ':scope > .brand, :scope > .menu-toggle, .site-nav__list > li, .site-tools > *'
  )].filter((item) => item.getClientRects().length);
  const boxes = items.map((item) => item.getBoundingClientRect());
  const style = getComputedStyle(inner);
  const height = inner.getBoundingClientRect().height
    - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return {
    items: items.length,
    row: Math.max(...boxes.map((box) => box.height)),
    content: height,
    centres: boxes.map((box) => Math.round(box.top + box.height / 2)),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")


def assert_one_row(bar, items):
    # One row: the bar is exactly as tall as its tallest item, every item is centred on
    # the same line, and nothing sticks out of the page.
    assert bar["items"] == items
    assert bar["content"] <= bar["row"] + 1, bar
    assert max(bar["centres"]) - min(bar["centres"]) <= 1, bar
    assert bar["overflow"] <= 0, bar


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
@pytest.mark.parametrize(
    ("persona", "items"),
    # Brand, 6 main links, More, language, and Log in or Account (+ Reports).
    [("anonymous", 10), ("secretariat", 11)],
)
def test_header_is_one_row_at_desktop_widths(
    page, reference_data, personas, persona, items, language
):
    if persona != "anonymous":
        log_in(page, personas[persona].email)
    prefix = "" if language == "en" else f"/{language}"

    for width in (1280, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{prefix}/statistics/")

        assert_one_row(page.evaluate(MEASURE), items)
        assert page.locator("[data-menu-toggle]").is_hidden()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_header_folds_behind_a_menu_button_on_a_phone(
    page, reference_data, personas, persona, language
):
    if persona != "anonymous":
        log_in(page, personas[persona].email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(("" if language == "en" else f"/{language}") + "/members/")
    toggle = page.locator("[data-menu-toggle]")
    directory = page.locator(".site-nav a[href$='/members/']")

    # Folded: the brand and the button, on one row.
    assert_one_row(page.evaluate(MEASURE), 2)
    assert toggle.get_attribute("aria-expanded") == "false"
    assert directory.is_hidden()

    toggle.click()

    assert toggle.get_attribute("aria-expanded") == "true"
    assert directory.is_visible()
    assert directory.get_attribute("aria-current") == "page"
    box = directory.bounding_box()
    assert box["height"] >= 44  # a finger's target

    page.keyboard.press("Escape")

    assert toggle.get_attribute("aria-expanded") == "false"
    assert directory.is_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-menu-toggle')")


def test_header_more_menu_opens_and_closes_with_the_keyboard(page, reference_data):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    more = page.locator(".site-nav details.menu")
    press = page.locator(".site-nav a[href='/news/press/']")
    assert press.is_hidden()

    more.locator("summary").focus()
    page.keyboard.press("Enter")
    assert press.is_visible()
    page.keyboard.press("Escape")

    assert press.is_hidden()
    assert page.evaluate("document.activeElement.matches('.site-nav summary')")

    # A click elsewhere closes it too.
    more.locator("summary").click()
    assert press.is_visible()
    page.locator("main h1").click()
    assert press.is_hidden()


@pytest.mark.parametrize("width", [390, 1280])
def test_header_links_show_without_javascript(
    browser_without_js, reference_data, live_server, width
):
    page = browser_without_js(width)
    page.goto(f"{live_server.url}/members/")

    assert page.locator("[data-menu-toggle]").is_hidden()
    assert page.locator(".site-nav a[href='/members/']").is_visible()
    # The <details> menus open without a script.
    page.locator(".site-nav details.menu summary").click()
    assert page.locator(".site-nav a[href='/news/press/']").is_visible()


@pytest.fixture
def browser_without_js(page):
    """New pages of the `page` fixture's browser with JavaScript off, at a width."""
    contexts = []

    def open_page(width):
        context = page.context.browser.new_context(
            java_script_enabled=False, viewport={"width": width, "height": 800}
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
