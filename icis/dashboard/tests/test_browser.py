"""End to end in a real browser: sign in, read the dashboard, find a cluster by its unaccented name, open it.

Runs Debian's Chromium (/usr/bin/chromium) through Playwright against pytest-django's live server. Without
that binary the test is skipped, or fails when ICIS_REQUIRE_BROWSER=1. With ICIS_SCREENSHOTS set, full-page
screenshots go to /tmp/icis-shots/.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect, sync_playwright

from icis.clusters.choices import ClusterStatus
from icis.geo.models import LegacyDistrict
from icis.testing.factories import make_cluster, mini_hanoi

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path("/tmp/icis-shots")
USERNAME = "officer"
PASSWORD = "browser-test-password-2025"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium package to run browser tests"
        if os.environ.get("ICIS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (ICIS_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def registry(transactional_db):
    """A few clusters in a two-district slice of Hanoi and an officer who can sign in."""
    mini_hanoi()
    officer = get_user_model().objects.create_superuser(username=USERNAME, password=PASSWORD, email="")
    chuong_my = LegacyDistrict.objects.get(name="Huyện Chương Mỹ")
    phu_xuyen = LegacyDistrict.objects.get(name="Huyện Phú Xuyên")
    target = make_cluster(
        name="Đông Phú Yên",
        name_ascii="Dong Phu Yen",
        status=ClusterStatus.ESTABLISHED,
        status_date=datetime.date(2021, 3, 15),
        legacy_district=chuong_my,
        area_ha=42.5,
        actor=officer,
    )
    make_cluster(
        name="Phú Xuyên",
        name_ascii="Phu Xuyen",
        status=ClusterStatus.PLANNED,
        legacy_district=phu_xuyen,
        area_ha=30,
        actor=officer,
    )
    make_cluster(name="Nam Phúc Thọ", name_ascii="Nam Phuc Tho", status=ClusterStatus.OPERATING, actor=officer)
    make_cluster(name="Tân Dân", name_ascii="Tan Dan", status=ClusterStatus.PROPOSED, actor=officer)
    return target


def shot(page, name):
    if os.environ.get("ICIS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_search_and_open_a_cluster(browser, registry, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    failures = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    base = live_server.url

    # Sign in: the dashboard refuses anonymous visitors and sends them to the login page.
    page.goto(f"{base}/")
    page.wait_for_selector("#id_username")
    assert "/accounts/login/" in page.url
    shot(page, "01-login")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")

    # Dashboard: one row per status, a total over all four clusters.
    page.wait_for_selector("#status-table")
    expect(page.locator("#status-table [data-figure=total-clusters]")).to_have_text("4")
    expect(page.locator("#status-table tbody tr")).to_have_count(len(ClusterStatus.values))
    shot(page, "02-dashboard")

    # Cluster list, then an accent-free search.
    page.click("nav li[data-menu='clusters'] > a")  # the Clusters drop-down: the list, the map, dossiers…
    page.click("nav a[href='/clusters/']")
    page.wait_for_selector("#cluster-table")
    expect(page.locator("#cluster-table tbody a.cluster-link")).to_have_count(4)
    page.fill("#id_q", "dong phu yen")
    page.click("#cluster-filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q=dong\+phu\+yen"))
    rows = page.locator("#cluster-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Đông Phú Yên")
    expect(page.locator("#id_q")).to_have_value("dong phu yen")
    shot(page, "03-search")

    # Detail page: the name and the lifecycle, dated dd/mm/yyyy.
    rows.first.locator("a.cluster-link").click()
    page.wait_for_url(f"{base}/clusters/{registry.pk}/")
    expect(page.locator("#cluster-name")).to_contain_text("Đông Phú Yên")
    timeline = page.locator("#timeline")
    expect(timeline.locator("li")).to_have_count(1)
    expect(timeline).to_contain_text("15/03/2021")
    shot(page, "04-detail")

    # Switch to English with the navbar button: the same page comes back in English.
    page.click("#language-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    expect(page.locator("h2", has_text="Lifecycle")).to_be_visible()
    page.click("nav a.navbar-brand")
    page.wait_for_selector("#status-table")
    expect(page.locator("h1")).to_have_text("Industrial clusters: overview")
    shot(page, "05-dashboard-en")

    context.close()
    assert not failures, f"requests that failed: {failures}"
