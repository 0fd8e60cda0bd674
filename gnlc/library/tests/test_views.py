import csv
import datetime as dt
import io
import json

import feedparser
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from gnlc.cities.tests.factories import MemberFactory
from gnlc.core.tests.matrix import PERSONAS
from gnlc.library.enums import PracticeState
from gnlc.library.models import Practice, PracticeAttachment, PracticeRevision
from gnlc.library.tests import matrix
from gnlc.library.tests.factories import PDF, PracticeFactory

pytestmark = pytest.mark.django_db


def form_data(member, **extra):
    return {
        "title": "Reading circles",
        "summary": "Weekly reading circles.",
        "body": "Adult learners read together.",
        "members": [member.pk],
        "year_started": "2019",
        "language": "en",
        **extra,
    }


# the permission matrix's extra rows ---------------------------------------------------

EXTRA_CASES = [(name, persona) for name in matrix.EXTRA for persona in PERSONAS]


@pytest.mark.parametrize(("case", "persona"), EXTRA_CASES, ids=[f"{c}-{p}" for c, p in EXTRA_CASES])
def test_permission_matrix_extra_rows(client, member, personas, case, persona):
    objects = {"member": member, **matrix.build(member, personas)}
    name, kwargs, expected = matrix.EXTRA[case]
    if personas[persona] is not None:
        client.force_login(personas[persona])

    response = client.get(reverse(name, kwargs=kwargs(objects)))

    assert response.status_code == expected[persona]


# search page -----------------------------------------------------------------------------


def test_index_shows_highlighted_matches(client, member):
    PracticeFactory(title="Literacy <circles>", members=[member])

    response = client.get("/library/", {"q": "literacy"})

    assert response.status_code == 200
    assert "<mark>Literacy</mark> &lt;circles&gt;" in response.text
    assert "1 practice" in response.text


