from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role, User
from gnlc.accounts.tokens import FIRST_ACCESS_MAX_AGE, first_access_url
from gnlc.audit.context import acting_as


class Command(BaseCommand):
    help = (
        "Give EMAIL the secretariat role, creating the account if there is none, and print "
        "a one-time link to a page where that person sets a password and then pairs an "
        "authenticator app (the role needs a second factor). The link works once and for "
        f"{FIRST_ACCESS_MAX_AGE // 3600} hours; run the command again for a new one. For a "
        "new installation's first secretariat account (and for one who lost their password "
        "or, with --new-device, their phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="the person's full name")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="the account's language, and the page's the link opens",
        )
        parser.add_argument(
            "--site-url",
            default=settings.GNLC_SITE_URL or "http://127.0.0.1:8000",
            help="the site's root URL for the link (default: GNLC_SITE_URL)",
        )
        parser.add_argument(
            "--new-device",
            action="store_true",
            help="forget the account's authenticator, so the link pairs a new one",
        )

    @transaction.atomic
    def handle(self, *args, email, name, language, site_url, new_device, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        with acting_as(None, "gnlc create-secretariat"):
            user = User.objects.filter(email=email).first()
            created = user is None
            if created:
                user = User(email=email, full_name=name, language=language)
                # No password until the person sets one through the link.
                user.set_unusable_password()
            elif name:
                user.full_name = name
            user.is_active = True
            user.is_staff = True  # as the demo's secretariat: the admin's index is theirs
            user.save()
            Role.objects.get_or_create(user=user, kind=RoleKind.SECRETARIAT)
            if new_device:
                TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(
            f"{'Created' if created else 'Found'} {email}, with the secretariat role. "
            f"Send this one-time link to that person (it works once, for "
            f"{FIRST_ACCESS_MAX_AGE // 3600} hours) to set a password and a second factor:"
        )
        self.stdout.write(first_access_url(user, site_url, language))
