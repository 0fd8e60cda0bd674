import datetime as dt
import re

import feedparser
import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.clusters.tests.factories import make_cluster
from gnlc.news.enums import AnnouncementStatus, SubscriberStatus
from gnlc.news.models import Announcement, Delivery, Post, PressContact, Subscriber
from gnlc.news.tests.factories import (
    PNG,
    PostFactory,
    PressContactFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    """Two new members in 2023 (the personas' member, Nakuru, is in 2022's cohort)."""
    cohort = CohortFactory(year=2023, announced_on=dt.date(2023, 9, 5))
    MemberFactory(name="Mombasa", country_id="KE", cohort=cohort)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=cohort)
    return cohort


# news list, posts and feeds ------------------------------------------------------------


def test_news_list_shows_published_posts_newest_first(client):
    PostFactory(title="Older", published_at=timezone.now() - dt.timedelta(days=2))
    PostFactory(title="Newer", published_at=timezone.now() - dt.timedelta(days=1))
    PostFactory(title="Draft", published_at=None)

    response = client.get(reverse("news:list"))

    assert [post.title for post in response.context["page"]] == ["Newer", "Older"]


def test_news_list_filters_by_region(client):
    PostFactory(title="African news", regions=["africa"])
    PostFactory(title="Arab news", regions=["arab-states"])

    response = client.get(reverse("news:list"), {"region": "africa"})

    assert [post.title for post in response.context["page"]] == ["African news"]


def test_news_list_pages_older_posts_keeping_the_filters(client, monkeypatch):
    monkeypatch.setattr("gnlc.news.views.PAGE_SIZE", 2)
    for day in range(1, 6):
        PostFactory(
            title=f"Day {day}",
            regions=["africa"],
            published_at=timezone.now() - dt.timedelta(days=day),
        )
    PostFactory(title="Elsewhere", regions=["arab-states"])

    first = client.get(reverse("news:list"), {"region": "africa"})
    last = client.get(reverse("news:list"), {"region": "africa", "page": "3"})

    assert [post.title for post in first.context["page"]] == ["Day 1", "Day 2"]
    assert 'href="?region=africa&amp;page=2" rel="next"' in first.content.decode()
    assert [post.title for post in last.context["page"]] == ["Day 5"]
    assert "Page 3 of 3" in last.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_news_list_queries_do_not_grow_with_posts(client, django_assert_num_queries, count):
    for _ in range(count):
        PostFactory(regions=["africa", "arab-states"])

    # the count (for the pages), posts, their regions, the region filter's list
    with django_assert_num_queries(4):
        response = client.get(reverse("news:list"))

    assert response.status_code == 200


def test_draft_post_is_404_for_the_public_and_shown_to_the_secretariat(client, secretariat):
    draft = PostFactory(published_at=None)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(secretariat)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_post_body_is_sanitised(client):
    post = PostFactory(body="Hello <script>alert(1)</script> [x](javascript:alert(1))")

    response = client.get(post.get_absolute_url())

    assert b"<script>alert" not in response.content
    assert b"javascript:" not in response.content


def test_atom_feed_parses_with_entries_newest_first(client):
    PostFactory(title="First", published_at=timezone.now() - dt.timedelta(days=1))
    PostFactory(title="Second", regions=["africa"])
    PostFactory(title="Not yet", published_at=None)

    response = client.get(reverse("news:feed"))
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.bozo is False
    assert feed.version == "atom10"
    assert feed.feed.title == "News of the UNESCO Global Network of Learning Cities"
    assert [entry.title for entry in feed.entries] == ["Second", "First"]
    assert feed.entries[0].link == "http://testserver/news/second/"
    assert [tag.term for tag in feed.entries[0].tags] == ["Africa"]
    assert "<em>news</em>" in feed.entries[0].summary


def test_region_feed_has_only_that_regions_posts(client):
    PostFactory(title="African news", regions=["africa"])
    PostFactory(title="Elsewhere", regions=["arab-states"])

    feed = feedparser.parse(client.get(reverse("news:region-feed", args=["africa"])).content)

    assert feed.bozo is False
    assert feed.feed.title == "News of the UNESCO Global Network of Learning Cities: Africa"
    assert [entry.title for entry in feed.entries] == ["African news"]


