import pytest
from django.utils import translation

from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions import mail
from gnlc.news.tests.conftest import compile_catalogues

pytestmark = pytest.mark.django_db


def test_send_verification_to_a_french_speaker_is_in_french_from_an_english_page(mailoutbox):
    compile_catalogues()
    user = UserFactory(email="maire@example.org", language="fr")

    with translation.override("en"):
        mail.send_verification(user, "https://gnlc.example/verify/abc/")

    message = mailoutbox[0]
    assert message.to == ["maire@example.org"]
    assert message.subject == "Confirmez votre adresse e-mail"
    assert message.body.startswith("Ouvrez ce lien dans les trois jours pour activer votre compte")
    assert "https://gnlc.example/verify/abc/" in message.body
