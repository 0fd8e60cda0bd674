from django.core.management.base import BaseCommand, CommandError

from gnlc.accounts.demo import DEMO_DOMAIN, current_code, demo_devices


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo accounts that need one (the "
        "secretariat and every juror `gnlc demo` made), or of the one named. It answers "
        f"only for an account at @{DEMO_DOMAIN} whose authenticator `gnlc demo` paired and "
        "that still has the published demo password, whose code protects nothing; any "
        "other account gets no code, so it is safe to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", help="one demo account (default: all)")

    def handle(self, *args, email=None, **options):
        devices = list(demo_devices())
        if email is not None:
            devices = [(address, device) for address, device in devices if address == email.lower()]
            if not devices:
                raise CommandError(
                    f"{email} is not a demo account with a second factor (run `gnlc demo` "
                    "first; an account whose password changed is no longer one)."
                )
            self.stdout.write(current_code(devices[0][1]))
            return
        if not devices:
            raise CommandError("No demo account has a second factor: run `gnlc demo` first.")
        for address, device in devices:
            self.stdout.write(f"{address:<30} {current_code(device)}")
