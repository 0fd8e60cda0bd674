import pytest
from django.utils.functional import empty

from gnlc.admissions.tests.storage import store_letter, use_temporary_private_storage
from gnlc.core.storage import private_storage


@pytest.fixture(autouse=True)
def _private_storage(tmp_path):
    """Letters go to a temporary folder (with the factories' test letter in it)."""
    use_temporary_private_storage(tmp_path / "private")
    store_letter()
    yield
    private_storage._wrapped = empty
