from django.apps import AppConfig


class CitiesConfig(AppConfig):
    name = "gnlc.cities"
    label = "cities"
    verbose_name = "Cities"

    def ready(self):
        from gnlc.cities import signals  # noqa: F401
