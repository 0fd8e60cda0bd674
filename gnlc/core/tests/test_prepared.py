"""A statement compiled once (gnlc.core.prepared.ById) gives what its queryset gives,
values converted alike (dates on SQLite, where they come back as text), for any number
of ids, on SQLite and PostgreSQL (DATABASE_URL)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from gnlc.cities.models import Member
from gnlc.cities.tests.test_search import network  # noqa: F401 (a fixture)
from gnlc.core.prepared import ById

pytestmark = pytest.mark.django_db

# Annotations between the columns, as the API asks them: each value under its own name.
FIELDS = ("name", "status_on", "country_id", "admitted_on", "latitude", "member_by", "cohort_id")


def build(ids, fields, as_of):
    members = Member.objects.filter(pk__in=ids).with_status(as_of).with_admission()
    return members.values("pk", *fields)


def by_pk(rows) -> dict:
    return {row["pk"]: row for row in rows}


@pytest.mark.parametrize("as_of", [None, dt.date(2024, 2, 10), dt.date(2015, 1, 1)])
def test_rows_equal_the_queryset_s_for_every_number_of_ids(network, as_of):  # noqa: F811
    prepared = ById("cities.Member", build)
    ids = list(Member.objects.order_by("-name").values_list("pk", flat=True))
    assert len(ids) > 9
    for n in (1, 2, 3, 5, 8, 9, len(ids)):
        found = prepared.rows(ids[:n], FIELDS, as_of)
        expected = list(build(ids[:n], FIELDS, as_of))
        assert by_pk(found) == by_pk(expected)
        assert len(found) == n
    # The dates are dates, as Django converts them (SQLite returns text).
    dates = [row["admitted_on"] for row in prepared.rows(ids, FIELDS, as_of)]
    assert any(isinstance(day, dt.date) for day in dates)


def test_a_statement_is_compiled_once_per_size_and_reused(network):  # noqa: F811
    builds = []

    def counted(ids, fields, as_of):
        builds.append(len(ids))
        return build(ids, fields, as_of)

    prepared = ById("cities.Member", counted)
    ids = list(Member.objects.values_list("pk", flat=True))
    prepared.rows(ids[:3], FIELDS, None)
    with CaptureQueriesContext(connection) as queries:
        again = prepared.rows(ids[3:7], FIELDS, None)  # 4 ids: the same size, padded
    assert builds == [4]  # 3 ids rounded up to 4, compiled once
    assert len(queries) == 1
    assert sorted(row["pk"] for row in again) == sorted(ids[3:7])
    prepared.rows(ids[:5], FIELDS, None)
    prepared.rows(ids[:1], ("name",), None)  # another key
    assert builds == [4, 8, 1]


def test_no_ids_ask_nothing(network):  # noqa: F811
    prepared = ById("cities.Member", build)
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows([], FIELDS, None) == []
    assert not queries


def test_each_thread_compiles_its_own(network):  # noqa: F811
    builds = []

    def counted(ids, fields, as_of):
        builds.append(threading.get_ident())
        return build(ids, fields, as_of)

    prepared = ById("cities.Member", counted)
    ids = list(Member.objects.values_list("pk", flat=True))[:2]
    prepared.rows(ids, ("name",), None)

    def compile_in_another_thread():
        try:
            prepared._compiled("default", 2, (("name",), None))
        finally:
            connections.close_all()  # this thread's own connection, if compiling opened one

    worker = threading.Thread(target=compile_in_another_thread)
    worker.start()
    worker.join()
    assert len(set(builds)) == 2


def test_rows_by_id_refuses_a_filtered_queryset(network):  # noqa: F811
    ids = list(Member.objects.values_list("pk", flat=True))[:2]
    assert [row["pk"] for row in Member.objects.rows_by_id(ids, fields=("name",))] == ids
    with pytest.raises(TypeError):
        Member.objects.filter(name="x").rows_by_id(ids, fields=("name",))
