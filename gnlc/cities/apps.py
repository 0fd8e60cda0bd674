from django.apps import AppConfig


class CitiesConfig(AppConfig):
    name = "gnlc.cities"
    label = "cities"
