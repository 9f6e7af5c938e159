"""The map in headless Chromium with no tile server reachable: the clusters are still drawn, the
colouring switch recolours them, and a click on the position page fills the coordinates."""

import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from icis.clusters.choices import ClusterStatus
from icis.dashboard.tests.test_browser import browser, shot  # noqa: F401  (the shared Chromium fixture)
from icis.testing.factories import make_cluster, mini_hanoi

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password-2025"


@pytest.fixture
def placed(transactional_db, settings):
    settings.ICIS_MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there: offline
    mini_hanoi()
    officer = get_user_model().objects.create_superuser(username="mapper", password=PASSWORD, email="")
    make_cluster(
        name="Đông Phú Yên", status=ClusterStatus.OPERATING, latitude=Decimal("20.91"), longitude=Decimal("105.62")
    )
    make_cluster(name="Phú Xuyên", latitude=Decimal("20.74"), longitude=Decimal("105.91"))
    make_cluster(
        name="Có ranh giới",
        boundary={"type": "Polygon", "coordinates": [[[105.8, 20.8], [105.82, 20.8], [105.82, 20.82], [105.8, 20.8]]]},
    )
    unplaced = make_cluster(name="Chưa đặt")
    return officer, unplaced


def _sign_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "mapper")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(input[name=username]) button[type=submit]")
    page.wait_for_load_state()


def test_the_map_draws_clusters_without_tiles_and_filters_like_the_list(browser, placed, live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#cluster-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#cluster-map")).to_have_attribute("data-features", "3")
    expect(page.locator("#cluster-map path.leaflet-interactive")).to_have_count(3)
    expect(page.locator("#map-unplaced a")).to_have_text(["Chưa đặt (" + placed[1].code + ")"])
    shot(page, "map-status")
    page.select_option("#id_colour", "progress")
    expect(page.locator("[data-legend=progress]")).to_be_visible()
    page.locator("#cluster-map path.leaflet-interactive").first.click()
    expect(page.locator(".leaflet-popup-content a")).to_have_count(1)
    page.goto(f"{live_server.url}/map/?q=dong+phu+yen")
    expect(page.locator("#cluster-map")).to_have_attribute("data-features", "1")


def test_a_click_on_the_position_page_places_the_cluster(browser, placed, live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, live_server.url)
    cluster = placed[1]
    page.goto(f"{live_server.url}/map/clusters/{cluster.pk}/position/")
    page.locator("#position-map").click(position={"x": 200, "y": 150})
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    page.click("#position-form button[type=submit]")
    page.wait_for_url(f"**/clusters/{cluster.pk}/")
    cluster.refresh_from_db()
    assert cluster.latitude is not None and cluster.longitude is not None
