import io

import pytest
from django.core.management import call_command

from gnlc.cities.tests.factories import MemberFactory
from gnlc.library.enums import PracticeState
from gnlc.library.models import PeerCity, RelatedPractice
from gnlc.library.related import Item, similar
from gnlc.library.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_similar_pairs_alike_items_and_says_why():
    items = [
        Item(
            1,
            "Reading circles for adult learners in libraries",
            {("themes", "Literacy"), ("sdgs", 4)},
        ),
        Item(2, "Adult learners meet in reading circles", {("themes", "Literacy"), ("sdgs", 4)}),
        Item(3, "Solar panels and green jobs", {("themes", "Entrepreneurship"), ("sdgs", 8)}),
    ]

    pairs = {(a, b): shared for a, b, _score, shared in similar(items)}

    assert set(pairs) == {(1, 2), (2, 1)}
    assert pairs[(1, 2)] == {
        "themes": ["Literacy"],
        "sdgs": [4],
        "terms": ["adult learners", "reading circles"],
    }


def test_compute_related_is_idempotent_and_skips_unpublished(member):
    kisumu = MemberFactory(name="Kisumu")
    a = PracticeFactory(
        title="Reading circles for adult learners",
        body="Adult learners read in library circles.",
        themes=["literacy"],
        sdgs=[4],
        target_groups=["adult-learners"],
        members=[member],
    )
    b = PracticeFactory(
        title="Library reading circles",
        body="Circles of adult learners in the library.",
        themes=["literacy"],
        sdgs=[4],
        target_groups=["adult-learners"],
        members=[kisumu],
    )
    PracticeFactory(
        title="Library reading circles draft",
        state=PracticeState.DRAFT,
        themes=["literacy"],
        members=[kisumu],
    )

    call_command("compute_related", stdout=io.StringIO())
    out = io.StringIO()
    call_command("compute_related", stdout=out)

    assert sorted(RelatedPractice.objects.values_list("practice", "other")) == [
        (a.pk, b.pk),
        (b.pk, a.pk),
    ]
    assert out.getvalue() == ("2 published practices: 2 related pairs, 2 peer-city pairs.\n")
    related = RelatedPractice.objects.get(practice=a)
    assert related.reasons[:3] == ["Literacy", "SDG 4", "adult learners"]
    assert sorted(PeerCity.objects.values_list("member__name", "peer__name")) == [
        ("Kisumu", "Nakuru"),
        ("Nakuru", "Kisumu"),
    ]


def test_related_practices_are_shown_with_their_reason(client, member):
    a = PracticeFactory(title="A", members=[member])
    b = PracticeFactory(title="B", members=[member])
    RelatedPractice.objects.create(
        practice=a,
        other=b,
        score=0.5,
        shared={"themes": ["Literacy"], "sdgs": [4], "terms": ["adult learners"]},
    )

    response = client.get(a.get_absolute_url())

    assert "shares: Literacy, SDG 4, “adult learners”" in response.text
