"""The public portal on a phone-sized headless Chromium, anonymous, with no tile server: the list, a
cluster's page and the map (drawn from the public GeoJSON)."""

import os

import pytest
from playwright.sync_api import expect

from icis.dashboard.tests.test_browser import browser, shot  # noqa: F401  (the shared Chromium fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser


def test_an_anonymous_visitor_on_a_phone_finds_a_cluster_and_its_map(
    browser,  # noqa: F811
    transactional_db,
    portal_world,
    live_server,
    settings,
):
    settings.ICIS_MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there: offline
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/portal/?min_vacant_ha=5")
    expect(page.locator(".portal-card")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    shot(page, "portal-list-phone")
    page.locator(".portal-card a").first.click()
    expect(page.locator("#portal-readiness")).to_be_visible()
    expect(page.locator(".portal-vacant")).to_have_text("12 ha")
    page.goto(f"{live_server.url}/portal/map/")
    expect(page.locator("#portal-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#portal-map")).to_have_attribute("data-features", "1")
    page.locator("#portal-map path.leaflet-interactive").first.click()
    expect(page.locator(".leaflet-popup-content a")).to_have_count(1)
    assert not context.cookies() or all(c["name"] != "sessionid" for c in context.cookies())
