import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions.enums import CHALLENGES
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Application, Conflict, Review
from gnlc.admissions.tests.factories import (
    ApplicationFactory,
    CallFactory,
    make_juror,
    make_natcom,
    reviewed,
)
from gnlc.admissions.tests.storage import PDF

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "city_name": "Eldoret",
        "country": "KE",
        "website": "https://eldoret.example",
        "mayor_name": "A. Mayor",
        "mayor_title": "Mayor",
        "contact_name": "C. Person",
        "contact_email": "c@eldoret.example",
        "language": "en",
        "population": "475716",
        "area_km2": "147.9",
        "data_year": "2024",
        "motivation": "word " * 200,
        "implementation_plan": "Plan.",
        "good_practices": "Practices.",
        "interests": "Interests.",
        **{f"challenge_{key}": "3" for key in CHALLENGES},
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(client):
    user = UserFactory(email="applicant@example.org")
    client.force_login(user)
    return user


def letter(content=PDF, name="letter.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_apply_submit_creates_a_submitted_application(client, applicant):
    call = CallFactory()

    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {**form_data(), "letter": letter(), "action": "submit"},
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert (application.state, application.created_by) == (S.SUBMITTED, applicant)
    assert application.commitment_letter.endswith(".pdf")
    assert application.challenges == dict.fromkeys(CHALLENGES, 3)


def test_apply_draft_needs_only_the_city(client, applicant):
    call = CallFactory()

    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {"city_name": "Eldoret", "country": "KE", "language": "en", "action": "save"},
    )

    assert response.status_code == 302
    assert Application.objects.get().state == S.DRAFT


def test_apply_201_word_motivation_is_refused_and_keeps_the_text(client, applicant):
    call = CallFactory()
    long_text = "word " * 201

    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {**form_data(motivation=long_text), "letter": letter(), "action": "submit"},
    )

    assert response.status_code == 400
    assert "201 words: at most 200." in response.content.decode()
    assert long_text.strip() in response.content.decode()
    assert Application.objects.count() == 0


def test_apply_keeps_the_letter_while_another_field_is_corrected(client, applicant):
    call = CallFactory()
    url = reverse("admissions:apply", args=[call.pk])

    refused = client.post(
        url,
        {
            **form_data(motivation="word " * 201),
            "letter": letter(name="Mayor.pdf"),
            "action": "submit",
        },
    )
    page = refused.content.decode()
    token = re.search(r'name="letter__held" value="([^"]+)"', page).group(1)
    accepted = client.post(url, {**form_data(), "letter__held": token, "action": "submit"})

    assert refused.status_code == 400
    assert "Kept from your last try: Mayor.pdf" in page
    assert accepted.status_code == 302
    application = Application.objects.get()
    with application.open_letter() as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (letter(b"<html><script>alert(1)</script></html>", "letter.pdf"), "not a PDF file"),
        (letter(PDF[:-7] + b"x" * (10 * 1024 * 1024) + b"\n%%EOF\n"), "the limit is 10 MB"),
    ],
    ids=["fake-pdf", "oversized"],
)
def test_apply_bad_letter_is_refused_and_changes_nothing(client, applicant, upload, message):
    call = CallFactory()

    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {**form_data(), "letter": upload, "action": "submit"},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Application.objects.count() == 0


def test_apply_late_submission_is_refused_and_saves_nothing(client, applicant):
    import datetime as dt

    day = dt.date(2020, 1, 1)
    call = CallFactory(
        opens_on=day,
        closes_on=day,
        nomination_deadline=day,
        review_opens_on=day,
        review_closes_on=day,
        announcement_date=day,
    )

    page = client.get(reverse("admissions:apply", args=[call.pk]))
    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {**form_data(), "letter": letter(), "action": "submit"},
    )

    closed = "The call closed at the end of 1 January 2020 (23:59, UTC)"
    assert (page.status_code, response.status_code) == (200, 403)
    assert closed in page.content.decode()
    assert 'name="city_name"' not in page.content.decode()
    assert closed in response.content.decode()
    assert Application.objects.count() == 0


