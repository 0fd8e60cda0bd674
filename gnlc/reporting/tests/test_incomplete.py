"""An incomplete report says which areas of focus keep it from being submitted and what
each lacks, with links to those fields in the report's form."""

import pytest
from django.urls import reverse
from django.utils import translation

from gnlc.reporting.enums import ReportState
from gnlc.reporting.models import TransitionError
from gnlc.reporting.tests.factories import PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db
# Each area's name is isolated (U+2068 ... U+2069), so it keeps its order in any script.
MESSAGE = (
    "The report is not complete. Still missing: \u20681. Empowerment\u2069: the "
    "self-assessment; \u20682. Prosperity\u2069: the narrative, the self-assessment."
)


@pytest.fixture
def report(member):
    """Area 1 has its narrative only; area 2 has nothing."""
    report = ReportFactory(member=member)
    report.narratives = {"1": "We opened twelve learning centres."}
    report.save()
    return report


def edit_url(report):
    return reverse("reporting:report-edit", args=[report.pk])


def test_incomplete_areas_say_what_each_lacks(report):
    incomplete = report.incomplete_areas()

    assert [
        (row["area"].code, [(item["field"], str(item["what"])) for item in row["missing"]])
        for row in incomplete
    ] == [
        ("1", [("rating_1", "the self-assessment")]),
        ("2", [("narrative_2", "the narrative"), ("rating_2", "the self-assessment")]),
    ]
    assert report.incomplete_message(incomplete) == MESSAGE


def test_an_over_long_narrative_is_named_too(member):
    report = ReportFactory(member=member, period=PeriodFactory(word_limit=3))
    report.narratives = {"1": "One two three four.", "2": "Fine."}
    report.ratings = {"1": 4, "2": 3}
    report.save()

    assert report.incomplete_message(report.incomplete_areas()) == (
        "The report is not complete. Still missing: \u20681. Empowerment\u2069: a narrative "
        "within the word limit."
    )


def test_a_complete_report_lacks_nothing(report):
    report.narratives["2"] = "Local firms train staff."
    report.ratings = {"1": 4, "2": 3}
    report.save()

    assert report.incomplete_areas() == []
    assert report.problems_for_submission() == {}


def test_transition_refuses_naming_the_areas(report, coordinator):
    with pytest.raises(TransitionError) as refused:
        report.transition(ReportState.SUBMITTED, by=coordinator)

    assert refused.value.message == MESSAGE


def test_the_message_is_in_the_users_language_with_the_areas_names(report):
    with translation.override("fr"):
        message = report.incomplete_message(report.incomplete_areas())

    assert message == (
        "Le rapport n'est pas complet. Il manque encore\u00a0: "
        "\u20681. Autonomie\u2069\u00a0: l'auto-évaluation\u00a0; "  # its French name
        "\u20682. Prosperity\u2069\u00a0: le récit, l'auto-évaluation."  # none: English
    )


def test_the_message_in_arabic_uses_arabic_punctuation(report):
    with translation.override("ar"):
        message = report.incomplete_message(report.incomplete_areas())

    assert message == (
        "التقرير غير مكتمل. لا يزال ينقصه: \u20681. Empowerment\u2069: التقييم الذاتي؛ "
        "\u20682. Prosperity\u2069: السرد، التقييم الذاتي."
    )


def test_submit_button_on_the_report_page_says_what_is_missing(client, coordinator, report):
    client.force_login(coordinator)

    response = client.post(
        reverse("reporting:report-transition", args=[report.pk]), {"to": "submitted"}, follow=True
    )

    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert [str(m) for m in response.context["messages"]] == [MESSAGE]


def test_report_page_links_each_missing_area_and_field_to_the_form(client, coordinator, report):
    client.force_login(coordinator)

    text = client.get(report.get_absolute_url()).text

    url = edit_url(report)
    assert "Still missing before it can be submitted" in text
    assert f'<a href="{url}#area-1"><bdi>1. Empowerment</bdi></a>' in text
    assert f'<a href="{url}#id_rating_1">the self-assessment</a>' in text
    assert f'<a href="{url}#id_narrative_2">the narrative</a>' in text
    assert f'<a href="{url}#id_rating_2">the self-assessment</a>' in text
    assert f"{url}#id_narrative_1" not in text


def test_readers_who_cannot_edit_see_no_list(client, secretariat, report):
    client.force_login(secretariat)

    response = client.get(report.get_absolute_url())

    assert response.context["incomplete"] is None
    assert "Still missing before it can be submitted" not in response.text


def test_save_and_submit_lists_the_areas_with_links_to_their_fields(client, coordinator, report):
    client.force_login(coordinator)

    response = client.post(
        edit_url(report), {"narrative_1": "Some text", "rating_1": "4", "action": "submit"}
    )

    text = response.text
    assert response.status_code == 400
    assert "<h2>The report is not complete</h2>" in text
    assert '<a href="#area-2"><bdi>2. Prosperity</bdi></a>' in text
    assert '<a href="#id_narrative_2">the narrative</a>' in text
    assert '<a href="#id_rating_2">the self-assessment</a>' in text
    assert "#area-1" not in text
    # The links lead somewhere: the area's card and the fields carry those ids.
    assert 'id="area-2"' in text
    assert 'id="id_narrative_2"' in text
    assert 'id="id_rating_2"' in text
    # Each error is said once, beside its field; the summary only points at them.
    assert text.count("Write this narrative to submit.") == 1
    assert "Please correct the errors below." not in text
