"""The e-mails of the news: a subscription's confirmation link, and a post sent to a
subscriber with one-click unsubscribe (RFC 8058: `List-Unsubscribe` with an HTTPS URL
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; a POST to that URL
unsubscribes without a log-in or a CSRF token). Written and queued by
`gnlc.mail.outbox.queue_mail`, in the subscriber's language (links too: the language is
in the URL)."""

from django.urls import reverse
from django.utils import translation

from gnlc.mail.outbox import language_of, queue_mail, site_url


def send_confirmation(subscriber, *, base_url: str = "") -> None:
    context = {"site_url": site_url(base_url), "token": subscriber.confirm_token()}
    queue_mail(subscriber, "news/mail/confirm", context)


def send_post(post, subscriber, *, base_url: str = "") -> None:
    root, token = site_url(base_url), subscriber.unsubscribe_token()
    with translation.override(language_of(subscriber)):
        unsubscribe = root + reverse("news:unsubscribe", args=[token])
    queue_mail(
        subscriber,
        "news/mail/post",
        {"post": post, "site_url": root, "unsubscribe": unsubscribe},
        html=True,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