def test_apply_refuses_a_city_with_an_open_application(client, applicant):
    call = CallFactory()
    ApplicationFactory(call=call, city_name="Eldoret")

    response = client.post(
        reverse("admissions:apply", args=[call.pk]), {**form_data(), "action": "save"}
    )

    assert response.status_code == 400
    assert "Eldoret already has an open application in this call." in response.content.decode()


def test_letter_is_served_only_to_those_allowed(client):
    application = ApplicationFactory(state=S.SUBMITTED)
    client.force_login(application.created_by)
    url = reverse("admissions:application-letter", args=[application.pk])

    response = client.get(url)
    client.force_login(UserFactory())
    hidden = client.get(url)

    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        PDF,
        "application/pdf",
    )
    assert hidden.status_code == 404


def test_natcom_nominates_through_the_page(client):
    application = ApplicationFactory(state=S.SUBMITTED)
    client.force_login(make_natcom("KE"))

    response = client.post(
        reverse("admissions:application-transition", args=[application.pk]), {"to": "nominated"}
    )

    assert response.status_code == 302
    assert Application.objects.get().state == S.NOMINATED


def test_review_outside_its_phase_is_refused_through_the_page(client):
    import datetime as dt

    day = dt.date(2020, 1, 1)
    call = CallFactory(
        opens_on=day,
        closes_on=day,
        nomination_deadline=day,
        review_opens_on=day,
        review_closes_on=day,
        announcement_date=day,
    )
    juror = make_juror()
    application = ApplicationFactory(call=call, state=S.NOMINATED)
    Review.objects.create(application=application, juror=juror)
    c1, c2 = call.criteria.all()
    client.force_login(juror)

    response = client.post(
        reverse("admissions:review", args=[application.pk]),
        {
            f"score_{c1.pk}": "4",
            f"score_{c2.pk}": "3",
            "recommendation": "admit",
            "comment": "Good",
            "version": "0",
        },
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "Reviews are closed: your review can no longer be changed." in page
    assert "Reviews closed at the end of 1 January 2020 (23:59, UTC)" in page
    assert 'name="recommendation"' not in page
    assert Review.objects.get().submitted_at is None


def test_review_stale_version_keeps_the_users_input(client):
    juror = make_juror()
    application = ApplicationFactory(state=S.NOMINATED)
    Review.objects.create(application=application, juror=juror, version=3)
    c1, c2 = application.call.criteria.all()
    client.force_login(juror)

    response = client.post(
        reverse("admissions:review", args=[application.pk]),
        {
            f"score_{c1.pk}": "4",
            f"score_{c2.pk}": "3",
            "recommendation": "admit",
            "comment": "My careful words",
            "version": "2",
        },
    )

    assert response.status_code == 409
    assert "saved elsewhere" in response.content.decode()
    assert "My careful words" in response.content.decode()
    assert Review.objects.get().version == 3


def test_reviews_csv_never_lists_for_jurors_and_has_all_reviews(client, secretariat):
    application = ApplicationFactory(state=S.NOMINATED, city_name="Eldoret")
    juror, conflicted = make_juror(email="j@example.org"), make_juror()
    c1, c2 = application.call.criteria.all()
    Review.objects.create(
        application=application,
        juror=juror,
        scores={str(c1.pk): 5, str(c2.pk): 2},
        recommendation="admit",
        comment="Fine",
    )
    Conflict.objects.create(application=application, juror=conflicted, kind="personal")
    url = reverse("admissions:reviews-csv", args=[application.call.pk])

    client.force_login(conflicted)
    refused = client.get(url)
    client.force_login(secretariat)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))

    assert refused.status_code == 403
    assert rows[1][:5] == [str(application.pk), "Eldoret", "KE", "j@example.org", "5"]
    assert rows[1][6:8] == ["4.000", "admit"]


