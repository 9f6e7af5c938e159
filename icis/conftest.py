import pytest
from rest_framework.test import APIClient

from icis.testing import factories
from icis.testing.personas import linked, world  # noqa: F401  (the permission-matrix personas, for every app)

FLUSHING_FIXTURES = {"transactional_db", "live_server", "django_db_serialized_rollback"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark the tests that empty the database when they end (transactional ones, those with a live server):
    the data migrations' rows (roles, QCVN tables, checklists, procedure versions) are gone after them.
    pytest-django runs them last in one process; `make test` runs the others in parallel first
    (`-m "not flushes"`), then these alone (`-m flushes`)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        if transactional or FLUSHING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.flushes)


@pytest.fixture(autouse=True)
def _fresh_local_counters():
    """This process's throttle counters (the public API's) start empty in every test, as the shared
    ones do (they live in the database, rolled back after each test)."""
    from django.core.cache import caches

    caches["local"].clear()


@pytest.fixture
def hanoi(db):
    return factories.mini_hanoi()


@pytest.fixture
def boss(db):
    return factories.superuser()


@pytest.fixture
def api(boss):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(boss)}")
    return client


@pytest.fixture
def page(client, boss):
    client.force_login(boss)
    return client
