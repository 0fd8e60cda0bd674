"""The e-mails of members' reporting: reminders before and after the due date, and a
note when the secretariat returns or accepts a report. Each goes to the member's city
coordinators, one message per person, in that person's language (`User.language`):
the text comes from `reporting/mail/<name>.txt` (first line: the subject) rendered
under `translation.override`, so dates and names are in that language too."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import User


def site_url() -> str:
    return (getattr(settings, "GNLC_SITE_URL", "") or "http://localhost:8000").rstrip("/")


def coordinators(member):
    """The member's active city coordinators."""

    return (
        User.objects.filter(is_active=True, roles__kind=RoleKind.COORDINATOR, roles__member=member)
        .distinct()
        .order_by("email")
    )


def render(name: str, user, context: dict) -> tuple[str, str]:
    """(subject, body) of template `name` in `user`'s language; the report's link (the
    language is in the URL) too."""
    with translation.override(user.language or "en"):
        context = {**context, "user": user}
        if context.get("report") is not None:
            context["url"] = site_url() + context["report"].get_absolute_url()
        text = render_to_string(f"reporting/mail/{name}.txt", context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send(name: str, users, context: dict) -> list[str]:
    """Send template `name` to each of `users`; return the addresses written to."""
    sent = []
    for user in users:
        subject, body = render(name, user, context)
        send_mail(subject, body, None, [user.email])
        sent.append(user.email)
    return sent


def send_transition(report, record) -> None:
    """Tell the coordinators that their report was returned (with the comment) or
    accepted (called on commit by Report.transition)."""
    if record.to_state not in ("returned", "accepted"):
        return
    send(
        record.to_state,
        coordinators(report.member_id),
        {"report": report, "record": record, "url": site_url() + report.get_absolute_url()},
    )
