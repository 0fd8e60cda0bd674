from django.apps import AppConfig, apps


class AuditConfig(AppConfig):
    name = "gnlc.audit"
    label = "audit"

    def ready(self):
        from gnlc.audit import signals

        signals.connect(apps)
