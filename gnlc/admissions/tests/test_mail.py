"""The admission e-mails: one per state in each of the four languages of communication
(the account e-mails, verification and password reset, are tested in accounts)."""

import datetime as dt

import pytest

from gnlc.admissions import mail
from gnlc.admissions.enums import Language
from gnlc.admissions.tests.factories import ApplicationFactory, AwardCallFactory, CallFactory
from gnlc.news.tests.conftest import compile_catalogues

pytestmark = pytest.mark.django_db


STATES_WITH_MAIL = ["submitted", "nominated", "declined", "withdrawn", "admitted", "rejected"]


@pytest.mark.parametrize("language", [value for value, _label in Language.choices])
@pytest.mark.parametrize("award", [False, True], ids=["membership", "award"])
def test_every_language_of_communication_has_its_own_mail_for_every_state(language, award):
    call = AwardCallFactory() if award else CallFactory()
    application = ApplicationFactory.build(call=call, language=language, city_name="Eldoret")

    rendered = [mail.render(application, state) for state in [*STATES_WITH_MAIL, "waitlisted"]]

    assert [written for written, _subject, _body in rendered] == [language] * 7
    assert all("Eldoret" in subject for _language, subject, _body in rendered)


def test_mail_in_arabic_writes_the_country_and_date_in_arabic():
    compile_catalogues()
    call = CallFactory(announcement_date=dt.date(2027, 1, 13))
    application = ApplicationFactory.build(call=call, language="ar", city_name="Eldoret")

    language, subject, body = mail.render(application, "admitted")

    assert (language, subject) == ("ar", "مرحبًا بكم في الشبكة: Eldoret")
    assert "13 يناير 2027" in body
    assert "كينيا" in body


def test_mail_falls_back_to_english_where_a_language_has_no_template():
    application = ApplicationFactory.build(call=CallFactory(), language="de", city_name="Kiel")

    language, subject, _body = mail.render(application, "withdrawn")

    assert (language, subject) == ("en", f"Application withdrawn: Kiel — {application.call.title}")


def test_submitted_mail_without_national_nomination_names_the_secretariat():
    call = CallFactory(needs_national_nomination=False, nomination_deadline=dt.date.today())
    application = ApplicationFactory.build(call=call, language="en")

    _language, _subject, body = mail.render(application, "submitted")

    assert "The secretariat will consider it by" in body
    assert "National Commission" not in body