def test_conflicted_juror_gets_404_on_application_review_and_letter(client):
    application = ApplicationFactory(state=S.NOMINATED)
    conflicted = make_juror(country="KE")  # same country: automatic
    Review.objects.create(application=application, juror=conflicted)
    client.force_login(conflicted)

    statuses = [
        client.get(reverse(name, args=[application.pk])).status_code
        for name in ("admissions:application", "admissions:review", "admissions:application-letter")
    ]
    jury_page = client.get(reverse("admissions:jury")).content.decode()

    assert statuses == [404, 404, 404]
    assert application.city_name not in jury_page


def test_outbox_sends_only_after_review(client, secretariat, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application.transition(S.SUBMITTED, by=application.created_by)
    assert mail.outbox == []
    client.force_login(secretariat)

    message = application.messages.get()

    nothing = client.post(reverse("admissions:outbox"), {"action": "send"}, follow=True)
    confirm = client.post(reverse("admissions:outbox"), {"action": "send", "message": [message.pk]})
    assert mail.outbox == []
    client.post(
        reverse("admissions:outbox"),
        {"action": "send", "message": [message.pk], "confirm": "yes"},
    )

    assert "Check the messages first: none was chosen." in nothing.content.decode()
    assert "Send 1 message?" in confirm.content.decode()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == "sent"


@pytest.mark.parametrize("n", [1, 3])
def test_jury_page_queries_do_not_grow(client, django_assert_num_queries, n):
    juror = make_juror()
    for application in ApplicationFactory.create_batch(n, state=S.NOMINATED):
        Review.objects.create(application=application, juror=juror)
    client.force_login(juror)

    with django_assert_num_queries(7):
        response = client.get(reverse("admissions:jury"))

    assert response.content.decode().count('class="member-list__item"') == n


@pytest.mark.parametrize("n", [1, 3])
def test_natcom_page_queries_do_not_grow(client, django_assert_num_queries, n):
    natcom = make_natcom("KE")
    ApplicationFactory.create_batch(n, state=S.SUBMITTED)
    client.force_login(natcom)

    # 8: the header's secretariat links, refused to a National Commission, also ask
    # Django's model permissions (two queries, once a request).
    with django_assert_num_queries(8):
        response = client.get(reverse("admissions:natcom"))

    assert response.content.decode().count('data-move="nominated"') == n


# The application form --------------------------------------------------------------------


def test_apply_without_a_country_says_so_once(client, applicant):
    call = CallFactory()

    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {**form_data(country=""), "letter": letter(), "action": "submit"},
    )

    page = response.content.decode()
    country = page.split('for="id_country"')[1].split("</div>")[0]
    assert response.status_code == 400
    assert country.count("<li>") == 1
    assert "This field is required." in country


def test_apply_offers_the_platforms_four_languages(client, applicant):
    call = CallFactory()

    page = client.get(reverse("admissions:apply", args=[call.pk])).content.decode()
    select = page.split('name="language"')[1].split("</select>")[0]

    assert [value for value in ("en", "fr", "es", "ar") if f'value="{value}"' in select] == [
        "en",
        "fr",
        "es",
        "ar",
    ]


def test_apply_lists_the_users_applications_in_the_call(client, applicant):
    call = CallFactory()
    mine = ApplicationFactory(call=call, created_by=applicant, city_name="Eldoret")

    page = client.get(reverse("admissions:apply", args=[call.pk])).content.decode()

    assert f'<a href="/admissions/applications/{mine.pk}/">Eldoret</a> — Draft' in page


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (S.DRAFT, "submit it by 1 April 2026 (23:59, UTC)"),
        (S.SUBMITTED, "The National Commission for UNESCO of Kenya decides by 16 April 2026"),
        (S.NOMINATED, "reviews it from 21 April 2026 to 11 May 2026; the results are announced"),
        (S.ADMITTED, "The new members are announced on 31 May 2026"),
        (S.WAITLISTED, "On the waiting list"),
    ],
)
def test_application_next_steps_say_what_happens_with_the_calls_dates(client, state, text):
    day = dt.date(2026, 3, 2)
    call = CallFactory(
        opens_on=day,
        closes_on=day + dt.timedelta(days=30),
        nomination_deadline=day + dt.timedelta(days=45),
        review_opens_on=day + dt.timedelta(days=50),
        review_closes_on=day + dt.timedelta(days=70),
        announcement_date=day + dt.timedelta(days=90),
    )
    application = ApplicationFactory(call=call, state=state)
    client.force_login(application.created_by)

    page = client.get(reverse("admissions:application", args=[application.pk])).content.decode()

    assert text in page


