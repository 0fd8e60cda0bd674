from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "gnlc.events"
    label = "events"
