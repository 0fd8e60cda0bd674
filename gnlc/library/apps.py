from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "gnlc.library"
    label = "library"
