"""The e-mails of members' reporting: reminders before and after the due date, and a
note when the secretariat returns or accepts a report. Each goes to the member's city
coordinators (`User.objects.coordinating`), one message per person, in that person's
language: the template `reporting/mail/<name>.txt`, written and queued by
`gnlc.mail.outbox.queue_mail`."""

from gnlc.accounts.models import User
from gnlc.mail.outbox import queue_mail


def coordinators(member):
    """The member's active city coordinators."""
    return User.objects.coordinating(member)


def send(name: str, users, context: dict) -> list[str]:
    """Send template `name` to each of `users`; return the addresses written to."""
    for user in users:
        queue_mail(user, f"reporting/mail/{name}", {**context, "user": user})
    return [user.email for user in users]


def send_transition(report, record) -> None:
    """Tell the coordinators that their report was returned (with the comment) or
    accepted (called on commit by Report.transition)."""
    if record.to_state in ("returned", "accepted"):
        send(record.to_state, coordinators(report.member_id), {"report": report, "record": record})
