from django.apps import AppConfig


class CitiesConfig(AppConfig):
    name = "gnlc.cities"
    label = "cities"
    verbose_name = "Cities"

    def ready(self):
        # Signals import models: only once the app registry is ready.
        from gnlc.cities import signals  # noqa: F401, PLC0415
