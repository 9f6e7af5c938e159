import pytest

# The persona world of the permission matrix (cluster A in scope of the commune official and investor X).
from icis.accounts.tests.conftest import api_client_for, linked, world  # noqa: F401
from icis.core.testing.factories import english


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests quote the English source messages."""
    yield from english(settings)
