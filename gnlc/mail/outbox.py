"""The one way the platform writes an e-mail: `queue_mail(to, template, context)`.

A message is a template, `<app>/mail/<name>.txt`, whose first line is the subject and
the rest the body (plain text: rendered without HTML escaping), and, with `html=True`,
an HTML alternative `<app>/mail/<name>.html` (escaped as any page). It is rendered in
the recipient's language (`language_of`) under `translation.override`, so dates,
country names and the links it builds (/fr/...) are in that language too. A template
name may hold `{language}` (texts written out per language, as the admission cycle's):
where the language has none, the English one is used, never a language nobody chose.

The message then goes to Django's EMAIL_BACKEND, which is the queue
(`gnlc.mail.backends.QueueBackend`, sent by `gnlc send-mail`): called inside a
transaction it is queued with it. Senders that must wait for a commit call it from
`transaction.on_commit`. The test settings put Django's in-memory outbox in the
queue's place, so tests read `django.core.mail.outbox` right after the action."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, select_template
from django.utils import translation

from gnlc.core.network import network_name


@dataclass
class Rendered:
    language: str
    subject: str
    body: str
    html: str = ""


def site_url(base_url: str = "") -> str:
    """The site's root for links in e-mails: the request's when there is one, else the
    GNLC_SITE_URL setting."""
    root = base_url or getattr(settings, "GNLC_SITE_URL", "") or "http://localhost:8000"
    return root.rstrip("/")


def language_of(recipient=None, language: str | None = None) -> str:
    """The language to write to `recipient` in: theirs (`.language` of a user, a
    subscriber, an application...) where the platform has it, else `language`, else the
    active one."""
    languages = dict(settings.LANGUAGES)
    for candidate in (getattr(recipient, "language", None), language):
        if candidate and candidate.split("-")[0] in languages:
            return candidate.split("-")[0]
    return translation.get_language() or settings.LANGUAGE_CODE


def _text(template, context: dict) -> str:
    # Plain text is never HTML: render the Django template without autoescaping.
    return template.template.render(Context(context, autoescape=False))


def render_mail(
    template: str | list[str], context: dict, language: str, *, html: bool = False
) -> Rendered | None:
    """The message `template` (a name without its extension, or several to choose the
    first that exists) in `language`, with its HTML alternative if `html`; None where
    no template is found."""
    names = [template] if isinstance(template, str) else list(template)
    for candidate in dict.fromkeys([language, "en"]):
        try:
            found = select_template([f"{name.format(language=candidate)}.txt" for name in names])
        except TemplateDoesNotExist:
            continue
        with translation.override(candidate):
            text = _text(found, context)
            alternative = ""
            if html:
                name = found.template.origin.template_name.removesuffix(".txt")
                alternative = get_template(f"{name}.html").render(context)
        subject, _sep, body = text.strip().partition("\n")
        # One line of ASCII spaces (a no-break space, French's before a colon, stays).
        subject = re.sub(r"[ \t]+", " ", subject.strip())
        return Rendered(candidate, subject, body.strip() + "\n", alternative)
    return None


def send_rendered(to: list[str], subject: str, body: str, *, html: str = "", headers=None):
    """Queue a message already written (the admission outbox's, read by the
    secretariat before it goes)."""
    message = EmailMultiAlternatives(subject, body, None, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def queue_mail(
    to,
    template: str | list[str],
    context: dict | None = None,
    *,
    language: str | None = None,
    html: bool = False,
    headers: dict | None = None,
) -> Rendered | None:
    """Render `template` for `to` and queue it; returns what was written (None where
    there is no template, and nothing is sent).

    `to`: a user or another object with `.email` (and `.language`), or an address, or
    a list of addresses (one message to them all, in `language`). The context gets
    `site_url` (the GNLC_SITE_URL setting) and `network` (its name, in the message's
    language) unless it has them."""
    if isinstance(to, str):
        addresses, recipient = [to], None
    elif isinstance(to, list | tuple):
        addresses, recipient = list(to), None
    else:
        addresses, recipient = [to.email], to
    # network_name is called as the template renders, so in the message's language.
    context = {"site_url": site_url(), "network": network_name, **(context or {})}
    rendered = render_mail(template, context, language_of(recipient, language), html=html)
    if rendered is not None:
        send_rendered(
            addresses, rendered.subject, rendered.body, html=rendered.html, headers=headers
        )
    return rendered
