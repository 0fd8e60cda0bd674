import csv
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gnlc.accounts.models import User
from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions.enums import CHALLENGES
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Application, Conflict, Review
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, make_juror, make_natcom
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


def test_register_then_verify_activates_the_account(client):
    response = client.post(
        reverse("admissions:register"),
        {
            "full_name": "Ada Coordinator",
            "email": "Ada@City.example",
            "language": "fr",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
        },
    )
    user = User.objects.get(email="ada@city.example")
    link = re.search(r"http://testserver(/admissions/verify/\S+/)", mail.outbox[0].body).group(1)

    shown = client.get(link)
    client.post(link)
    user.refresh_from_db()

    assert response.status_code == 200
    assert (shown.status_code, user.is_active, user.language) == (200, True, "fr")


def test_register_an_existing_address_sends_nothing(client):
    UserFactory(email="taken@example.org")

    response = client.post(
        reverse("admissions:register"),
        {
            "full_name": "Someone",
            "email": "taken@example.org",
            "language": "en",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
        },
    )

    assert response.status_code == 200
    assert mail.outbox == []


def test_verify_with_a_forged_token_is_refused(client):
    response = client.get(reverse("admissions:verify", args=["forged:token"]))

    assert response.status_code == 400


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

    with django_assert_num_queries(6):
        response = client.get(reverse("admissions:natcom"))

    assert response.content.decode().count('data-move="nominated"') == n
