"""The secretariat's mail queue page: what waits, what failed, and sending it again."""

import re

import pytest

from conftest import make_persona
from gnlc.cities.tests.factories import MemberFactory
from gnlc.core.tests.browser import console_errors, log_in, shoot
from gnlc.mail.enums import MailStatus
from gnlc.mail.models import QueuedMail


def make_mail(subject, status=MailStatus.QUEUED, **fields):
    return QueuedMail.objects.create(
        subject=subject,
        from_email="gnlc@localhost",
        recipients=[f"{subject.split()[0].lower()}@example.org"],
        message=b"Subject: secret one-time link",
        status=status,
        **fields,
    )


@pytest.fixture
def mails(db):
    return {
        "waiting": make_mail("Welcome to the network", attempts=2, last_error="SMTPDataError: 451"),
        "failed": make_mail(
            "Reset your password", MailStatus.FAILED, attempts=12, last_error="Connection refused"
        ),
        "sent": make_mail("Your application", MailStatus.SENT, attempts=1),
    }


@pytest.mark.parametrize(
    ("show", "subjects"),
    [
        ("", ["Welcome to the network"]),
        ("waiting", ["Welcome to the network"]),
        ("failed", ["Reset your password"]),
        ("sent", ["Your application"]),
    ],
)
def test_queue_lists_the_messages_of_each_state(client, secretariat, mails, show, subjects):
    client.force_login(secretariat)

    response = client.get("/mail/", {"show": show} if show else {})

    shown = [mail.subject for mail in response.context["page"]]
    assert shown == subjects
    assert b"secret one-time link" not in response.content
    assert response.context["counts"] == {"waiting": 1, "failed": 1}


def test_queue_lists_in_a_fixed_number_of_queries(
    client, secretariat, mails, django_assert_num_queries
):
    client.force_login(secretariat)
    client.get("/mail/")
    for n in range(2):
        make_mail(f"Another {n}")

    with django_assert_num_queries(7):
        response = client.get("/mail/")

    assert len(response.context["page"]) == 3


def test_send_again_queues_a_failed_message(client, secretariat, mails):
    client.force_login(secretariat)

    response = client.post(f"/mail/{mails['failed'].pk}/send-again/")

    assert response.status_code == 302
    mails["failed"].refresh_from_db()
    assert (mails["failed"].status, mails["failed"].attempts) == (MailStatus.QUEUED, 0)


def test_send_again_of_a_message_not_failed_is_not_found(client, secretariat, mails):
    client.force_login(secretariat)

    response = client.post(f"/mail/{mails['sent'].pk}/send-again/")

    assert response.status_code == 404


def test_send_again_refused_to_others(client, coordinator, mails):
    client.force_login(coordinator)

    response = client.post(f"/mail/{mails['failed'].pk}/send-again/")

    assert response.status_code == 403
    assert QueuedMail.objects.get(pk=mails["failed"].pk).status == MailStatus.FAILED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_secretariat_sees_failed_mail_and_sends_it_again(page, reference_data, language):
    secretariat = make_persona("secretariat", MemberFactory(name="Nakuru"))
    secretariat.language = language
    secretariat.save()
    make_mail("Welcome to the network", attempts=2, last_error="SMTPDataError: 451 Try later")
    make_mail("Reset your password", MailStatus.FAILED, attempts=12, last_error="Refused")
    errors = console_errors(page)
    prefix = "" if language == "en" else f"/{language}"

    log_in(page, secretariat.email, next_url=f"{prefix}/accounts/")
    page.click(f"a[href='{prefix}/mail/']")
    page.wait_for_url(f"**{prefix}/mail/")
    assert "Welcome to the network" in page.inner_text("main table")
    shoot(page, "mail-queue", f"waiting-{language}")
    page.click("a[href='?show=failed']")
    assert "Reset your password" in page.inner_text("main table")
    shoot(page, "mail-queue", f"failed-{language}")
    page.click("main table button[type=submit]")
    page.wait_for_url(re.compile(r".*/mail/$"))

    assert page.locator(".messages, [role=status]").count() >= 1
    assert QueuedMail.objects.waiting().count() == 2
    shoot(page, "mail-queue", f"sent-again-{language}")
    assert errors == []
