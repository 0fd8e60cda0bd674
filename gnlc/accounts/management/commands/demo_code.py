from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo account (one whose device `gnlc demo` "
        "paired). Development only: refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("gnlc demo-code runs only with DEBUG on.")
        device = TOTPDevice.objects.filter(
            user__email=email.lower(), name="demo", confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{email} has no demo authenticator (run `gnlc demo` first).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
