from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "gnlc.reporting"
    label = "reporting"
