"""The public API's rate limits: reads counted in this process's memory (a warm read makes no query),
enquiries counted in the shared cache (every app server adds to one limit)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from icis.portal import services
from icis.portal.models import Enquiry

from .conftest import challenge_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**changed):
        values = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed)
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": values}
        ScopedRateThrottle.THROTTLE_RATES = values

    yield set_rates
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def enquiry_body():
    challenge = services.challenge_new()
    return {
        "area_ha": "2",
        "contact_name": "Trần Thị B",
        "email": "b@example.org",
        "token": challenge["token"],
        "answer": challenge_answer(challenge["token"]),
    }


@pytest.mark.parametrize("url", ["/api/public/v1/clusters/", "/api/public/v1/clusters/geojson/"])
def test_a_warm_public_read_makes_no_query(portal_world, url):
    client = Client()
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert again.status_code == 200
    assert len(captured) == 0, [q["sql"][:120] for q in captured.captured_queries]


def test_public_reads_are_limited_per_process_not_in_the_shared_cache(portal_world, rates):
    rates(public="3/minute")
    client = Client()
    for _ in range(3):
        assert client.get("/api/public/v1/clusters/").status_code == 200
    refused = client.get("/api/public/v1/clusters/")
    assert refused.status_code == 429
    assert caches["shared"].get("throttle_public_127.0.0.1") is None
    assert caches["local"].get("throttle_public_127.0.0.1")


def test_enquiries_are_limited_in_the_shared_cache_across_processes(portal_world, rates):
    rates(enquiry="2/hour")
    client = Client()
    for _ in range(2):
        assert client.post("/api/public/enquiries/", enquiry_body()).status_code == 201
    caches["local"].clear()  # another app server: its own memory is empty, the shared counter is not
    refused = client.post("/api/public/enquiries/", enquiry_body())
    assert refused.status_code == 429
    assert Enquiry.objects.count() == 2
    assert len(caches["shared"].get("throttle_enquiry_127.0.0.1")) == 2
