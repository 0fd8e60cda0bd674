from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "gnlc.clusters"
    label = "clusters"