def test_index_htmx_request_gets_the_results_only(client, member):
    PracticeFactory(title="Literacy circles", members=[member])

    response = client.get("/library/", {"theme": "literacy"}, HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<div id="library-results"')


def test_index_invalid_filter_is_a_400_with_the_error(client):
    response = client.get("/library/", {"year": "next"})

    assert response.status_code == 400
    assert "This search cannot be run" in response.text


def test_index_lists_matching_documents_beside_practices(client):
    from gnlc.library.tests.factories import DocumentFactory

    DocumentFactory(title="Guidelines on literacy")

    response = client.get("/library/", {"q": "literacy"})

    assert "In the network's publications" in response.text
    assert "<mark>literacy</mark>" in response.text


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("params", [{}, {"q": "literacy"}], ids=["browse", "search"])
def test_index_query_count_does_not_grow_with_practices(
    client, django_assert_num_queries, member, count, params
):
    for n in range(count):
        PracticeFactory(title=f"Literacy {n}", themes=["literacy"], sdgs=[4], members=[member])

    # Cold: the library and directory revisions (twice: summary, page), the newest
    # matching ids, one grouped facet query, 3 facet labels (themes, regions,
    # countries), the page's ids, its rows and 3 prefetches (+ highlights, documents
    # count and page with a search; PostgreSQL reads the highest id first, to know
    # its first window of ids, see PostgresBackend.newest_ids).
    searched_by_window = bool(params) and connection.vendor == "postgresql"
    with django_assert_num_queries((13 if not params else 15) + searched_by_window):
        response = client.get("/library/", params)

    assert response.status_code == 200


@pytest.mark.parametrize("params", [{}, {"q": "literacy"}], ids=["browse", "search"])
def test_index_served_again_from_the_cache_until_a_practice_changes(client, member, params):
    PracticeFactory(title="Literacy circles", themes=["literacy"], members=[member])
    client.get("/library/", params)

    PracticeFactory(title="Literacy at home", themes=["literacy"], members=[member])
    response = client.get("/library/", params)

    assert "at home" in response.text
    assert "2 practices" in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_manage_query_count_does_not_grow_with_practices(
    client, django_assert_num_queries, member, secretariat, count
):
    for n in range(count):
        PracticeFactory(title=f"P {n}", state=PracticeState.SUBMITTED, members=[member])
        PracticeFactory(title=f"D {n}", state=PracticeState.DRAFT, members=[member])
    client.force_login(secretariat)

    # The same number whatever the number of practices: the session, user and roles of
    # a signed-in request, the open calls for practices, how many wait for moderation
    # (the queue is a page of its own), the list's count, its page and three prefetches.
    with django_assert_num_queries(10):
        response = client.get("/library/mine/")

    assert response.status_code == 200


# practice page -------------------------------------------------------------------------


def test_practice_body_markdown_is_sanitised(client, member):
    practice = PracticeFactory(
        body=(
            "Hello <script>alert(1)</script>\n\n"
            '<img src="x.png" onerror="alert(2)">\n\n'
            "[click](javascript:alert(3)) and [ok](https://example.org)"
        ),
        members=[member],
    )

    response = client.get(practice.get_absolute_url())

    body = response.text
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "javascript:" not in body
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">ok</a>' in body


def test_demo_practice_is_badged(client, member):
    practice = PracticeFactory(is_demo=True, members=[member])

    response = client.get(practice.get_absolute_url())

    assert "Demo content: a synthetic example, not a real practice" in response.text


def test_history_is_shown_to_the_city_not_the_public(client, member, coordinator):
    practice = PracticeFactory(members=[member])
    practice.record_edit(coordinator, ["title"])

    public = client.get(practice.get_absolute_url())
    client.force_login(coordinator)
    own = client.get(practice.get_absolute_url())

    assert "Edited: title" not in public.text
    assert "Edited: title" in own.text


# editor and uploads ---------------------------------------------------------------------


def test_coordinator_creates_a_draft_with_a_pdf(client, member, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/library/practices/new/",
        form_data(
            member, attachment=SimpleUploadedFile("report.pdf", PDF), attachment_title="Report"
        ),
    )

    practice = Practice.objects.get()
    assert response.status_code == 302
    assert (practice.state, practice.created_by) == (PracticeState.DRAFT, coordinator)
    attachment = practice.attachments.get()
    assert (attachment.kind, attachment.title, attachment.size) == ("pdf", "Report", len(PDF))
    assert attachment.file.name.endswith(".pdf")
    assert "report" not in attachment.file.name
    assert PracticeRevision.objects.get().fields == ["created"]


def test_upload_of_html_named_pdf_is_refused(client, member, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/library/practices/new/",
        form_data(member, attachment=SimpleUploadedFile("x.pdf", b"<html><script>1</script>")),
    )

    assert response.status_code == 200
    assert "This file is not a JPEG, PDF, PNG, WEBP file" in response.text
    assert Practice.objects.count() == 0


def test_upload_over_the_size_limit_is_refused(client, member, coordinator, settings):
    client.force_login(coordinator)
    big = PDF.replace(b"%%EOF", b"0" * (10 * 1024 * 1024) + b"\n%%EOF")

    response = client.post(
        "/library/practices/new/", form_data(member, attachment=SimpleUploadedFile("b.pdf", big))
    )

    assert "the limit is 10 MB" in response.text
    assert PracticeAttachment.objects.count() == 0


def test_coordinator_may_only_name_their_own_city(client, member, coordinator):
    from gnlc.cities.tests.factories import MemberFactory

    other = MemberFactory(name="Kisumu")
    client.force_login(coordinator)

    response = client.post("/library/practices/new/", form_data(other))

    assert response.status_code == 200
    assert Practice.objects.count() == 0


def test_edit_records_the_changed_fields(client, member, coordinator):
    practice = PracticeFactory(state=PracticeState.DRAFT, members=[member], title="Old")
    client.force_login(coordinator)

    client.post(practice.get_absolute_url() + "edit/", form_data(member, title="New"))

    practice.refresh_from_db()
    assert practice.title == "New"
    assert practice.revisions.get().fields == ["title", "summary", "body", "year_started"]


def test_draft_attachment_is_hidden_from_the_public(client, member, coordinator):
    practice = PracticeFactory(state=PracticeState.DRAFT, members=[member])
    client.force_login(coordinator)
    client.post(
        practice.get_absolute_url() + "edit/",
        form_data(member, attachment=SimpleUploadedFile("r.pdf", PDF)),
    )
    url = practice.attachments.get().get_absolute_url()

    own = client.get(url)
    client.logout()
    public = client.get(url)

    assert (own.status_code, own["Content-Type"], own.content) == (200, "application/pdf", PDF)
    assert public.status_code == 404


def test_move_page_returns_with_a_reason(client, member, secretariat):
    practice = PracticeFactory(state=PracticeState.SUBMITTED, members=[member])
    client.force_login(secretariat)
    url = reverse("library:practice-move", args=[practice.slug, "draft"])

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Add results."})

    assert refused.status_code == 200
    assert done.status_code == 302
    practice.refresh_from_db()
    assert (practice.state, practice.return_reason) == (PracticeState.DRAFT, "Add results.")


def test_move_to_an_unknown_state_is_a_404(client, member, secretariat):
    practice = PracticeFactory(state=PracticeState.SUBMITTED, members=[member])
    client.force_login(secretariat)

    response = client.get(reverse("library:practice-move", args=[practice.slug, "deleted"]))

    assert response.status_code == 404


# open data and feed -----------------------------------------------------------------------


def test_export_csv_has_published_practices_only(client, member):
    PracticeFactory(title="Published", members=[member], themes=["literacy"], sdgs=[4, 10])
    PracticeFactory(title="Draft", state=PracticeState.DRAFT, members=[member])

    response = client.get("/library/practices.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["title"], r["cities"], r["themes"], r["sdgs"]) for r in rows] == [
        ("Published", "Nakuru", "literacy", "4; 10")
    ]


def test_export_json_follows_the_filters_and_names_the_licence(client, member):
    PracticeFactory(title="Literacy", members=[member])
    PracticeFactory(title="Gardens", members=[member])

    response = client.get("/library/practices.json", {"q": "gardens"})

    body = json.loads(response.content)
    assert (body["licence"], body["count"]) == ("CC BY 4.0", 1)
    assert [p["title"] for p in body["practices"]] == ["Gardens"]
    assert "contact_email" not in body["practices"][0]


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("", "practices.csv"),
        ("theme=literacy&country=ke", "practices-literacy-ke.csv"),
        ("sdg=4&sdg=10&q=Reading+circles", "practices-sdg-4-10-search-reading-circles.csv"),
        ("year=2020", "practices-since-2020.csv"),
        (
            "country=KE&country=GH&country=VN&country=DK",
            "practices-4-countries.csv",
        ),
    ],
)
def test_export_is_named_after_its_filters(client, member, query, filename):
    response = client.get(f"/library/practices.csv?{query}")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_feed_lists_published_practices_newest_first(client, member):
    PracticeFactory(title="First", members=[member])
    PracticeFactory(title="Second", members=[member])
    PracticeFactory(title="Draft", state=PracticeState.DRAFT, members=[member])

    response = client.get("/library/feed.atom")

    feed = feedparser.parse(response.content)
    assert response["Content-Type"].startswith("application/atom+xml")
    assert [entry.title for entry in feed.entries] == ["Second", "First"]
    assert feed.entries[0].author == "Nakuru"


