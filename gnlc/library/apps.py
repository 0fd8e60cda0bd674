from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "gnlc.library"
    label = "library"

    def ready(self):
        from gnlc.library import signals

        signals.connect(self)
