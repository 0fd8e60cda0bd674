"""The secrets in links that the platform mails or prints: the activation of a new
account, the one-time link of `gnlc create-secretariat`, and the invitation the
secretariat mails to a person it brings in. (The password reset uses Django's own
`default_token_generator`.)"""

from urllib.parse import urljoin

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

VERIFY_SALT = "accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600  # three days, as the mail says
FIRST_ACCESS_MAX_AGE = 24 * 3600  # a day, as the command says
# Three days, as the invitation mail and the person's page say: long enough for someone
# who reads their mail twice a week, and no longer than Django's PASSWORD_RESET_TIMEOUT
# (three days by default), which every token of this kind must also meet.
INVITATION_MAX_AGE = 3 * 24 * 3600


def verification_token(user, next_url: str = "") -> str:
    """A signed, expiring token naming the account (and the page to go on to once it is
    active). It only activates: it logs no one in, so a copy of it is worth nothing."""
    data = {"u": user.pk, "e": user.email}
    if next_url:
        data["n"] = next_url
    return signing.dumps(data, salt=VERIFY_SALT)


def read_verification(token: str):
    """(user, next_url) for a valid token, else (None, "")."""
    User = get_user_model()
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
        return User.objects.get(pk=data["u"], email=data["e"]), str(data.get("n", ""))
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        return None, ""


class FirstAccessTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of the first-access link: Django's password reset tokens under another salt
    (a reset link never opens the first-access page, nor the reverse), valid for
    FIRST_ACCESS_MAX_AGE. Like them, a token is void once used: it is made from the
    password hash and the last log-in, which setting the password and logging in change."""

    key_salt = "gnlc.accounts.tokens.FirstAccessTokenGenerator"
    max_age = FIRST_ACCESS_MAX_AGE

    def check_token(self, user, token):
        if not super().check_token(user, token):  # also PASSWORD_RESET_TIMEOUT
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= self.max_age


class InvitationTokenGenerator(FirstAccessTokenGenerator):
    """Tokens of the invitation link: the same one-time kind under its own salt, valid for
    INVITATION_MAX_AGE. Sending an invitation again gives the account a new unusable
    password (`Invitation.send`), which voids the links sent before."""

    key_salt = "gnlc.accounts.tokens.InvitationTokenGenerator"
    max_age = INVITATION_MAX_AGE


first_access_tokens = FirstAccessTokenGenerator()
invitation_tokens = InvitationTokenGenerator()


def first_access_url(
    user, site_url: str, language: str, *, view="accounts:first-access", tokens=None
) -> str:
    """The absolute one-time link to `user`'s first-access page, in `language` (or, with
    `view="accounts:invitation"` and `tokens=invitation_tokens`, to their invitation)."""
    tokens = tokens or first_access_tokens
    with translation.override(language):
        path = reverse(
            view,
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": tokens.make_token(user),
            },
        )
    return urljoin(site_url.rstrip("/") + "/", path.lstrip("/"))


def invitation_url(user, site_url: str, language: str) -> str:
    """The absolute one-time link of `user`'s invitation, in `language`."""
    return first_access_url(
        user, site_url, language, view="accounts:invitation", tokens=invitation_tokens
    )
