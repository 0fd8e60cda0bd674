import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.cities.tests.factories import MemberFactory
from gnlc.clusters.enums import MembershipStatus
from gnlc.clusters.models import Cluster, ClusterMembership
from gnlc.clusters.tests.factories import make_cluster, stay
from gnlc.clusters.views import NEWS_SHOWN
from gnlc.library.models import Theme
from gnlc.news.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def coordinator_of(member, email):
    user = UserFactory(email=email, full_name=f"Coordinator of {member.name}")
    RoleFactory(user=user, kind=RoleKind.COORDINATOR, member=member)
    return user


def test_secretariat_sets_up_a_cluster_with_its_coordinating_city(client, secretariat):
    lead = MemberFactory(name="Aswan")
    client.force_login(secretariat)

    response = client.post(
        reverse("clusters:new"),
        {
            "theme": Theme.objects.get(slug="literacy").pk,
            "purpose": "Reading **for all**",
            "coordinating_cities": [lead.pk],
        },
    )

    cluster = Cluster.objects.get(theme__slug="literacy")
    assert response.status_code == 302
    assert list(cluster.coordinating_cities.all()) == [lead]
    assert [m.name for m in cluster.members_on()] == ["Aswan"]
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "<strong>for all</strong>" in page


def test_secretariat_adds_and_renames_a_theme(client, secretariat):
    client.force_login(secretariat)

    client.post(reverse("clusters:theme-new"), {"name": "Digital learning", "description": ""})
    theme = Theme.objects.get(slug="digital-learning")
    client.post(reverse("clusters:theme-edit", args=[theme.pk]), {"name": "Digital skills"})

    theme.refresh_from_db()
    assert (theme.name, theme.slug) == ("Digital skills", "digital-learning")


def test_a_coordinator_asks_and_the_coordinating_city_approves(client, member, coordinator):
    lead = MemberFactory(name="Aswan")
    cluster = make_cluster(coordinating=[lead])
    lead_coordinator = coordinator_of(lead, "lead@example.org")
    client.force_login(coordinator)
    client.post(reverse("clusters:join", args=[cluster.slug]), {"member": member.pk})
    request = ClusterMembership.objects.get(member=member)
    assert request.status == MembershipStatus.REQUESTED

    client.force_login(lead_coordinator)
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Approve Nakuru" in page
    client.post(reverse("clusters:decide", args=[request.pk]), {"decision": "approve"})

    request.refresh_from_db()
    assert request.status == MembershipStatus.APPROVED
    assert "Nakuru" in [m.name for m in cluster.members_on()]
    member_page = client.get(member.get_absolute_url()).content.decode()
    assert 'id="member-clusters"' in member_page


def test_a_coordinator_of_another_city_cannot_decide(client, member, coordinator):
    cluster = make_cluster(coordinating=[MemberFactory()])
    other = coordinator_of(MemberFactory(name="Cork"), "cork@example.org")
    request = ClusterMembership.request(cluster, member, by=coordinator)
    client.force_login(other)

    response = client.post(reverse("clusters:decide", args=[request.pk]), {"decision": "approve"})

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == MembershipStatus.REQUESTED


def test_the_member_leaves_and_is_out_from_the_next_day(client, member, coordinator):
    cluster = make_cluster(coordinating=[MemberFactory()])
    membership = stay(cluster, member, joined=dt.date(2023, 1, 1))
    client.force_login(coordinator)

    client.post(reverse("clusters:leave", args=[membership.pk]))

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    assert member not in cluster.members_on(membership.left_on)


def test_members_page_lists_coordinators_only_to_the_cluster(client, member, coordinator):
    cluster = make_cluster(coordinating=[MemberFactory(name="Aswan")])
    coordinator_of(cluster.coordinating_cities.get(), "aswan@example.org")
    url = reverse("clusters:members-area", args=[cluster.slug])
    client.force_login(coordinator)
    assert client.get(url).status_code == 404

    stay(cluster, member, joined=dt.date(2023, 1, 1))
    page = client.get(url).content.decode()

    assert "aswan@example.org" in page
    assert "aswan@example.org" not in client.get(cluster.get_absolute_url()).content.decode()


def test_cluster_map_reads_the_members_geojson(client, member):
    cluster = make_cluster(coordinating=[member])
    stay(
        cluster,
        MemberFactory(name="Left", latitude=1, longitude=2),
        joined=dt.date(2020, 1, 1),
        left=dt.date(2021, 1, 1),
    )

    joined = {"joined": dt.date(2022, 1, 1)}
    stay(
        cluster,
        MemberFactory(name="Jena", country_id="DE", latitude=50.93, longitude=11.59),
        **joined,
    )
    stay(cluster, MemberFactory(name="Unplaced", latitude=None, longitude=None), **joined)

    features = client.get(reverse("clusters:geojson", args=[cluster.slug])).json()["features"]
    with translation.override("fr"):  # /fr/clusters/...
        french = client.get(reverse("clusters:geojson", args=[cluster.slug])).json()["features"]

    # What a marker shows (the maps' feed), its country in the reader's language; the
    # member that left and the one without coordinates are not drawn.
    assert [f["properties"] for f in features] == [
        {"slug": "jena", "name": "Jena", "country": "Germany", "cohort_year": 2022},
        {"slug": "nakuru", "name": "Nakuru", "country": "Kenya", "cohort_year": 2022},
    ]
    assert [f["properties"]["country"] for f in french] == ["Allemagne", "Kenya"]


