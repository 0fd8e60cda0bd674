"""A member's page lists its published practices from the library, newest first, with a
link to all of them on the library's page of the city."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gnlc.cities.views import MEMBER_PRACTICES
from gnlc.library.enums import PracticeState
from gnlc.library.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def _published(member, title, days_ago, **extra):
    return PracticeFactory(
        title=title,
        members=[member],
        published_at=timezone.now() - dt.timedelta(days=days_ago),
        **extra,
    )


def test_member_page_lists_published_practices_newest_first_with_links(client, member):
    older = _published(member, "Reading circles", 30, themes=["literacy"])
    newer = _published(member, "Health walks", 2, themes=["health-and-well-being"])
    PracticeFactory(title="A draft", members=[member], state=PracticeState.DRAFT)
    PracticeFactory(title="An archived one", members=[member], state=PracticeState.ARCHIVED)
    PracticeFactory(title="Another city's")

    response = client.get(reverse("cities:member", args=[member.slug]))

    assert [p.title for p in response.context["practices"]] == ["Health walks", "Reading circles"]
    assert response.context["practice_count"] == 2
    text = response.text
    assert f'href="{newer.get_absolute_url()}" dir="auto">Health walks</a>' in text
    assert f'href="{older.get_absolute_url()}" dir="auto">Reading circles</a>' in text
    assert text.index("Health walks") < text.index("Reading circles")
    assert "<li>Literacy</li>" in text
    assert "A draft" not in text
    assert "An archived one" not in text
    assert "Another city" not in text
    assert (
        f'<a href="/library/cities/{member.slug}/">See all 2 practices of Nakuru in the library</a>'
        in text
    )


def test_member_page_shows_the_newest_and_counts_them_all(client, member):
    for n in range(MEMBER_PRACTICES + 2):
        _published(member, f"Practice {n:02}", days_ago=n)

    response = client.get(reverse("cities:member", args=[member.slug]))

    assert [p.title for p in response.context["practices"]] == [
        f"Practice {n:02}" for n in range(MEMBER_PRACTICES)
    ]
    assert f"See all {MEMBER_PRACTICES + 2} practices of Nakuru in the library" in response.text


def test_member_page_with_one_practice_says_so(client, member):
    _published(member, "Reading circles", 1)

    response = client.get(reverse("cities:member", args=[member.slug]))

    assert "See the practice of Nakuru in the library" in response.text


def test_member_page_without_practices_says_none_is_published(client, member):
    response = client.get(reverse("cities:member", args=[member.slug]))

    assert response.context["practices"] == []
    assert "No good practice of this member is published in the library yet." in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_member_page_practices_cost_the_same_queries_whatever_their_number(
    client, member, django_assert_num_queries, count
):
    for n in range(count):
        _published(member, f"Practice {n}", n, themes=["literacy", "entrepreneurship"])

    # The member, its events, its award years, its practices and their themes, its
    # thematic clusters (gnlc/clusters).
    with django_assert_num_queries(6):
        response = client.get(reverse("cities:member", args=[member.slug]))

    assert len(response.context["practices"]) == count


def test_member_page_with_more_practices_than_it_lists_adds_one_count(
    client, member, django_assert_num_queries
):
    for n in range(MEMBER_PRACTICES + 3):
        _published(member, f"Practice {n}", n, themes=["literacy"])

    with django_assert_num_queries(7):
        response = client.get(reverse("cities:member", args=[member.slug]))

    assert response.context["practice_count"] == MEMBER_PRACTICES + 3


def test_library_city_page_the_link_leads_to_lists_them_all(client, member):
    for n in range(MEMBER_PRACTICES + 1):
        _published(member, f"Practice {n:02}", n)

    response = client.get(reverse("library:member", args=[member.slug]))

    assert [p.title for p in response.context["practices"]] == [
        f"Practice {n:02}" for n in range(MEMBER_PRACTICES + 1)
    ]