def test_region_feed_unknown_region_is_404(client):
    assert client.get(reverse("news:region-feed", args=["atlantis"])).status_code == 404


def test_secretariat_writes_and_publishes_a_post(client, secretariat):
    client.force_login(secretariat)

    response = client.post(
        reverse("news:post-create"),
        {"title": "Call for applications", "language": "en", "regions": ["africa"], "body": "Hi"},
    )
    post = Post.objects.get()
    assert response["Location"] == post.get_absolute_url()
    assert post.published_at is None

    client.post(reverse("news:post-publish", args=[post.slug]))

    post.refresh_from_db()
    assert post.is_published
    assert list(post.regions.values_list("slug", flat=True)) == ["africa"]


def test_post_slug_never_takes_an_app_path(db):
    assert PostFactory(title="Press").slug == "press-news"


# announcements -----------------------------------------------------------------------------


def test_generate_announcement_writes_a_draft_from_the_data(client, secretariat, cohort):
    client.force_login(secretariat)

    response = client.post(
        reverse("news:announcement-generate"), {"cohort": 2023, "language": "fr"}
    )

    announcement = Announcement.objects.get()
    assert response["Location"] == announcement.get_absolute_url()
    assert announcement.title.endswith("2 nouveaux membres de 2 pays")
    assert announcement.status == AnnouncementStatus.DRAFT
    assert announcement.figures["total_members"] == 3  # with Nakuru, admitted in 2022


def test_announcement_editor_warns_when_the_data_change(client, secretariat, cohort):
    announcement, _ = Announcement.draft_for(cohort, "en")
    client.force_login(secretariat)
    assert client.get(announcement.get_absolute_url()).context["warnings"] == []

    MemberFactory(name="Nyeri", country_id="KE", cohort=cohort)
    client.post(reverse("news:announcement-refresh", args=[announcement.pk]))
    response = client.get(announcement.get_absolute_url())

    assert response.context["warnings"] == [
        "The text says 2 new members; the data now give 3.",
        "The text says 3 members in total; the data now give 4.",
        "The text lists 2 members; the data hold 3 new members.",
    ]
    assert b"The text no longer matches the data" in response.content

    client.post(reverse("news:announcement-regenerate", args=[announcement.pk]))
    assert client.get(announcement.get_absolute_url()).context["warnings"] == []


def test_announcement_edit_keeps_the_text_and_publish_makes_a_post(client, secretariat, cohort):
    announcement, _ = Announcement.draft_for(cohort, "en")
    client.force_login(secretariat)
    data = {
        "title": announcement.title,
        "date": "2023-09-05",
        "lead": "Two cities joined: 2 new members from 2 countries.",
        "body": announcement.body,
        "closing": announcement.closing,
    }

    client.post(announcement.get_absolute_url(), data)
    response = client.post(reverse("news:announcement-publish", args=[announcement.pk]))

    announcement.refresh_from_db()
    post = announcement.post
    assert announcement.status == AnnouncementStatus.PUBLISHED
    assert response["Location"] == post.get_absolute_url()
    assert post.body.startswith("Two cities joined: 2 new members from 2 countries.\n\n## Africa")
    assert sorted(post.regions.values_list("slug", flat=True)) == [
        "africa",
        "asia-and-the-pacific",
    ]
    assert post.is_published


