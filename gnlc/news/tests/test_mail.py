import pytest
from django.core import mail as django_mail
from django.utils import translation

from gnlc.news import mail
from gnlc.news.tests.factories import PostFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_confirmation_to_a_french_subscriber_is_in_french_with_a_french_link():
    subscriber = SubscriberFactory(email="lectrice@example.org", language="fr", status="pending")

    with translation.override("en"):
        mail.send_confirmation(subscriber, base_url="https://gnlc.example/")

    [message] = django_mail.outbox
    assert message.subject.startswith("Confirmez votre abonnement aux actualités du ")
    # The token is signed with a timestamp: its value changes from second to second.
    assert "\nhttps://gnlc.example/fr/news/subscribe/" in message.body


def test_post_to_a_french_subscriber_has_its_unsubscribe_link_in_french():
    subscriber = SubscriberFactory(email="lectrice@example.org", language="fr")
    post = PostFactory(title="Nouvelles", language="fr")

    with translation.override("en"):
        mail.send_post(post, subscriber, base_url="https://gnlc.example/")

    [message] = django_mail.outbox
    token = subscriber.unsubscribe_token()
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<https://gnlc.example/fr/news/unsubscribe/{token}/>"
    )
