"""Turning a state change into an e-mail in the outbox.

Messages are rendered when queued, in the application's language (one of the
platform's four, English where a template is missing): the text comes from
`admissions/mail/<language>/<state>.txt` (the first line is the
subject; for an award call `admissions/mail/<language>/award/<state>.txt` where there is
one) under `translation.override`, so country names and dates are in that language
too. Nothing is sent here: the secretariat reads the outbox and sends (into the platform's
mail queue, `gnlc.mail.outbox.send_rendered`)."""

from gnlc.accounts.models import User
from gnlc.admissions.models.outbox import Message
from gnlc.mail.outbox import render_mail


def recipients(application) -> list[str]:
    """The city (its contact and the coordinator who applied) and its National
    Commission, without repeats."""
    emails = [application.contact_email, application.created_by.email]
    emails += list(User.objects.natcom_of(application.country_id).values_list("email", flat=True))
    return list(dict.fromkeys(e for e in emails if e))


def render(application, state: str, reason: str = "") -> tuple[str, str, str] | None:
    """(language, subject, body) for `application` reaching `state`, or None where no
    message is written for that state. Written in the application's language; where a
    language has no template for the state, in English (the network's working language),
    never in a language nobody chose (`gnlc.mail.outbox.render_mail`)."""
    rendered = render_mail(
        application.call.kind_spec.mail_templates(state),
        {"application": application, "call": application.call, "reason": reason},
        application.language or "en",
    )
    if rendered is None:
        return None
    return rendered.language, rendered.subject, rendered.body


def queue_for(application, record) -> None:
    """Queue the message for a transition (called on commit by Application.transition)."""

    rendered = render(application, record.to_state, record.note)
    if rendered is None:
        return
    language, subject, body = rendered
    Message.objects.create(
        call_id=application.call_id,
        application=application,
        event=record.to_state,
        language=language,
        recipients=recipients(application),
        subject=subject,
        body=body,
    )
