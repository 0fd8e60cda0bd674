import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gnlc.cities.enums import EventKind, Status
from gnlc.cities.models import Member
from gnlc.cities.stats import cohort_summary, network_stats
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_status_on_follows_events_admitted_suspended_reinstated_withdrawn():
    member = MemberFactory(cohort=CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17)))
    member.record_event(EventKind.SUSPENDED, on=dt.date(2021, 3, 1))
    member.record_event(EventKind.REINSTATED, on=dt.date(2021, 9, 1))
    member.record_event(EventKind.WITHDRAWN, on=dt.date(2023, 1, 10))

    assert member.status_on(dt.date(2019, 7, 16)) is None
    assert member.status_on(dt.date(2019, 7, 17)) == Status.ACTIVE
    assert member.status_on(dt.date(2021, 3, 1)) == Status.SUSPENDED
    assert member.status_on(dt.date(2021, 9, 1)) == Status.ACTIVE
    assert member.status_on(dt.date(2023, 1, 10)) == Status.WITHDRAWN
    member.refresh_from_db()
    assert member.status == Status.WITHDRAWN
    assert member.cohort_id == 2019


def test_queryset_status_on_date_equals_model_status_on():
    member = MemberFactory(cohort=CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17)))
    member.record_event(EventKind.SUSPENDED, on=dt.date(2021, 3, 1))
    for day, expected in [
        (dt.date(2019, 1, 1), None),
        (dt.date(2020, 1, 1), Status.ACTIVE),
        (dt.date(2022, 1, 1), Status.SUSPENDED),
    ]:
        annotated = Member.objects.with_status(day).get(pk=member.pk)
        assert annotated.status_on == expected == member.status_on(day)


def test_active_on_counts_members_and_countries_on_a_date():
    cohort_2019 = CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17))
    cohort_2022 = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    MemberFactory(name="A", cohort=cohort_2019)
    leaving = MemberFactory(name="B", cohort=cohort_2019, country_id="GR")
    MemberFactory(name="C", cohort=cohort_2022, country_id="MX")
    leaving.record_event(EventKind.WITHDRAWN, on=dt.date(2022, 1, 5))

    assert Member.objects.active_on(dt.date(2021, 12, 31)).totals() == {
        "members": 2,
        "countries": 2,
    }
    assert Member.objects.active_on(dt.date(2022, 9, 1)).totals() == {
        "members": 1,
        "countries": 1,
    }
    assert Member.objects.active_on(dt.date(2022, 9, 2)).totals() == {
        "members": 2,
        "countries": 2,
    }


def test_year_only_admission_counts_from_end_of_year():
    member = MemberFactory(cohort=CohortFactory(year=2017, announced_on=None))
    event = member.events.get()

    assert event.date is None
    assert event.display_date == "2017"
    assert member.status_on(dt.date(2017, 12, 30)) is None
    assert member.status_on(dt.date(2017, 12, 31)) == Status.ACTIVE


def test_record_event_refuses_a_move_the_status_does_not_allow():
    member = MemberFactory(cohort=CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17)))
    member.record_event(EventKind.WITHDRAWN, on=dt.date(2020, 1, 1))

    with pytest.raises(ValidationError, match="cannot be suspended"):
        member.record_event(EventKind.SUSPENDED, on=dt.date(2020, 6, 1))
    with pytest.raises(ValidationError, match="not a member"):
        member.record_event(EventKind.SUSPENDED, on=dt.date(2018, 6, 1))
    assert member.events.count() == 2


def test_cohort_summary_counts_new_members_and_totals_as_of_announcement():
    old = CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17))
    new = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    MemberFactory(name="Old Kenyan", cohort=old)
    gone = MemberFactory(name="Gone", cohort=old, country_id="GR")
    gone.record_event(EventKind.WITHDRAWN, on=dt.date(2021, 1, 1))
    MemberFactory(name="New Kenyan", cohort=new)
    MemberFactory(name="New Mexican", cohort=new, country_id="MX")

    summary = cohort_summary(new)

    assert summary["new_members"] == 2
    assert summary["new_countries"] == 2
    assert summary["first_time_countries"] == ["MX"]
    assert summary["total_members"] == 3
    assert summary["total_countries"] == 2


def test_cohort_summary_totals_are_its_regions_and_the_as_of_query_of_its_day():
    """The totals add up the regions' (each country in one region): the same figures as
    the as-of query of the announcement's day, the withdrawn and the later left out."""
    old = CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17))
    new = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    MemberFactory(name="Nakuru", cohort=old)
    MemberFactory(name="Kisumu", cohort=new)
    MemberFactory(name="Tema", cohort=new, country_id="GH")
    MemberFactory(name="Puebla", cohort=new, country_id="MX")
    MemberFactory(name="Later", cohort=CohortFactory(year=2024), country_id="NG")
    gone = MemberFactory(name="Gone", cohort=old, country_id="SN")
    gone.record_event(EventKind.WITHDRAWN, on=dt.date(2021, 1, 1))

    summary = cohort_summary(new)

    regions = {r["slug"]: (r["members"], r["countries"]) for r in summary["regions"]}
    assert regions["africa"] == (3, 2)
    assert regions["latin-america-and-the-caribbean"] == (1, 1)
    assert sum(1 for counts in regions.values() if counts != (0, 0)) == 2
    as_of_query = Member.objects.active_on(new.effective_on).totals()
    assert (summary["total_members"], summary["total_countries"]) == (4, 3)
    assert as_of_query == {"members": 4, "countries": 3}


def test_network_stats_per_region_and_cohort():
    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    MemberFactory(name="Nairobi", cohort=cohort)
    MemberFactory(name="Puebla", cohort=cohort, country_id="MX")

    stats = network_stats(dt.date(2023, 1, 1))

    assert (stats["members"], stats["countries"]) == (2, 2)
    regions = {r["slug"]: r["members"] for r in stats["regions"]}
    assert regions == {
        "africa": 1,
        "arab-states": 0,
        "asia-and-the-pacific": 0,
        "europe-and-north-america": 0,
        "latin-america-and-the-caribbean": 1,
    }
    assert stats["cohorts"] == [{"year": 2022, "members": 2}]


def test_search_is_accent_and_case_insensitive():
    MemberFactory(name="Cao Lãnh", country_id="VN")
    MemberFactory(name="Yaoundé 1er", country_id="CM")

    assert list(Member.objects.search("Lanh").values_list("name", flat=True)) == ["Cao Lãnh"]
    assert list(Member.objects.search("YAOUNDE").values_list("name", flat=True)) == ["Yaoundé 1er"]


def test_slug_is_unique_across_countries():
    first = MemberFactory(name="Victoria", country_id="SC")
    second = MemberFactory(name="Victoria", country_id="CA")

    assert (first.slug, second.slug) == ("victoria", "victoria-ca")


def test_search_finds_a_member_by_its_local_name():
    MemberFactory(name="Andong", local_name="안동", local_name_lang="ko", country_id="KR")
    MemberFactory(name="Cao Lãnh", country_id="VN")

    assert list(Member.objects.search("안동").values_list("name", flat=True)) == ["Andong"]


@pytest.mark.parametrize(("tag", "valid"), [("ar", True), ("zh-Hant", True), ("Arabic", False)])
def test_local_name_lang_must_be_a_language_tag(tag, valid):
    member = MemberFactory(name="Andong", country_id="KR", local_name="안동", local_name_lang=tag)

    errors = {}
    try:
        member.full_clean()
    except ValidationError as error:
        errors = error.message_dict

    assert ("local_name_lang" not in errors) is valid
