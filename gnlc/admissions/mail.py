"""Turning a state change into an e-mail in the outbox.

Messages are rendered when queued, in the application's language (one of the
platform's four, English where a template is missing): the text comes from
`admissions/mail/<language>/<state>.txt` (the first line is the
subject; for an award call `admissions/mail/<language>/award/<state>.txt` where there is
one) under `translation.override`, so country names and dates are in that language
too. Nothing is sent here: the secretariat reads the outbox and sends."""

from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import translation

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import User
from gnlc.admissions.models.outbox import Message


def recipients(application) -> list[str]:
    """The city (its contact and the coordinator who applied) and its National
    Commission, without repeats."""

    emails = [application.contact_email, application.created_by.email]
    emails += list(
        User.objects.filter(
            is_active=True, roles__kind=RoleKind.NATCOM, roles__country=application.country_id
        ).values_list("email", flat=True)
    )
    return list(dict.fromkeys(e for e in emails if e))


def render(application, state: str, reason: str = "") -> tuple[str, str, str] | None:
    """(language, subject, body) for `application` reaching `state`, or None where no
    message is written for that state. Written in the application's language; where a
    language has no template for the state, in English (the network's working language),
    never in a language nobody chose."""
    language = application.language or "en"
    for candidate in dict.fromkeys([language, "en"]):
        try:
            template = select_template(application.call.kind_spec.mail_templates(candidate, state))
        except TemplateDoesNotExist:
            continue
        with translation.override(candidate):
            text = template.render(
                {"application": application, "call": application.call, "reason": reason}
            )
        subject, _sep, body = text.strip().partition("\n")
        return candidate, subject.strip(), body.strip() + "\n"
    return None


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
