from django.apps import AppConfig, apps


class AuditConfig(AppConfig):
    name = "gnlc.audit"
    label = "audit"

    def ready(self):
        # Signals import models: only once the app registry is ready.
        from gnlc.audit import signals  # noqa: PLC0415

        signals.connect(apps)
