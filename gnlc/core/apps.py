from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gnlc.core"
    label = "core"
