import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.cities.tests.factories import MemberFactory
from gnlc.clusters.tests.factories import make_cluster, stay
from gnlc.events.enums import Audience, EventKind
from gnlc.events.models import Event
from gnlc.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_a_coordinating_city_publishes_a_webinar_in_its_own_time_zone(client):
    lead = MemberFactory(name="Aswan")
    cluster = make_cluster(coordinating=[lead])
    organiser = UserFactory()
    RoleFactory(user=organiser, kind=RoleKind.COORDINATOR, member=lead)
    client.force_login(organiser)

    response = client.post(
        reverse("events:new"),
        {
            "title": "Reading circles",
            "kind": EventKind.WEBINAR,
            "cluster": cluster.pk,
            "start": "2030-03-10T14:00",
            "end": "2030-03-10T15:30",
            "time_zone": "Africa/Cairo",
            "online": "on",
            "languages": ["en", "ar"],
            "audience": Audience.PUBLIC,
            "capacity": "2",
            "deadline": "2030-03-09T12:00",
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert event.starts_at == dt.datetime(2030, 3, 10, 12, 0, tzinfo=dt.UTC)
    assert event.registration_deadline == dt.datetime(2030, 3, 9, 10, 0, tzinfo=dt.UTC)
    assert event.cluster == cluster
    assert client.get(reverse("events:participants", args=[event.slug])).status_code == 200


def test_a_coordinating_city_cannot_publish_for_another_cluster(client):
    lead = MemberFactory()
    make_cluster("literacy", coordinating=[lead])
    other = make_cluster("health-and-well-being", coordinating=[MemberFactory()])
    organiser = UserFactory()
    RoleFactory(user=organiser, kind=RoleKind.COORDINATOR, member=lead)
    client.force_login(organiser)

    response = client.post(
        reverse("events:new"),
        {
            "title": "X",
            "kind": "webinar",
            "cluster": other.pk,
            "start": "2030-03-10T14:00",
            "end": "2030-03-10T15:00",
            "time_zone": "UTC",
            "online": "on",
            "languages": ["en"],
            "audience": "public",
        },
    )

    assert response.status_code == 400
    assert not Event.objects.exists()


def test_event_page_shows_the_event_zone_and_the_visitors_zone_hook(client):
    event = make_event(time_zone="Asia/Tokyo")

    page = client.get(event.get_absolute_url()).content.decode()

    local = event.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{local:%H:%M}" in page
    assert "Asia/Tokyo" in page
    assert f'data-start="{event.starts_at.isoformat()}"' in page


def test_the_ical_file_gives_the_event_at_its_instant(client):
    event = make_event()

    response = client.get(reverse("events:ical", args=[event.slug]))

    calendar = icalendar.Calendar.from_ical(response.content)
    [item] = calendar.walk("VEVENT")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert item.decoded("dtstart") == event.starts_at
    assert item.decoded("dtend") == event.ends_at
    assert str(item["summary"]) == "Literacy webinar"


def test_a_persons_private_feed_carries_their_registrations(client):
    event = make_event(capacity=1)
    person = UserFactory()
    event.register(UserFactory())
    event.register(person)
    client.force_login(person)
    feed_url = client.get(reverse("accounts:dashboard")).context["calendar_url"]
    client.logout()

    calendar = icalendar.Calendar.from_ical(client.get(feed_url).content)

    [item] = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("event-")]
    assert item.decoded("dtstart") == event.starts_at
    assert "waiting list" in str(item["summary"])


def test_register_then_cancel_through_the_pages(client):
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    client.post(reverse("events:register", args=[event.slug]))
    client.force_login(second)
    client.post(reverse("events:register", args=[event.slug]))
    assert "You are on the waiting list." in client.get(event.get_absolute_url()).content.decode()

    client.force_login(first)
    client.post(reverse("events:cancel", args=[event.slug]))

    client.force_login(second)
    assert "You are registered." in client.get(event.get_absolute_url()).content.decode()


def test_cluster_events_take_only_the_clusters_cities(client, member, coordinator):
    cluster = make_cluster(coordinating=[MemberFactory()])
    event = make_event(cluster=cluster, audience=Audience.CLUSTER)
    client.force_login(coordinator)

    refused = client.post(reverse("events:register", args=[event.slug]))
    stay(cluster, member, joined=dt.date(2023, 1, 1))
    accepted = client.post(reverse("events:register", args=[event.slug]))

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert event.registrations.confirmed().count() == 1


def test_participants_csv_is_safe_and_for_organisers(client, secretariat):
    event = make_event()
    event.register(UserFactory(full_name="=HYPERLINK(1)", email="p@example.org"))
    client.force_login(secretariat)

    body = client.get(reverse("events:participants-csv", args=[event.slug])).content.decode()

    assert body.splitlines()[1].startswith("'=HYPERLINK(1),p@example.org,confirmed,")


def test_events_page_filters_by_type_cluster_and_time(client):
    cluster = make_cluster()
    make_event(title="Cluster webinar", cluster=cluster)
    make_event(title="Training day", kind=EventKind.TRAINING)
    past = make_event(title="Old conference", kind=EventKind.CONFERENCE)
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=10),
        ends_at=timezone.now() - dt.timedelta(days=9),
    )

    def titles(query):
        return [e.title for e in client.get(reverse("events:list"), query).context["events"]]

    assert titles({}) == ["Cluster webinar", "Training day"]
    assert titles({"kind": "training"}) == ["Training day"]
    assert titles({"cluster": cluster.slug}) == ["Cluster webinar"]
    assert titles({"when": "past"}) == ["Old conference"]
    assert client.get(reverse("events:list"), {"kind": "nonsense"}).status_code == 400


def test_atom_feed_lists_upcoming_events(client):
    make_event(title="Literacy webinar")

    response = client.get(reverse("events:feed"))

    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Literacy webinar</title>" in response.content.decode()


def test_events_list_has_no_query_per_event(client, django_assert_num_queries):
    cluster = make_cluster()
    make_event(cluster=cluster)
    client.get(reverse("events:list"))
    with django_assert_num_queries(2) as one:
        client.get(reverse("events:list"))
    make_event(cluster=cluster)
    make_event()

    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("events:list"))


def test_events_page_filters_by_region_and_language(client, reference_data):
    from gnlc.cities.models import Region

    make_event(title="Accra forum", region=Region.objects.get(slug="africa"), languages=["en"])
    make_event(
        title="Rabat webinar", region=Region.objects.get(slug="arab-states"), languages=["ar", "fr"]
    )
    make_event(title="Global training", languages=["es"])

    def titles(query):
        return [e.title for e in client.get(reverse("events:list"), query).context["events"]]

    assert titles({"region": "africa"}) == ["Accra forum"]
    assert titles({"language": "fr"}) == ["Rabat webinar"]
    assert titles({"language": "es", "region": "africa"}) == []
    assert client.get(reverse("events:list"), {"language": "xx"}).status_code == 400


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_atom_feed_in_every_language(client, language):
    from django.utils import translation

    make_event(title="Literacy webinar", kind=EventKind.TRAINING)
    with translation.override(language):
        url = reverse("events:feed")
        training = str(EventKind.TRAINING.label)
        event_url = Event.objects.get().get_absolute_url()

    response = client.get(url)

    assert url.startswith("/events/" if language == "en" else f"/{language}/events/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'xml:lang="{language}"' in body
    assert f'term="{training}"' in body  # the event's type in the feed's language
    assert event_url in body  # links to the pages in that language