def test_announcement_republish_updates_the_post_without_a_second_one(secretariat, cohort):
    announcement, _ = Announcement.draft_for(cohort, "en")
    first = announcement.publish(by=secretariat)
    announcement.title = "Corrected title"
    announcement.save()

    second = announcement.publish(by=secretariat)

    assert second.pk == first.pk
    assert Post.objects.get().title == "Corrected title"


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("md", "text/markdown; charset=utf-8", "# UNESCO Global Network"),
        ("txt", "text/plain; charset=utf-8", "UNESCO Global Network"),
        ("html", "text/html; charset=utf-8", '<article lang="en" dir="ltr">\n<h1>UNESCO Global'),
    ],
)
def test_announcement_export(client, secretariat, cohort, fmt, content_type, start):
    announcement, _ = Announcement.draft_for(cohort, "en")
    client.force_login(secretariat)

    response = client.get(reverse("news:announcement-export", args=[announcement.pk, fmt]))

    assert response["Content-Type"] == content_type
    assert response.content.decode().startswith(start)


def test_arabic_announcement_written_edited_exported_and_published_right_to_left(
    client, secretariat, cohort, django_capture_on_commit_callbacks
):
    network = "شبكة اليونسكو العالمية لمدن التعلّم"
    SubscriberFactory(email="ar@example.org", language="ar")
    client.force_login(secretariat)

    client.post(reverse("news:announcement-generate"), {"cohort": 2023, "language": "ar"})
    announcement = Announcement.objects.get(language="ar")
    editor = client.get(f"/ar{announcement.get_absolute_url()}")
    export = client.get(reverse("news:announcement-export", args=[announcement.pk, "html"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("news:announcement-publish", args=[announcement.pk]))
    post = Post.objects.get()
    page = client.get(post.get_absolute_url())

    assert announcement.title == f"{network}: عضوان جديدان من بلدين"
    assert re.search(r'<textarea name="lead"[^>]* lang="ar" dir="rtl"', editor.text)
    assert export.content.decode().startswith(f'<article lang="ar" dir="rtl">\n<h1>{network}')
    assert f'<h1 lang="ar" dir="rtl">{network}: عضوان جديدان من بلدين</h1>' in page.text
    assert '<div class="news-post__body" lang="ar" dir="rtl">' in page.text
    assert "في 5 سبتمبر 2023، رحّبت اليونسكو بانضمام عضوين جديدين من بلدين" in page.text
    [message] = mail.outbox
    assert message.to == ["ar@example.org"]
    assert '<html lang="ar" dir="rtl">' in message.alternatives[0][0]


# press -----------------------------------------------------------------------------------------


def test_press_page_shows_contacts_and_live_figures(client, cohort):
    PressContactFactory(name="Ana Press", phone="+33 1 23")

    response = client.get(reverse("news:press"))

    assert response.context["stats"]["members"] == 2
    assert b"Ana Press" in response.content
    assert b'href="tel:+33123"' in response.content


def test_secretariat_adds_a_contact_and_a_logo(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat)
    client.post(
        reverse("news:press-manage"),
        {"add_contact": "1", "name": "Bo", "role": "Press", "email": "bo@example.org", "order": 0},
    )
    client.post(
        reverse("news:press-manage"),
        {"add_logo": "1", "title": "Mark", "image": SimpleUploadedFile("x.png", PNG)},
    )

    assert list(PressContact.objects.values_list("name", flat=True)) == ["Bo"]
    from gnlc.news.models import MediaLogo

    logo = MediaLogo.objects.get()
    response = client.get(logo.get_absolute_url())
    assert (response["Content-Type"], response.content) == ("image/png", PNG)


def test_logo_upload_refuses_what_is_not_an_image(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat)
    response = client.post(
        reverse("news:press-manage"),
        {"add_logo": "1", "title": "Bad", "image": SimpleUploadedFile("x.png", b"<svg></svg>")},
    )

    assert response.status_code == 400
    assert "is not a JPEG, PNG, WEBP file" in response.content.decode()


# subscriptions -------------------------------------------------------------------------------


def test_subscribe_sends_a_confirmation_link_that_confirms_on_post(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("news:subscribe"), {"email": "Reader@Example.org", "language": "fr"}
        )

    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("reader@example.org", "pending")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Confirmez votre abonnement")
    link = next(line for line in mail.outbox[0].body.splitlines() if "/news/subscribe/" in line)
    path = link.replace("http://testserver", "")

    assert client.get(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING  # opening the link is not enough
    client.post(path)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_subscribe_twice_when_confirmed_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="known@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("news:subscribe"), {"email": "known@example.org", "language": "en"}
        )

    assert response.status_code == 200
    assert mail.outbox == []


def confirm_path(message) -> str:
    link = next(line for line in message.body.splitlines() if "/news/subscribe/" in line)
    return link.replace("http://testserver", "")


def test_three_sign_ups_of_one_address_send_one_confirmation_and_say_the_same(
    client, django_capture_on_commit_callbacks
):
    pages = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("news:subscribe"), {"email": "reader@example.org", "language": "en"}
            )
        pages.append((response.status_code, response.content))

    assert len(mail.outbox) == 1
    assert pages[0] == pages[1] == pages[2]
    assert pages[0][0] == 200
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_after_the_window_a_new_confirmation_replaces_the_old_link(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-03-02 10:00Z")
    url, data = reverse("news:subscribe"), {"email": "reader@example.org", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    time_machine.move_to("2026-03-02 10:59Z")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    time_machine.move_to("2026-03-02 11:01Z")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)

    first, second = mail.outbox
    # One pending confirmation per address: only the latest link works.
    assert client.get(confirm_path(first)).status_code == 404
    assert client.post(confirm_path(second)).status_code == 200
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


@override_settings(GNLC_RATE_LIMIT_MAIL=(2, 3600))
def test_sign_ups_from_one_client_are_throttled(client, time_machine):
    time_machine.move_to("2026-03-02 10:00Z")
    url = reverse("news:subscribe")
    for n in range(2):
        assert client.post(url, {"email": f"r{n}@example.org", "language": "en"}).status_code == 200

    assert client.post(url, {"email": "r9@example.org", "language": "en"}).status_code == 429


def test_confirm_with_a_bad_token_is_404(client):
    assert client.get(reverse("news:subscribe-confirm", args=["nope"])).status_code == 404


def test_publish_sends_once_to_confirmed_subscribers_of_its_language(
    django_capture_on_commit_callbacks,
):
    reader = SubscriberFactory(email="en@example.org", language="en")
    SubscriberFactory(email="fr@example.org", language="fr")
    SubscriberFactory(email="pending@example.org", status="pending")
    post = PostFactory(title="Big news", published_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        post.publish(base_url="https://gnlc.example/")

    assert [message.to for message in mail.outbox] == [["en@example.org"]]
    message = mail.outbox[0]
    unsubscribe = f"https://gnlc.example/news/unsubscribe/{reader.unsubscribe_token()}/"
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert post.deliver() == 0  # idempotent: never twice
    assert Delivery.objects.count() == 1


def test_send_news_command_sends_what_was_not_sent(capsys):
    from django.core.management import call_command

    post = PostFactory(title="Sent later")
    SubscriberFactory(email="a@example.org")

    call_command("send_news")
    call_command("send_news")

    assert len(mail.outbox) == 1
    assert Delivery.objects.get().post == post
    assert capsys.readouterr().out.endswith("0 message(s) sent.\n")


def test_one_click_unsubscribe_works_without_login_or_csrf_token():
    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    url = reverse("news:unsubscribe", args=[subscriber.unsubscribe_token()])

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert client.get(url).context["done"] is True


def test_unsubscribed_reader_gets_no_more_news(django_capture_on_commit_callbacks):
    subscriber = SubscriberFactory()
    subscriber.unsubscribe()

    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(published_at=None).publish()

    assert mail.outbox == []


def test_confirm_link_expires_after_seven_days(client, time_machine):
    subscriber = SubscriberFactory(status="pending")
    url = reverse("news:subscribe-confirm", args=[subscriber.confirm_token()])

    time_machine.move_to(timezone.now() + dt.timedelta(days=8))

    assert client.get(url).status_code == 404


# thematic clusters ---------------------------------------------------------------------


def test_secretariat_tags_a_post_with_a_cluster_and_the_post_links_back(client, secretariat):
    cluster = make_cluster("literacy", coordinating=[MemberFactory(name="Amman")])
    client.force_login(secretariat)
    form = client.get(reverse("news:post-create")).content.decode()
    assert f'name="clusters" value="{cluster.pk}"' in form

    client.post(
        reverse("news:post-create"),
        {"title": "Reading week", "language": "en", "clusters": [cluster.pk], "body": "Hi"},
    )
    post = Post.objects.get()
    page = client.get(post.get_absolute_url()).content.decode()

    assert list(post.clusters.all()) == [cluster]
    assert f'href="{cluster.get_absolute_url()}">Literacy</a>' in page


def test_a_post_without_clusters_says_nothing_of_them(client):
    post = PostFactory()

    page = client.get(post.get_absolute_url()).content.decode()

    assert 'id="post-clusters"' not in page


def test_a_clusters_news_are_listed_apart_and_the_filters_keep_the_cluster(client):
    literacy, health = make_cluster("literacy"), make_cluster("health-and-well-being")
    reading = PostFactory(title="Reading week", language="fr")
    reading.clusters.set([literacy])
    PostFactory(title="Walking week").clusters.set([health])
    PostFactory(title="Network news")

    page = client.get(reverse("news:list"), {"cluster": "literacy"}).content.decode()
    cluster_page = client.get(literacy.get_absolute_url()).content.decode()

    assert re.findall(r'class="news-list__title"[^>]*><a [^>]*>([^<]+)<', page) == ["Reading week"]
    assert f'<a href="{literacy.get_absolute_url()}">Literacy</a>' in page
    # Filtering by language keeps to the cluster; "all the news" leaves it.
    assert '<input type="hidden" name="cluster" value="literacy">' in page
    assert 'href="?">Show all the news</a>' in page
    assert f'href="{reverse("news:list")}?cluster=literacy"' in cluster_page
    assert client.get(reverse("news:list"), {"cluster": "atlantis"}).status_code == 404


def test_cluster_feed_has_only_that_clusters_published_posts_escaped(client):
    literacy, health = make_cluster("literacy"), make_cluster("health-and-well-being")
    PostFactory(
        title="Reading <week> & more", published_at=timezone.now() - dt.timedelta(days=1)
    ).clusters.set([literacy])
    PostFactory(title="Lire ensemble", language="fr").clusters.set([literacy])
    PostFactory(title="Draft", published_at=None).clusters.set([literacy])
    PostFactory(title="Walking week").clusters.set([health])
    PostFactory(title="Network news")

    response = client.get(reverse("news:cluster-feed", args=["literacy"]))
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.bozo is False
    assert (
        feed.feed.title
        == "News of the UNESCO Global Network of Learning Cities: the Literacy cluster"
    )
    assert feed.feed.link == "http://testserver/news/?cluster=literacy"
    assert [entry.title for entry in feed.entries] == ["Lire ensemble", "Reading <week> & more"]
    # The title is escaped in the XML, not passed through as markup.
    assert b"<title>Reading &lt;week&gt; &amp; more</title>" in response.content


def test_cluster_feed_speaks_the_language_of_its_address(client):
    make_cluster("literacy")

    response = client.get("/fr/news/feed/clusters/literacy/")
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert feed.feed.language == "fr"
    assert feed.feed.title == (
        "Actualités du Réseau mondial des villes apprenantes de l'UNESCO : "
        "le groupe Alphabétisation"
    )
    assert feed.feed.link == "http://testserver/fr/news/?cluster=literacy"


def test_cluster_feed_unknown_cluster_is_404(client):
    assert client.get(reverse("news:cluster-feed", args=["atlantis"])).status_code == 404


def test_the_cluster_filtered_news_list_links_the_clusters_feed(client):
    make_cluster("literacy")
    feed_url = reverse("news:cluster-feed", args=["literacy"])

    page = client.get(reverse("news:list"), {"cluster": "literacy"}).content.decode()

    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="News: Literacy (Atom feed)" href="{feed_url}">'
    ) in page
    assert f'<a id="news-feed" href="{feed_url}">Atom feed</a>' in page
