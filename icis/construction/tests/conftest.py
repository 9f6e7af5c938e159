import pytest

from icis.testing.factories import english


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests quote the English source messages."""
    yield from english(settings)
