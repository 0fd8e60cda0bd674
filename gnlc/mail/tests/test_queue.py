"""The mail queue against a real SMTP server: nothing lost, nothing sent twice."""

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gnlc.accounts.tests.factories import UserFactory
from gnlc.mail.enums import MailStatus
from gnlc.mail.models import MAX_ATTEMPTS, QueuedMail, retry_delay, send_due
from gnlc.mail.tests.smtp import SMTPServer

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    with override_settings(
        EMAIL_BACKEND="gnlc.mail.backends.QueueBackend",
        GNLC_EMAIL_TRANSPORT="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
        GNLC_SEND_MAIL_AFTER_REQUEST=False,
    ):
        yield server
    server.stop()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def queue(*subjects):
    for subject in subjects:
        mail.send_mail(subject, f"Body of {subject}", None, [f"{subject.lower()}@example.org"])


def statuses():
    return list(QueuedMail.objects.order_by("pk").values_list("subject", "status", "attempts"))


@pytest.mark.django_db
def test_mail_the_platform_sends_is_queued_not_sent(smtp, clock):
    queue("One")

    assert smtp.received == []
    [queued] = QueuedMail.objects.all()
    assert (queued.subject, queued.recipients, queued.status) == (
        "One",
        ["one@example.org"],
        MailStatus.QUEUED,
    )
    assert b"Body of One" in bytes(queued.message)


@pytest.mark.django_db
def test_send_mail_delivers_each_message_once_and_erases_its_content(smtp, clock, capsys):
    queue("One", "Two", "Three")

    call_command("send_mail")
    call_command("send_mail")

    assert smtp.received == ["One", "Two", "Three"]
    assert statuses() == [("One", "sent", 1), ("Two", "sent", 1), ("Three", "sent", 1)]
    assert set(QueuedMail.objects.values_list("message", flat=True)) == {b""}
    assert capsys.readouterr().out.splitlines() == [
        "3 sent, 0 failed this time; 0 waiting, 0 given up.",
        "0 sent, 0 failed this time; 0 waiting, 0 given up.",
    ]


@pytest.mark.django_db
def test_a_refused_message_waits_with_its_error_and_is_retried_after_a_back_off(smtp, clock):
    queue("One", "Two")
    smtp.handler.refuse = 1

    first = send_due()
    again_at_once = send_due()
    clock.shift(retry_delay(1) - dt.timedelta(seconds=1))
    too_early = send_due()
    clock.shift(dt.timedelta(seconds=1))
    in_time = send_due()

    assert (first.sent, first.failed, first.interrupted) == (1, 1, False)
    assert (again_at_once.sent, too_early.sent, in_time.sent) == (0, 0, 1)
    assert smtp.received == ["Two", "One"]
    one = QueuedMail.objects.get(subject="One")
    assert (one.status, one.attempts) == (MailStatus.SENT, 2)
    assert "451" in one.last_error


@pytest.mark.django_db
def test_waits_double_after_each_failure_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 9, 10, 11)] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(minutes=256),
        dt.timedelta(hours=6),
        dt.timedelta(hours=6),
    ]


@pytest.mark.django_db
def test_server_going_away_mid_batch_loses_nothing_and_sends_nothing_twice(smtp, clock):
    queue("One", "Two", "Three", "Four", "Five")
    smtp.handler.vanish_after = 2

    broken = send_due()
    smtp.handler.vanish_after = None
    clock.shift(retry_delay(1))
    mended = send_due()

    assert (broken.sent, broken.failed, broken.interrupted) == (2, 1, True)
    assert (mended.sent, mended.failed, mended.interrupted) == (3, 0, False)
    # Each once; the one tried again after those that waited untouched.
    assert smtp.received == ["One", "Two", "Four", "Five", "Three"]
    assert statuses() == [
        ("One", "sent", 1),
        ("Two", "sent", 1),
        ("Three", "sent", 2),  # the one in flight when the server went: tried again
        ("Four", "sent", 1),  # the rest waited untouched
        ("Five", "sent", 1),
    ]


@pytest.mark.django_db
def test_server_down_keeps_every_message_queued_with_the_error(smtp, clock):
    queue("One", "Two")
    smtp.stop()

    outcome = send_due()

    assert (outcome.sent, outcome.failed, outcome.interrupted) == (0, 1, True)
    assert statuses() == [("One", "queued", 1), ("Two", "queued", 0)]
    one = QueuedMail.objects.get(subject="One")
    assert "Connection refused" in one.last_error
    assert one.next_attempt_at == NOW + dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_message_failing_too_often_is_given_up_and_can_be_sent_again(smtp, clock):
    queue("One")
    QueuedMail.objects.update(attempts=MAX_ATTEMPTS - 1)
    smtp.handler.refuse = 1

    send_due()
    given_up = QueuedMail.objects.get()
    given_up.send_again()
    send_due()

    assert given_up.attempts == 0
    assert statuses() == [("One", "sent", 1)]
    assert smtp.received == ["One"]


@pytest.mark.django_db
def test_a_message_claimed_by_another_run_is_not_sent(smtp, clock):
    queue("One")
    QueuedMail.objects.update(status=MailStatus.SENDING, claimed_at=timezone.now())

    assert send_due().sent == 0
    clock.shift(dt.timedelta(minutes=11))  # that run died: its claim is stale
    assert send_due().sent == 1
    assert smtp.received == ["One"]


@pytest.mark.django_db(transaction=True)
def test_mail_of_a_rolled_back_transaction_is_never_queued(smtp, reference_data):
    def change_that_fails():
        with transaction.atomic():
            queue("One")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert QueuedMail.objects.count() == 0


@pytest.mark.django_db
def test_mail_queued_by_a_request_is_sent_when_it_ends_where_configured(smtp, client):
    user = UserFactory(email="ada@example.org")

    with override_settings(GNLC_SEND_MAIL_AFTER_REQUEST=True):
        client.post("/accounts/password-reset/", {"email": user.email})

    assert len(smtp.received) == 1
    assert QueuedMail.objects.get().status == MailStatus.SENT


@pytest.mark.django_db
def test_mail_queued_by_a_request_waits_for_send_mail_by_default(smtp, client):
    user = UserFactory(email="ada@example.org")

    client.post("/accounts/password-reset/", {"email": user.email})

    assert smtp.received == []
    assert QueuedMail.objects.get().status == MailStatus.QUEUED


def test_production_settings_queue_every_message(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "GNLC_", "EMAIL_"))
    }
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.GNLC_EMAIL_TRANSPORT)"
    result = subprocess.run(
        [sys.executable, "-m", "django", "shell", "-v", "0", "-c", code],
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "gnlc.settings",
            "SECRET_KEY": "x" * 50,
            "GNLC_DATA_DIR": str(tmp_path),
            "EMAIL_HOST": "smtp.example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert result.stdout.split() == [
        "gnlc.mail.backends.QueueBackend",
        "django.core.mail.backends.smtp.EmailBackend",
    ]
