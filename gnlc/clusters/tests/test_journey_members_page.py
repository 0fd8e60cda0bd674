"""A cluster's members' page and its news from a blank installation, in headless
Chromium, through the pages alone (issue 18).

The secretariat sets up the literacy cluster coordinated by Amman and invites the city
coordinators of Amman, Espoo and Cork; Espoo's asks to join and Amman's approves. On the
members' page Amman's coordinator posts an announcement and shares a document (a file
that is not a PDF is refused first, the title kept); Espoo's coordinator sees both and
downloads the document, byte for byte. A visitor is sent to log in, and Cork's
coordinator (not in the cluster) finds neither the page nor the file. The secretariat
publishes a news post tagged with the cluster: the cluster's public page lists it, the
post links back to the cluster, and the cluster's news feed (its visible link) has it.

In English and in Arabic (right to left), with a screenshot of every page visited at 1280
and 390 px in test-results/journeys/."""

from pathlib import Path

import feedparser
import pytest
from django.test import override_settings

from gnlc.cities.models import Member
from gnlc.clusters.models import SharedDocument
from gnlc.core.tests.blank_install import (
    Journey,
    create_secretariat,
    install,
    invitation_link,
    submit,
)
from gnlc.library.models import Theme
from gnlc.news.models import Post

pytestmark = pytest.mark.browser
# A PDF as an office suite writes one at its smallest: what the library's checks accept.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TITLES = {
    "en": ("Agenda of the spring meeting", "Literacy cluster meets in Amman"),
    "ar": ("جدول أعمال اجتماع الربيع", "مجموعة محو الأمية تجتمع في عمّان"),
}


def share(page, title, name, content):
    page.fill("#id_document-title", title)
    page.set_input_files(
        "#id_document-file",
        files=[{"name": name, "mimeType": "application/pdf", "buffer": content}],
    )
    page.click("#document-form button[type=submit]")


