"""Where a member's facts come from, on its page; a cohort's announcement in the directory."""

import datetime as dt

import pytest
from django.urls import reverse

from gnlc.cities import importer
from gnlc.cities.enums import EventKind
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db

ANNOUNCEMENT = "https://example.org/77-new-members"


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def cohort():
    return CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2), source_url=ANNOUNCEMENT)


def test_member_page_lists_admission_cohort_on_record_and_geonames_sources(client, cohort):
    rows = [
        {
            "city": "Larissa",
            "country": "Greece",
            "iso2": "GR",
            "region": "Europe and North America",
            "year_joined": "2022",
            "member_by": "2021-05-01",
            "source_url": "https://example.org/larissa",
        }
    ]
    importer.import_members(rows)

    response = client.get(reverse("cities:member", args=["larissa"]))

    text = page_text(response)
    assert 'Admission in the 2022 cohort: <a href="https://example.org/larissa"' in text
    assert (
        f'<a href="{ANNOUNCEMENT}" rel="noopener nofollow">the cohort\'s announcement</a>' in text
    )
    assert "A member by 1 May 2021:" in text
    assert 'Coordinates: <a href="https://www.geonames.org/' in text


def test_member_page_says_coordinates_set_on_the_profile(client, cohort):
    member = MemberFactory(name="Nakuru", cohort=cohort, coordinates_source="profile")

    text = page_text(client.get(member.get_absolute_url()))

    assert "Coordinates: set on the member's profile" in text


def test_member_page_without_known_coordinates_origin_says_nothing_of_them(client, cohort):
    member = MemberFactory(name="Nakuru", cohort=cohort)

    assert "Coordinates:" not in page_text(client.get(member.get_absolute_url()))


def test_profile_edit_of_coordinates_records_their_origin(cohort):
    from gnlc.cities.forms import MemberProfileForm

    member = MemberFactory(name="Nakuru", cohort=cohort, coordinates_source="geonames:1")
    form = MemberProfileForm(
        {"latitude": "-0.3", "longitude": "36.07", "local_name_lang": ""}, instance=member
    )
    assert form.is_valid(), form.errors

    form.save()

    member.refresh_from_db()
    assert member.coordinates_source == "profile"


def test_directory_of_one_cohort_links_its_announcement(client, cohort):
    MemberFactory(name="Nakuru", cohort=cohort)

    text = page_text(client.get(reverse("cities:directory") + "?cohort=2022"))

    assert "The 2022 cohort was announced on 2 September 2022." in text
    assert f'<a href="{ANNOUNCEMENT}" rel="noopener nofollow">The announcement</a>' in text


def test_directory_of_one_cohort_follows_a_change_to_its_announcement(client, cohort):
    # The cohorts are kept in the process per data revision: a change bumps it.
    MemberFactory(name="Nakuru", cohort=cohort)
    url = reverse("cities:directory") + "?cohort=2022"
    assert "announced on 2 September 2022" in page_text(client.get(url))

    cohort.announced_on = dt.date(2022, 9, 9)
    cohort.save()

    assert "announced on 9 September 2022" in page_text(client.get(url))


def test_directory_of_a_cohort_without_announcement_says_so(client):
    MemberFactory(name="Nakuru", cohort=CohortFactory(year=2017, announced_on=None))

    text = page_text(client.get(reverse("cities:directory") + "?cohort=2017"))

    assert "No announcement of the 2017 cohort was found" in text


def test_on_record_member_admission_source_is_absent(client):
    member = MemberFactory(name="Pécs", country_id="HU", cohort=False)
    member.record_event(EventKind.ON_RECORD, on=dt.date(2017, 1, 19), source_url="https://e.org/a")

    text = page_text(client.get(member.get_absolute_url()))

    assert "Admission in the" not in text
    assert 'A member by 19 January 2017: <a href="https://e.org/a"' in text
