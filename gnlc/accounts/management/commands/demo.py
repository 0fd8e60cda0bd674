import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gnlc.accounts.demo import DEMO_PASSWORD, pair_devices
from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role, User
from gnlc.cities.models import Country, Member


class Command(BaseCommand):
    help = (
        "Create demo accounts, one per role, and each app's demo content, and print their "
        "log-ins. Development only: refuses to run with DEBUG off. Safe to run again."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("gnlc demo creates known passwords: it runs only with DEBUG on.")
        member = (
            Member.objects.filter(country_id="KE").order_by("name").first()
            or Member.objects.order_by("name").first()
        )
        country = member.country if member else Country.objects.get(iso2="KE")
        accounts = [
            ("secretariat@demo.gnlc.org", "Secretariat (demo)", RoleKind.SECRETARIAT, {}),
            (
                "natcom@demo.gnlc.org",
                f"National Commission of {country.name} (demo)",
                RoleKind.NATCOM,
                {"country": country},
            ),
            ("juror@demo.gnlc.org", "Juror (demo)", RoleKind.JUROR, {}),
        ]
        if member:
            accounts.append(
                (
                    "coordinator@demo.gnlc.org",
                    f"Coordinator of {member.name} (demo)",
                    RoleKind.COORDINATOR,
                    {"member": member},
                )
            )
        rows = []
        with transaction.atomic():
            for email, name, kind, scope in accounts:
                user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name})
                user.set_password(DEMO_PASSWORD)
                user.is_staff = kind == RoleKind.SECRETARIAT
                user.save()
                Role.objects.get_or_create(user=user, kind=kind, **scope)
                rows.append((email, name))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, name in rows:
            self.stdout.write(f"  {email:<30} {name}")
        # Each app may add demo content: a `demo.py` with `create(stdout, password)`.
        for config in apps.get_app_configs():
            if config.name.startswith("gnlc.") and config.name != "gnlc.accounts":
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError:
                    continue
                with transaction.atomic():
                    module.create(self.stdout, DEMO_PASSWORD)
        # Every demo account whose role needs a second factor (the apps' content adds
        # jurors) gets a paired authenticator, so the demo is clicked through without a
        # phone.
        pair_devices()
        self.stdout.write(
            "The secretariat and the jurors also need a two-factor code: `gnlc demo-code` "
            "prints the current one of each (`gnlc demo-code EMAIL`: of one)."
        )