@pytest.mark.parametrize("lang", ["en", "ar"])
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_members_share_a_document_and_the_cluster_has_news(
    page, live_server, mailoutbox, lang, tmp_path
):
    install()
    journey = Journey("cluster-members", lang, page.context.browser, live_server.url)
    url = journey.url
    document_title, news_title = TITLES[lang]
    amman, espoo = Member.objects.get(slug="amman"), Member.objects.get(name="Espoo")
    secretariat = journey.window()
    link = create_secretariat("secretariat@unesco.example", language=lang, site_url=live_server.url)
    journey.welcome(secretariat, link, "secretariat")

    # The secretariat sets up the literacy cluster, coordinated by Amman, and invites
    # three city coordinators.
    secretariat.click(".site-nav .menu summary")
    journey.follow(secretariat, "/clusters/", within=".site-nav")
    journey.follow(secretariat, "/clusters/manage/")
    journey.follow(secretariat, "/clusters/new/")
    secretariat.select_option("#id_theme", str(Theme.objects.get(slug="literacy").pk))
    secretariat.select_option("#id_coordinating_cities", [str(amman.pk)])
    submit(secretariat)
    secretariat.wait_for_url(f"**{url('/clusters/literacy/')}")
    journey.invite_coordinator(secretariat, "coordinator@amman.example", "Rania Haddad", "Amman")
    journey.invite_coordinator(secretariat, "coordinator@espoo.example", "Aino Virtanen", "Espoo")
    journey.invite_coordinator(secretariat, "coordinator@cork.example", "Siobhan Murphy", "Cork")
    amman_link, espoo_link, cork_link = (invitation_link(m) for m in mailoutbox)

    # Espoo asks to join; Amman approves.
    espoo_coordinator = journey.window()
    journey.welcome(espoo_coordinator, espoo_link, "espoo")
    espoo_coordinator.goto(url("/clusters/literacy/"))
    journey.follow(espoo_coordinator, "/clusters/literacy/join/")
    espoo_coordinator.select_option("#id_member", str(espoo.pk))
    submit(espoo_coordinator)
    espoo_coordinator.locator(".message--success").wait_for()
    amman_coordinator = journey.window()
    journey.welcome(amman_coordinator, amman_link, "amman")
    amman_coordinator.goto(url("/clusters/literacy/"))
    amman_coordinator.click("main button[name=decision][value=approve]")
    amman_coordinator.locator(".message--success").wait_for()

    # Amman's coordinator opens the members' page from the cluster's page and posts an
    # announcement.
    members_page = url("/clusters/literacy/members/")
    journey.follow(amman_coordinator, "/clusters/literacy/members/", "amman-members-page")
    amman_coordinator.fill("#id_title", "Spring meeting")
    amman_coordinator.fill("#id_body", "We meet on **12 April** in Amman.")
    amman_coordinator.click("#announce-form button[type=submit]")
    amman_coordinator.locator(".message--success").wait_for()

    # A file that is not a PDF is refused, and says why; the title stays typed.
    share(amman_coordinator, document_title, "agenda.pdf", b"<html><body>agenda</body></html>")
    amman_coordinator.locator("#document-form .alert--error").wait_for()
    assert amman_coordinator.input_value("#id_document-title") == document_title
    assert "PDF" in amman_coordinator.inner_text("#document-form")
    assert not SharedDocument.objects.exists()
    journey.shoot(amman_coordinator, "amman-file-refused")

    # The PDF is shared.
    share(amman_coordinator, document_title, "agenda.pdf", PDF)
    amman_coordinator.locator(".message--success").wait_for()
    journey.shoot(amman_coordinator, "amman-document-shared")
    document = SharedDocument.objects.get()
    assert amman_coordinator.locator(f"#document-{document.pk}").count() == 1

    # Espoo's coordinator sees the announcement and the document, and downloads it.
    espoo_coordinator.goto(url("/clusters/literacy/"))
    journey.follow(espoo_coordinator, "/clusters/literacy/members/", "espoo-members-page")
    assert "Spring meeting" in espoo_coordinator.inner_text(".announcement")
    row = espoo_coordinator.locator(f"#document-{document.pk}")
    assert document_title in row.inner_text()
    assert "Rania Haddad" in row.inner_text()
    assert row.locator("button").count() == 0  # not theirs to delete
    with espoo_coordinator.expect_download() as download:
        row.locator("a").click()
    saved = tmp_path / "download"
    download.value.save_as(saved)
    assert Path(saved).read_bytes() == PDF

    # A visitor is sent to log in; Cork's coordinator finds neither page nor file.
    download_url = document.get_absolute_url()
    visitor = journey.window()
    visitor.goto(members_page)
    assert "/accounts/login/" in visitor.url
    visitor.goto(url(download_url))
    assert "/accounts/login/" in visitor.url
    cork_coordinator = journey.window()
    journey.welcome(cork_coordinator, cork_link, "cork")
    assert cork_coordinator.goto(members_page).status == 404
    journey.shoot(cork_coordinator, "cork-members-page-not-found")
    # The one console error expected: Chromium logs the 404 it was given.
    assert journey.errors == [
        f"{live_server.url}{members_page}: Failed to load resource: "
        "the server responded with a status of 404 (Not Found)"
    ]
    journey.errors.clear()
    assert cork_coordinator.request.get(url(download_url)).status == 404
    cork_coordinator.goto(url("/clusters/literacy/"))
    assert cork_coordinator.locator(f'main a[href="{members_page}"]').count() == 0

    # The secretariat writes a news post tagged with the cluster and publishes it.
    secretariat.goto(url("/news/"))
    journey.follow(secretariat, "/news/write/")
    secretariat.fill("#id_title", news_title)
    secretariat.select_option("#id_language", lang)
    cluster = document.cluster
    secretariat.check(f"input[name=clusters][value='{cluster.pk}']")
    secretariat.fill("#id_body", "Twelve cities met to share what works.")
    journey.shoot(secretariat, "news-tagged")
    submit(secretariat)
    secretariat.locator(".message--success").wait_for()
    post = Post.objects.get()
    secretariat.click(f"form[action='{url(f'/news/{post.slug}/publish/')}'] button")
    secretariat.locator(".message--success").wait_for()

    # The cluster's public page lists it; the post links back to the cluster.
    journey.visit(visitor, "/clusters/literacy/", "visitor-cluster-news")
    visitor.click(f"#cluster-news a[href='{url(post.get_absolute_url())}']")
    visitor.wait_for_url(f"**{url(post.get_absolute_url())}")
    journey.shoot(visitor, "visitor-post")
    visitor.click(f"#post-clusters a[href='{url('/clusters/literacy/')}']")
    visitor.wait_for_url(f"**{url('/clusters/literacy/')}")

    # The visible "News: Literacy (Atom feed)" link beside the cluster's news is its
    # feed, with the post (fetched, not opened: a browser offers a feed as a download).
    feed_link = visitor.locator("#cluster-news-feed")
    assert feed_link.is_visible()
    feed_url = feed_link.get_attribute("href")
    assert feed_url == url("/news/feed/clusters/literacy/")
    response = visitor.request.get(f"{live_server.url}{feed_url}")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert [entry.title for entry in feed.entries] == [news_title]
    assert journey.errors == []
