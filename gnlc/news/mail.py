"""The e-mails of the news: a subscription's confirmation link, and a post sent to a
subscriber with one-click unsubscribe (RFC 8058: `List-Unsubscribe` with an HTTPS URL
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; a POST to that URL
unsubscribes without a log-in or a CSRF token)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from gnlc.core.network import network_name


def site_url(base_url: str = "") -> str:
    """The site's root for links in e-mails: the request's when there is one, else the
    GNLC_SITE_URL setting."""
    return (base_url or getattr(settings, "GNLC_SITE_URL", "") or "http://localhost:8000").rstrip(
        "/"
    )


def confirmation_message(subscriber, *, base_url: str = "") -> EmailMultiAlternatives:
    root = site_url(base_url)
    # Links too are in the subscriber's language: the language is in the URL.
    with translation.override(subscriber.language):
        link = root + reverse("news:subscribe-confirm", args=[subscriber.confirm_token()])
        context = {"link": link, "network": network_name()}
        subject = render_to_string("news/mail/confirm_subject.txt", context).strip()
        body = render_to_string("news/mail/confirm.txt", context)
    return EmailMultiAlternatives(subject, body, to=[subscriber.email])


def post_message(post, subscriber, *, base_url: str = "") -> EmailMultiAlternatives:
    root = site_url(base_url)
    with translation.override(subscriber.language):
        unsubscribe = root + reverse("news:unsubscribe", args=[subscriber.unsubscribe_token()])
        context = {
            "post": post,
            "url": root + post.get_absolute_url(),
            "unsubscribe": unsubscribe,
            "network": network_name(),
        }
        body = render_to_string("news/mail/post.txt", context)
        html = render_to_string("news/mail/post.html", context)
    message = EmailMultiAlternatives(
        post.title,
        body,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
