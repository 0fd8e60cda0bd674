"""E-mail about a person's account (its activation, an invitation, a role given, a
password reset), in that person's language: the one chosen for the account
(`User.language`), else the language of the page that sent it. Each is a template
`accounts/mail/<name>.txt` written and queued by `gnlc.mail.outbox.queue_mail`."""

from gnlc.accounts.enums import ROLE_DUTIES
from gnlc.accounts.security import TWO_FACTOR_ROLES
from gnlc.accounts.tokens import INVITATION_MAX_AGE, VERIFY_MAX_AGE, verification_token
from gnlc.mail.outbox import queue_mail, site_url


def send(user, name: str, context: dict) -> None:
    queue_mail(user, f"accounts/mail/{name}", {"user": user, **context})


def send_verification(user, request, next_url: str = "") -> None:
    """The activation link of a new account (valid three days)."""
    send(
        user,
        "verify",
        {
            "protocol": request.scheme,
            "domain": request.get_host(),
            "token": verification_token(user, next_url),
            "days": VERIFY_MAX_AGE // (24 * 3600),
        },
    )


def send_already_registered(user, request) -> None:
    """To an address someone tried to register again: it has an account; log in, or
    reset the password. (The page said the same as for a new address.)"""
    send(user, "already_registered", {"protocol": request.scheme, "domain": request.get_host()})


def _two_factor(user) -> bool:
    """Whether the person's roles need an authenticator app (said in their mail)."""
    return any(role.kind in TWO_FACTOR_ROLES for role in user.roles.all())


def send_invitation(user, invitation, link: str, base_url: str = "") -> None:
    """The invitation of a person the secretariat brought in: their roles, the one-time
    link to set a password (and then pair an authenticator app where a role needs one),
    and when the link stops working."""
    send(
        user,
        "invitation",
        {
            "roles": list(user.roles.with_scope()),
            "invited_by": invitation.invited_by,
            "link": link,
            "expires_at": invitation.expires_at,
            "days": INVITATION_MAX_AGE // (24 * 3600),
            "two_factor": _two_factor(user),
            "site_url": site_url(base_url),
        },
    )


def send_role_given(user, role, base_url: str = "", *, admission: bool = False) -> None:
    """To a person with an account: they now hold `role` (given on the people pages, or,
    with `admission`, because the city they applied for was admitted and published)."""
    send(
        user,
        "role_given",
        {
            "role": role,
            "duties": ROLE_DUTIES.get(role.kind, ""),
            "admission": admission,
            "two_factor": role.kind in TWO_FACTOR_ROLES,
            "site_url": site_url(base_url),
        },
    )