def test_member_page_lists_its_published_practices(client, member):
    PracticeFactory(title="Shown", members=[member])
    PracticeFactory(title="Hidden", state=PracticeState.DRAFT, members=[member])

    response = client.get(reverse("library:member", args=[member.slug]))

    assert "Shown" in response.text
    assert "Hidden" not in response.text


def test_documents_page_searches_and_filters(client):
    from gnlc.library.tests.factories import DocumentFactory

    DocumentFactory(title="Guidelines", kind="guidelines", year=2015)
    DocumentFactory(title="Handbook", year=2021)

    response = client.get("/library/documents/", {"year": "2015"})

    assert "1 publication" in response.text
    assert "Guidelines" in response.text
    assert "Handbook" not in response.text


# themed calls for practices ---------------------------------------------------------------


@pytest.fixture
def practices_call(db):
    from gnlc.admissions.tests.factories import CallFactory
    from gnlc.library.models import Theme

    return CallFactory(
        kind="practices",
        title="Literacy call",
        theme=Theme.objects.get(slug="literacy"),
        time_zone="Pacific/Auckland",
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 3, 31),
    )


def test_call_submit_page_submits_a_draft_to_an_open_call(
    client, member, coordinator, practices_call
):
    draft = PracticeFactory(title="Reading buddies", state=PracticeState.DRAFT, members=[member])
    client.force_login(coordinator)

    with time_machine.travel(dt.datetime(2025, 3, 15, 12, tzinfo=dt.UTC)):
        response = client.post(
            reverse("library:call-submit", args=[practices_call.pk]), {"practice": draft.pk}
        )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert (draft.state, draft.call) == (PracticeState.SUBMITTED, practices_call)


