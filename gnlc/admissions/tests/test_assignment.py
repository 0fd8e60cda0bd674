import pytest

from gnlc.admissions.assignment import AppRow, JurorRow, assign_reviews, plan
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Conflict, Review
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, make_juror


def test_plan_balances_loads_and_gives_each_application_its_reviews():
    apps = [AppRow(i, "KE", "africa") for i in range(6)]
    jurors = [JurorRow(j, "FR") for j in range(100, 104)]

    result = plan(apps, jurors, required=2)

    assert len(result.pairs) == 12
    assert sorted(result.loads.values()) == [3, 3, 3, 3]
    assert all(len({j for a, j in result.pairs if a == i}) == 2 for i in range(6))
    assert result.short == {}


def test_plan_respects_same_country_and_declared_conflicts():
    apps = [AppRow(1, "KE", "africa")]
    jurors = [JurorRow(10, "KE"), JurorRow(11, "FR"), JurorRow(12, "BR"), JurorRow(13, "IN")]

    result = plan(apps, jurors, required=2, declared={(1, 11)})

    assert sorted(j for _a, j in result.pairs) == [12, 13]


def test_plan_allows_an_overridden_same_country_pair():
    apps = [AppRow(1, "KE", "africa")]
    jurors = [JurorRow(10, "KE"), JurorRow(11, "FR")]

    result = plan(apps, jurors, required=2, overridden={(1, 10)})

    assert sorted(j for _a, j in result.pairs) == [10, 11]


def test_plan_prefers_regional_experts_within_the_load_slack():
    apps = [AppRow(1, "KE", "africa"), AppRow(2, "FR", "europe")]
    jurors = [
        JurorRow(10, "BR"),
        JurorRow(11, "IN", frozenset({"africa"})),
        JurorRow(12, "CN", frozenset({"europe"})),
    ]

    result = plan(apps, jurors, required=1)

    assert result.pairs == [(1, 11), (2, 12)]


def test_plan_reports_a_shortfall_when_conflicts_leave_too_few_jurors():
    apps = [AppRow(1, "KE", "africa")]
    jurors = [JurorRow(10, "KE"), JurorRow(11, "FR")]

    result = plan(apps, jurors, required=3)

    assert result.pairs == [(1, 11)]
    assert result.short == {1: 2}


@pytest.mark.django_db
def test_assign_reviews_writes_reviews_keeping_existing_ones():
    call = CallFactory(reviews_required=2)
    first, second = ApplicationFactory.create_batch(2, call=call, state=S.NOMINATED)
    ApplicationFactory(call=call, state=S.SUBMITTED)  # not nominated: never assigned
    kenyan = make_juror(country="KE")
    a, b, c = make_juror(country="FR"), make_juror(country="BR"), make_juror(country="IN")
    Review.objects.create(application=first, juror=a)
    Conflict.objects.create(application=second, juror=b, kind="personal")

    result = assign_reviews(call)

    assert result.short == {}
    pairs = set(Review.objects.values_list("application", "juror"))
    assert len(pairs) == 4
    assert (first.pk, a.pk) in pairs
    assert (second.pk, b.pk) not in pairs
    assert not any(juror == kenyan.pk for _app, juror in pairs)
    assert {juror for app, juror in pairs if app == second.pk} == {a.pk, c.pk}


@pytest.mark.django_db
def test_assign_reviews_writes_each_assignment_to_the_audit_log():
    from gnlc.audit.models import Action, AuditEntry

    call = CallFactory(reviews_required=2)
    application = ApplicationFactory(call=call, state=S.NOMINATED)
    make_juror(country="FR"), make_juror(country="BR")
    before = AuditEntry.objects.filter(content_type__model="review").count()

    assign_reviews(call)

    entries = AuditEntry.objects.filter(content_type__model="review").order_by("pk")[before:]
    reviews = Review.objects.filter(application=application)
    assert sorted(e.object_id for e in entries) == sorted(str(r.pk) for r in reviews)
    assert {e.action for e in entries} == {Action.CREATE}
    assert all(e.changes["application_id"] == [None, application.pk] for e in entries)
