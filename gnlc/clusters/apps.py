from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "gnlc.clusters"
    label = "clusters"

    def ready(self):
        from gnlc.clusters import signals  # noqa: F401, PLC0415
