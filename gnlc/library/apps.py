from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "gnlc.library"
    label = "library"

    def ready(self):
        # Signals import models: only once the app registry is ready.
        from gnlc.library import signals  # noqa: PLC0415

        signals.connect(self)
