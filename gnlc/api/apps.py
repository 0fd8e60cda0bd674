from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gnlc.api"
    label = "api"