def test_cluster_list_counts_members_without_a_query_per_cluster(client, django_assert_num_queries):
    make_cluster("literacy", coordinating=[MemberFactory()])
    client.get(reverse("clusters:list"))
    with django_assert_num_queries(4) as one:
        client.get(reverse("clusters:list"))
    make_cluster("health-and-well-being", coordinating=MemberFactory.create_batch(2))
    make_cluster("entrepreneurship", coordinating=[MemberFactory()])

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("clusters:list"))
    assert response.status_code == 200


def test_a_coordinating_city_is_not_offered_to_leave(client, member, coordinator):
    cluster = make_cluster(coordinating=[member])

    client.force_login(coordinator)
    page = client.get(cluster.get_absolute_url()).content.decode()

    assert "Nakuru is a member of this cluster." in page
    assert reverse("clusters:leave", args=[cluster.memberships.get().pk]) not in page


def test_the_coordinating_city_posts_announcements_newest_first(client, member, coordinator):
    cluster = make_cluster(coordinating=[member])
    url = reverse("clusters:announce", args=[cluster.slug])
    client.force_login(coordinator)

    client.post(url, {"title": "First meeting", "body": "See **you**"})
    client.post(url, {"title": "Second meeting", "body": "<script>x()</script>Agenda"})
    page = client.get(reverse("clusters:members-area", args=[cluster.slug])).content.decode()

    assert page.count('id="announcements-title"') == 1
    assert page.index("Second meeting") < page.index("First meeting")
    assert "<strong>you</strong>" in page
    assert "<script>x()" not in page  # the body's Markdown is sanitised


def test_only_coordinating_cities_post_announcements(client, member, coordinator):
    cluster = make_cluster(coordinating=[MemberFactory(name="Lead city")])
    stay(cluster, member, joined=dt.date(2023, 1, 1))  # a member, not coordinating
    client.force_login(coordinator)

    response = client.post(
        reverse("clusters:announce", args=[cluster.slug]), {"title": "Hi", "body": "x"}
    )
    page = client.get(reverse("clusters:members-area", args=[cluster.slug])).content.decode()

    assert response.status_code in (403, 404)
    assert not cluster.announcements.exists()
    assert 'id="announce-form"' not in page


def test_the_cluster_page_lists_its_published_news_newest_first(client, member):
    cluster = make_cluster(coordinating=[member])
    now = timezone.now()
    for days, title in ((3, "Older news"), (1, "Newer news")):
        PostFactory(title=title, published_at=now - dt.timedelta(days=days)).clusters.add(cluster)
    PostFactory(title="A draft", published_at=None).clusters.add(cluster)
    PostFactory(title="Embargoed", published_at=now + dt.timedelta(days=1)).clusters.add(cluster)
    PostFactory(title="Untagged news")

    page = client.get(cluster.get_absolute_url()).content.decode()

    news = page[page.index('id="cluster-news"') :]
    news = news[: news.index("</ul>")]
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', news) == [
        ("/news/newer-news/", "Newer news"),
        ("/news/older-news/", "Older news"),
    ]


def test_the_cluster_page_shows_a_few_news(client, member):
    cluster = make_cluster(coordinating=[member])
    for n in range(NEWS_SHOWN + 2):
        PostFactory(title=f"News {n}").clusters.add(cluster)

    page = client.get(cluster.get_absolute_url()).content.decode()

    assert page.count('href="/news/news-') == NEWS_SHOWN


def test_a_cluster_without_news_says_so(client, member):
    cluster = make_cluster(coordinating=[member])

    page = client.get(cluster.get_absolute_url()).content.decode()

    assert "No news of this cluster yet." in page


@pytest.mark.parametrize("with_news", [True, False])
def test_the_cluster_page_links_its_news_feed(client, member, with_news):
    cluster = make_cluster(coordinating=[member])
    if with_news:
        PostFactory(title="Reading week").clusters.add(cluster)
    feed_url = reverse("news:cluster-feed", args=[cluster.slug])

    page = client.get(cluster.get_absolute_url()).content.decode()

    head = page[: page.index("</head>")]
    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="News: Literacy (Atom feed)" href="{feed_url}">'
    ) in head
    news = page[page.index('id="news-title"') : page.index('aria-labelledby="practices-title"')]
    assert f'<a id="cluster-news-feed" href="{feed_url}">News: Literacy (Atom feed)</a>' in news
