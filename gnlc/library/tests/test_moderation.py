"""The secretariat's moderation queue: a page of its own, reached from the account page
and from the practices page, apart from anyone's own practices."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gnlc.library.enums import PracticeState
from gnlc.library.models import Practice
from gnlc.library.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
QUEUE = "/library/moderation/"


def _submitted(title, member, on):
    with time_machine.travel(on, tick=False):
        return PracticeFactory(title=title, state=PracticeState.SUBMITTED, members=[member])


@pytest.fixture
def queue(member):
    return [
        _submitted("Second in", member, dt.datetime(2025, 3, 2, tzinfo=dt.UTC)),
        _submitted("First in", member, dt.datetime(2025, 3, 1, tzinfo=dt.UTC)),
    ]


def test_queue_lists_submitted_practices_the_longest_waiting_first(client, secretariat, queue):
    PracticeFactory(title="A draft", state=PracticeState.DRAFT)
    PracticeFactory(title="Already published")
    client.force_login(secretariat)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert [p.title for p in response.context["page"]] == ["First in", "Second in"]
    text = response.text
    assert "<h1>Moderation of the library</h1>" in text
    assert "2 practices submitted by their cities are waiting" in text
    assert "waiting since 1 March 2025" in text
    publish = reverse("library:practice-move", args=[queue[1].slug, "published"])
    assert f'href="{publish}?next=/library/moderation/"' in text
    assert "A draft" not in text
    assert "Already published" not in text


def test_empty_queue_says_nothing_is_waiting(client, secretariat):
    client.force_login(secretariat)

    response = client.get(QUEUE)

    assert "Nothing is waiting: every submitted practice has been moderated." in response.text


def test_practices_page_links_to_the_queue_instead_of_holding_it(client, secretariat, queue):
    client.force_login(secretariat)

    response = client.get(reverse("library:manage"))

    text = response.text
    assert "Waiting for moderation" not in text
    assert "2 practices are waiting for moderation." in text
    assert f'<a href="{QUEUE}">Open the moderation queue</a>' in text
    assert response.context["waiting"] == 2


def test_coordinator_practices_page_has_no_queue(client, coordinator, queue):
    client.force_login(coordinator)

    response = client.get(reverse("library:manage"))

    assert response.context["waiting"] is None
    assert QUEUE not in response.text
    assert [p.title for p in response.context["page"]] == ["Second in", "First in"]


def test_account_page_of_the_secretariat_links_to_the_queue(client, secretariat, coordinator):
    client.force_login(secretariat)
    secretariat_page = client.get(reverse("accounts:dashboard")).text
    client.force_login(coordinator)
    coordinator_page = client.get(reverse("accounts:dashboard")).text

    assert f'<a href="{QUEUE}">Moderation of the library</a>' in secretariat_page
    assert QUEUE not in coordinator_page


def test_publishing_from_the_queue_comes_back_to_it(client, secretariat, queue):
    client.force_login(secretariat)
    url = reverse("library:practice-move", args=[queue[1].slug, "published"]) + f"?next={QUEUE}"

    form = client.get(url)
    response = client.post(url, {"reason": ""})

    assert f'<a href="{QUEUE}">Cancel</a>' in form.text
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert Practice.objects.get(pk=queue[1].pk).state == PracticeState.PUBLISHED
    assert [p.title for p in client.get(QUEUE).context["page"]] == ["Second in"]


def test_a_move_never_sends_to_another_site(client, secretariat, queue):
    client.force_login(secretariat)
    practice = queue[1]
    url = reverse("library:practice-move", args=[practice.slug, "published"])

    response = client.post(f"{url}?next=https://evil.example/", {"reason": ""})

    assert response["Location"] == practice.get_absolute_url()


@pytest.mark.parametrize("count", [1, 3])
def test_queue_query_count_does_not_grow_with_practices(
    client, django_assert_num_queries, member, secretariat, count
):
    for n in range(count):
        PracticeFactory(title=f"P {n}", state=PracticeState.SUBMITTED, members=[member])
    client.force_login(secretariat)

    # The session, user and roles of a signed-in request, the queue's count, its page
    # and three prefetches (cities, themes, goals).
    with django_assert_num_queries(8):
        response = client.get(QUEUE)

    assert len(response.context["page"].object_list) == count


def test_a_submitted_practice_tells_its_city_what_happens_next(client, coordinator, member):
    practice = PracticeFactory(state=PracticeState.SUBMITTED, members=[member])
    client.force_login(coordinator)

    page = client.get(practice.get_absolute_url()).text

    assert "Submitted: the secretariat reviews it, then publishes it" in page
    # Not in the public library yet: the breadcrumb leads back to the city's practices.
    assert f'<a href="{reverse("library:manage")}">Your practices</a>' in page
