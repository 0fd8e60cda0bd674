from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "gnlc.news"
    label = "news"
