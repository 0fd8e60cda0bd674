"""E-mail about a person's account, in that person's language: the one chosen for the
account (`User.language`), else the language of the page that sent it. Each message is two
templates, `accounts/mail/<name>_subject.txt` (one line) and `accounts/mail/<name>.txt`,
rendered under `translation.override`, so the links they build carry that language too
(/fr/accounts/...). The password reset's message is rendered the same way
(`forms.PasswordResetForm.send_mail`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from gnlc.accounts.tokens import VERIFY_MAX_AGE, verification_token


def language_of(user) -> str:
    """The language to write to `user` in."""
    if user.language in dict(settings.LANGUAGES):
        return user.language
    return translation.get_language() or settings.LANGUAGE_CODE


def render(name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of the message `name`, in the active language."""
    subject = " ".join(render_to_string(f"accounts/mail/{name}_subject.txt", context).split())
    return subject, render_to_string(f"accounts/mail/{name}.txt", context)


def send(user, name: str, context: dict) -> None:
    with translation.override(language_of(user)):
        subject, body = render(name, {"user": user, **context})
    send_mail(subject, body, None, [user.email])


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