def test_call_submit_page_refuses_after_the_deadline_with_a_message(
    client, member, coordinator, practices_call
):
    draft = PracticeFactory(title="Reading buddies", state=PracticeState.DRAFT, members=[member])
    client.force_login(coordinator)

    # 31 March ended at 11:00 UTC in Auckland (UTC+13).
    with time_machine.travel(dt.datetime(2025, 3, 31, 11, 30, tzinfo=dt.UTC)):
        response = client.post(
            reverse("library:call-submit", args=[practices_call.pk]), {"practice": draft.pk}
        )

    draft.refresh_from_db()
    assert response.status_code == 400
    assert (
        "The call “Literacy call” closed at midnight at the end of 2025-03-31 "
        "(Pacific/Auckland): it no longer takes practices."
    ) in response.content.decode()
    assert (draft.state, draft.call) == (PracticeState.DRAFT, None)


def test_call_pages_of_a_call_of_another_kind_are_404(client, coordinator):
    from gnlc.admissions.tests.factories import CallFactory

    membership = CallFactory(kind="membership")
    client.force_login(coordinator)

    responses = [
        client.get(reverse(name, args=[membership.pk]))
        for name in ("library:call", "library:call-submit", "library:call-review")
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_call_review_publishes_one_and_returns_one(
    client, member, secretariat, practices_call, mailoutbox
):
    first = PracticeFactory(
        title="First", state=PracticeState.SUBMITTED, members=[member], call=practices_call
    )
    second = PracticeFactory(
        title="Second", state=PracticeState.SUBMITTED, members=[member], call=practices_call
    )
    client.force_login(secretariat)
    url = reverse("library:call-review", args=[practices_call.pk])

    published = client.post(url, {"practice": first.pk, "to": "published", "reason": ""})
    returned = client.post(
        url, {"practice": second.pk, "to": "draft", "reason": "Add the results."}
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (published.status_code, returned.status_code) == (302, 302)
    assert first.state == PracticeState.PUBLISHED
    assert (second.state, second.return_reason) == (PracticeState.DRAFT, "Add the results.")
    assert second.revisions.values_list("from_state", "to_state", "note").first() == (
        "submitted",
        "draft",
        "Add the results.",
    )


def test_call_review_refuses_a_return_without_a_reason(client, member, secretariat, practices_call):
    practice = PracticeFactory(
        title="First", state=PracticeState.SUBMITTED, members=[member], call=practices_call
    )
    client.force_login(secretariat)

    response = client.post(
        reverse("library:call-review", args=[practices_call.pk]),
        {"practice": practice.pk, "to": "draft", "reason": " "},
    )

    practice.refresh_from_db()
    assert response.status_code == 400
    assert "Say why, for the city&#x27;s coordinators." in response.content.decode()
    assert practice.state == PracticeState.SUBMITTED


def test_call_page_lists_only_published_practices(client, member, practices_call):
    PracticeFactory(title="Shown", members=[member], call=practices_call)
    for state in (PracticeState.SUBMITTED, PracticeState.DRAFT, PracticeState.ARCHIVED):
        PracticeFactory(title=f"Hidden {state}", state=state, members=[member], call=practices_call)
    PracticeFactory(title="Not an answer", members=[member])

    response = client.get(reverse("library:call", args=[practices_call.pk]))

    titles = [p.title for p in response.context["practices"]]
    assert titles == ["Shown"]
    assert "Literacy" in response.content.decode()  # the theme
    assert "31 March 2025, 23:59 (Pacific/Auckland)" in response.content.decode()


def test_index_filters_by_call(client, member, practices_call):
    PracticeFactory(title="Answer", members=[member], call=practices_call)
    PracticeFactory(title="Other", members=[member])

    response = client.get("/library/", {"call": practices_call.pk})

    assert [p.title for p in response.context["page"].object_list] == ["Answer"]
    assert response.context["chips"][0]["shown"] == "Literacy call"


def test_index_refuses_a_call_of_another_kind(client):
    from gnlc.admissions.tests.factories import CallFactory

    membership = CallFactory(kind="membership")

    response = client.get("/library/", {"call": membership.pk})

    assert response.status_code == 400


@pytest.mark.parametrize("count", [1, 3])
def test_call_page_query_count_does_not_grow_with_practices(
    client, django_assert_num_queries, member, practices_call, count
):
    for n in range(count):
        PracticeFactory(title=f"P {n}", members=[member], call=practices_call, themes=["literacy"])

    # The call with its theme, the page of practices and three prefetches.
    with django_assert_num_queries(5):
        response = client.get(reverse("library:call", args=[practices_call.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_call_review_query_count_does_not_grow_with_practices(
    client, django_assert_num_queries, member, secretariat, practices_call, count
):
    for n in range(count):
        PracticeFactory(
            title=f"S {n}", state=PracticeState.SUBMITTED, members=[member], call=practices_call
        )
        PracticeFactory(title=f"P {n}", members=[member], call=practices_call)
    client.force_login(secretariat)

    # The session, user and roles; the call; the submitted, published and returned
    # lists, each a page and three prefetches (the returned list is empty: one query).
    with django_assert_num_queries(13):
        response = client.get(reverse("library:call-review", args=[practices_call.pk]))

    assert response.status_code == 200


def test_new_practice_written_from_a_call_returns_to_its_submit_page(
    client, member, coordinator, practices_call
):
    client.force_login(coordinator)

    response = client.post(
        f"{reverse('library:practice-new')}?call={practices_call.pk}", form_data(member)
    )

    practice = Practice.objects.get(title="Reading circles")
    submit = reverse("library:call-submit", args=[practices_call.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{submit}?practice={practice.pk}"
    assert (practice.state, practice.call) == (PracticeState.DRAFT, None)


def test_admissions_apply_sends_a_call_for_practices_to_the_library(
    client, coordinator, practices_call
):
    client.force_login(coordinator)

    response = client.get(reverse("admissions:apply", args=[practices_call.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("library:call-submit", args=[practices_call.pk])


def test_editing_a_shared_practice_keeps_the_cities_the_editor_may_not_change(
    client, member, coordinator
):
    other = MemberFactory(name="Larissa")
    practice = PracticeFactory(state=PracticeState.DRAFT, members=[member, other])
    client.force_login(coordinator)
    page = client.get(practice.get_absolute_url() + "edit/")

    response = client.post(practice.get_absolute_url() + "edit/", form_data(member, title="New"))

    assert "Also shared with Larissa" in page.content.decode()
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "New"
    assert set(practice.members.all()) == {member, other}


def test_a_coordinator_may_untick_their_own_city_from_a_shared_practice(
    client, member, coordinator
):
    other = MemberFactory(name="Larissa")
    practice = PracticeFactory(state=PracticeState.DRAFT, members=[member, other])
    client.force_login(coordinator)

    response = client.post(practice.get_absolute_url() + "edit/", form_data(member, members=[]))

    assert response.status_code == 302
    assert list(practice.members.all()) == [other]


def test_what_people_wrote_keeps_its_own_direction_on_a_right_to_left_page(client, practices_call):
    """An English practice or call on the Arabic pages: its sentences end where they
    should (dir="auto"), not with their full stop at the start."""
    practices_call.description = "Members share how their city helps every adult read."
    practices_call.save()
    practice = PracticeFactory(summary="Weekly reading circles.", language="en")

    urls = [f"/ar{thing.get_absolute_url()}" for thing in (practice, practices_call)]
    page, call = (client.get(url).content.decode() for url in urls)

    assert '<p class="library-summary" lang="en" dir="auto">Weekly reading circles.</p>' in page
    assert '<div class="prose" lang="en" dir="auto">' in page
    assert '<div class="card" dir="auto"><p>Members share how' in call
