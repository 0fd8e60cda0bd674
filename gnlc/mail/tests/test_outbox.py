from types import SimpleNamespace

from django.core import mail
from django.utils import translation

from gnlc.mail.outbox import language_of, queue_mail, render_mail
from gnlc.news.tests.conftest import compile_catalogues


def practice(title="Reading circles"):
    return SimpleNamespace(title=title)


def test_queue_mail_writes_in_the_recipients_language_whatever_the_page():
    compile_catalogues()
    person = SimpleNamespace(email="ana@example.org", language="fr")

    with translation.override("en"):
        queue_mail(person, "library/mail/published", {"practice": practice()})

    [message] = mail.outbox
    assert (message.subject, message.to) == (
        "Publiée dans la bibliothèque\xa0: Reading circles",
        ["ana@example.org"],
    )


def test_queue_mail_to_addresses_uses_the_language_given():
    compile_catalogues()

    queue_mail(
        ["a@example.org", "b@example.org"],
        "library/mail/published",
        {"practice": practice()},
        language="en",
    )

    [message] = mail.outbox
    assert (message.subject, message.to) == (
        "Published in the library: Reading circles",
        ["a@example.org", "b@example.org"],
    )


def test_plain_text_is_not_html_escaped():
    rendered = render_mail(
        "library/mail/returned", {"practice": practice("A & B"), "reason": "<b>why</b>"}, "en"
    )

    assert rendered.subject == "Returned for changes: A & B"
    assert rendered.body == "The secretariat returned your practice “A & B”:\n\n<b>why</b>\n"


def test_a_language_without_its_own_text_falls_back_to_english():
    application = SimpleNamespace(city_name="Nakuru", country=None, is_award=False)
    context = {"application": application, "call": SimpleNamespace(title="2026"), "reason": ""}

    rendered = render_mail("admissions/mail/{language}/submitted", context, "de")

    assert rendered.language == "en"
    assert "Nakuru" in rendered.subject


def test_no_template_no_message():
    assert queue_mail("a@example.org", "library/mail/nothing-of-the-kind") is None
    assert mail.outbox == []


def test_language_of_prefers_the_recipients_known_language():
    with translation.override("es"):
        assert language_of(SimpleNamespace(language="ar")) == "ar"
        assert language_of(SimpleNamespace(language="xx"), "fr") == "fr"
        assert language_of(None) == "es"
