import pytest
from django.core.files.storage import FileSystemStorage
from django.utils.functional import empty

from gnlc.core.storage import private_storage


@pytest.fixture(autouse=True)
def _private_storage(tmp_path):
    """Attachments and documents go to a temporary folder, never the real private storage."""
    private_storage._wrapped = FileSystemStorage(location=str(tmp_path / "private"))
    yield
    private_storage._wrapped = empty