# The National Commission's quota ---------------------------------------------------------


def test_natcom_page_counts_the_quota_and_disables_nominate_when_full(client):
    call = CallFactory(quota_per_country=3)
    ApplicationFactory.create_batch(2, call=call, state=S.NOMINATED)
    waiting = ApplicationFactory(call=call, state=S.SUBMITTED)
    client.force_login(make_natcom("KE"))

    before = client.get(reverse("admissions:natcom")).content.decode()
    ApplicationFactory(call=call, state=S.NOMINATED)
    full = client.get(reverse("admissions:natcom")).content.decode()
    refused = client.post(
        reverse("admissions:application-transition", args=[waiting.pk]), {"to": "nominated"}
    )

    assert "<strong>Kenya</strong>: 2 of 3 nominations used" in before
    assert 'data-move="nominated">' in before
    assert "<strong>Kenya</strong>: 3 of 3 nominations used" in full
    assert 'data-move="nominated" disabled' in full
    assert "The quota is full: Kenya has already nominated 3 application(s) out of 3." in full
    assert refused.status_code == 302
    assert Application.objects.get(pk=waiting.pk).state == S.SUBMITTED


def test_natcom_page_disables_nominate_after_the_deadline(client):
    day = dt.date(2020, 1, 1)
    call = CallFactory(
        opens_on=day,
        closes_on=day,
        nomination_deadline=day,
        review_opens_on=day,
        review_closes_on=day,
        announcement_date=day,
    )
    ApplicationFactory(call=call, state=S.SUBMITTED)
    client.force_login(make_natcom("KE"))

    page = client.get(reverse("admissions:natcom")).content.decode()

    assert 'data-move="nominated" disabled' in page
    assert "The nomination deadline (1 January 2020, UTC) has passed." in page


# The review page -------------------------------------------------------------------------


def test_review_page_shows_the_application_beside_the_form(client):
    juror = make_juror()
    application = ApplicationFactory(
        state=S.NOMINATED, city_name="Eldoret", motivation="We learn in every ward."
    )
    Review.objects.create(application=application, juror=juror)
    client.force_login(juror)

    page = client.get(reverse("admissions:review", args=[application.pk])).content.decode()

    assert "We learn in every ward." in page
    assert "Eldoret" in page
    assert 'name="recommendation"' in page


def test_review_page_hides_the_identity_where_the_call_does(client):
    juror = make_juror()
    call = CallFactory(hide_applicant_identity=True)
    application = ApplicationFactory(
        call=call, state=S.NOMINATED, city_name="Eldoret", contact_email="mayor@eldoret.example"
    )
    Review.objects.create(application=application, juror=juror)
    client.force_login(juror)

    page = client.get(reverse("admissions:review", args=[application.pk])).content.decode()

    assert f"Application {application.pk}" in page
    assert "Eldoret" not in page
    assert "mayor@eldoret.example" not in page
    assert "/letter/" not in page


