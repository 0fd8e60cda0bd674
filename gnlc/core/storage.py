"""Where confidential uploads live: outside MEDIA_ROOT, never served by the web server;
views stream them after a permission check (`gnlc.core.permissions`)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def get_private_storage():
    """For FileField(storage=...): a callable, so migrations record this function rather
    than a path on the machine that made them."""
    return private_storage
