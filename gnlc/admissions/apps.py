from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "gnlc.admissions"
    label = "admissions"