def test_review_recommendation_has_no_default(client):
    juror = make_juror()
    application = ApplicationFactory(state=S.NOMINATED)
    Review.objects.create(application=application, juror=juror)
    c1, c2 = application.call.criteria.all()
    client.force_login(juror)
    url = reverse("admissions:review", args=[application.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url, {f"score_{c1.pk}": "4", f"score_{c2.pk}": "3", "comment": "", "version": "0"}
    )

    select = page.split('name="recommendation"')[1].split("</select>")[0]
    assert '<option value="" selected>Choose…</option>' in select
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Review.objects.get().submitted_at is None


def test_review_closed_shows_the_saved_review_read_only(client):
    day = dt.date(2020, 1, 1)
    call = CallFactory(
        opens_on=day,
        closes_on=day,
        nomination_deadline=day,
        review_opens_on=day,
        review_closes_on=day,
        announcement_date=day,
    )
    juror = make_juror()
    application = ApplicationFactory(call=call, state=S.NOMINATED)
    c1, c2 = call.criteria.all()
    Review.objects.create(
        application=application,
        juror=juror,
        scores={str(c1.pk): 5, str(c2.pk): 2},
        recommendation="admit",
        comment="Strong plan.",
        submitted_at=timezone.now(),
        version=1,
    )
    client.force_login(juror)

    page = client.get(reverse("admissions:review", args=[application.pk])).content.decode()

    assert "your review can no longer be changed" in page
    assert "<dt>Commitment</dt><dd>5</dd>" in page
    assert "<dt>Recommendation</dt><dd>Admit</dd>" in page
    assert "<form" not in page.split("Your scores")[1].split("conflict of interest")[0]


# Decisions -------------------------------------------------------------------------------


def test_decisions_apply_page_says_what_happens_then_applies(client, secretariat):
    call = CallFactory()
    admit = reviewed(
        ApplicationFactory(call=call, state=S.NOMINATED, decision="admit", city_name="Eldoret")
    )
    ApplicationFactory(call=call, state=S.NOMINATED, decision="decline", city_name="Kisii")
    client.force_login(secretariat)
    url = reverse("admissions:decisions-apply", args=[call.pk])

    page = client.get(url).content.decode()
    untouched = Application.objects.get(pk=admit.pk).state
    response = client.post(url)

    assert "<h2>Admit (1)</h2>" in page
    assert "<h2>Decline (1)</h2>" in page
    assert "nothing is sent until you send it from there" in page
    assert untouched == S.NOMINATED
    assert response.status_code == 302
    assert Application.objects.get(pk=admit.pk).state == S.ADMITTED


def test_decisions_apply_refuses_admitting_without_the_required_reviews(client, secretariat):
    call = CallFactory(reviews_required=2)
    application = reviewed(
        ApplicationFactory(call=call, state=S.NOMINATED, decision="admit", city_name="Eldoret"),
        n=1,
    )
    client.force_login(secretariat)

    response = client.post(reverse("admissions:decisions-apply", args=[call.pk]))

    assert response.status_code == 403
    assert (
        "A city is admitted only once the jury has reviewed it (2 reviews per application): "
        "Eldoret (1 of 2)."
    ) in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == S.NOMINATED


def test_admit_one_by_one_without_reviews_is_refused_and_the_button_says_why(client, secretariat):
    application = ApplicationFactory(state=S.NOMINATED, city_name="Eldoret")
    client.force_login(secretariat)

    page = client.get(reverse("admissions:application", args=[application.pk])).content.decode()
    client.post(
        reverse("admissions:application-transition", args=[application.pk]), {"to": "admitted"}
    )

    assert 'data-move="admitted" disabled' in page
    assert "Eldoret has 0 of the 2 reviews the call requires" in page
    assert Application.objects.get().state == S.NOMINATED


def test_decisions_page_post_without_save_changes_no_decision(client, secretariat):
    call = CallFactory()
    ApplicationFactory(call=call, state=S.NOMINATED, decision="admit")
    client.force_login(secretariat)

    client.post(reverse("admissions:decisions", args=[call.pk]), {"action": "apply"})

    assert Application.objects.get().decision == "admit"


# The outbox ------------------------------------------------------------------------------


def test_outbox_checks_nothing_by_default_and_all_on_request(
    client, secretariat, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application.transition(S.SUBMITTED, by=application.created_by)
    client.force_login(secretariat)

    default = client.get(reverse("admissions:outbox")).content.decode()
    everything = client.get(reverse("admissions:outbox") + "?check=all").content.decode()

    assert 'name="message"' in default
    assert default.count(" checked>") == 0
    assert everything.count(" checked>") == 1
