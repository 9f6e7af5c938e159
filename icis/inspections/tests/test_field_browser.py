"""Field work offline in headless Chromium: the route opens and works with the network off, what is recorded
survives a reload, and syncing once the network is back stores it (photo, GPS position, time); a record the
office changed meanwhile shows both sides and the person chooses."""

import datetime
import importlib
import os
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import expect

from icis.accounts import roles
from icis.dashboard.tests.test_browser import browser, shot  # noqa: F401  (the shared Chromium fixture)
from icis.inspections import services
from icis.inspections.choices import ViolationStatus
from icis.inspections.models import ChecklistAnswer, ChecklistVersion, Evidence, Finding, FollowUp
from icis.testing.factories import make_cluster, mini_hanoi, person, superuser
from icis.testing.files import png

from .factories import done, make_inspection, make_violation

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password-2025"
HERE = {"latitude": 20.7412, "longitude": 105.9113}


@pytest.fixture
def route_day(transactional_db):
    """Today's follow-up visit of a cluster by the inspector's team; an earlier visit left a violation open."""
    if not ChecklistVersion.objects.exists():  # a transactional test before this one flushed the migration's rows
        importlib.import_module("icis.inspections.migrations.0002_checklists_decree_32").load(django_apps, None)
    roles.roles_sync()
    mini_hanoi()
    boss = superuser()
    inspector = person("thanh-tra", roles.INSPECTOR, password=PASSWORD)
    cluster = make_cluster(name="Cụm Phú Xuyên", area_ha=30)
    today = timezone.localdate()
    earlier = done(make_inspection(boss, cluster), boss, day=today)
    violation = make_violation(boss, earlier, deadline=today + datetime.timedelta(days=30))
    visit = services.inspection_create(
        data={"subject_kind": "cluster", "cluster": cluster, "due_on": today},
        topics=("construction",),
        team=(inspector,),
        actor=boss,
    )
    return {"boss": boss, "visit": visit, "violation": violation, "item": visit.checklists.get().items.first()}


def _phone(browser):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        geolocation=HERE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _open_route(page, base):
    page.goto(f"{base}/accounts/login/?next=/inspections/field/")
    page.fill("#id_username", "thanh-tra")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(input[name=username]) button[type=submit]")
    page.wait_for_url("**/inspections/field/")
    # The service worker controls the page and the route is kept on the phone: it can go offline.
    expect(page.locator("#field-app")).to_have_attribute("data-offline-ready", "1")


def test_a_finding_recorded_offline_survives_a_reload_and_syncs_with_its_photo_position_and_time(
    browser,  # noqa: F811
    route_day,
    live_server,
):
    context, page = _phone(browser)
    _open_route(page, live_server.url)
    visit, item = route_day["visit"], route_day["item"]
    card = page.locator(f"[data-inspection='{visit.pk}']")
    expect(card).to_contain_text("Cụm Phú Xuyên")

    context.set_offline(True)
    expect(page.locator("#field-network")).to_have_class("badge bg-warning text-dark")
    form = card.locator(f"[data-finding-form='{visit.pk}']")
    form.locator("textarea").fill("Tường rào phía bắc chưa xây")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "anh.png", "mimeType": "image/png", "buffer": png()}]
    )
    form.locator("button[type=submit]").click()
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "1")
    card.locator("details[data-checklist=construction] summary").click()
    card.locator(f"[data-answer='{item.pk}']").select_option("not_compliant")
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "2")
    shot(page, "field-offline")

    # Reload without network: the page comes from the service worker, the outbox from IndexedDB.
    page.reload()
    expect(page.locator("#field-app")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "2")
    expect(card.locator("[data-findings] li")).to_contain_text(["Tường rào phía bắc chưa xây"])
    assert not Finding.objects.exists()

    context.set_offline(False)
    page.click("#field-sync")
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "0")
    finding = Finding.objects.get()
    assert finding.inspection_id == visit.pk and finding.description == "Tường rào phía bắc chưa xây"
    assert abs(finding.latitude - Decimal("20.7412")) < Decimal("0.0001")
    assert abs(finding.longitude - Decimal("105.9113")) < Decimal("0.0001")
    assert finding.observed_at is not None and abs(timezone.now() - finding.observed_at) < datetime.timedelta(minutes=5)
    evidence = Evidence.objects.get(finding=finding)
    assert evidence.file.name.endswith(".png") and evidence.latitude == finding.latitude
    assert evidence.taken_at == finding.observed_at
    assert ChecklistAnswer.objects.get(inspection=visit, item=item).answer == "not_compliant"
    # The downloaded route now shows the finding as stored (with its photo), no longer as waiting.
    expect(card.locator("[data-findings] li")).to_have_count(1)
    expect(card.locator("[data-findings] li .badge")).to_have_count(0)
    context.close()


def test_a_record_the_office_changed_meanwhile_shows_both_sides_and_the_person_chooses(
    browser,  # noqa: F811
    route_day,
    live_server,
):
    context, page = _phone(browser)
    _open_route(page, live_server.url)
    visit, violation, item = route_day["visit"], route_day["violation"], route_day["item"]
    card = page.locator(f"[data-inspection='{visit.pk}']")

    context.set_offline(True)
    card.locator(f"[data-violation='{violation.pk}'] [data-result=remedied]").click()
    card.locator("details[data-checklist=construction] summary").click()
    card.locator(f"[data-answer='{item.pk}']").select_option("not_compliant")
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "2")

    # Meanwhile the office moves the deadline and answers the same checklist item.
    new_deadline = timezone.localdate() + datetime.timedelta(days=90)
    services.violation_update(violation=violation, data={"deadline": new_deadline}, actor=route_day["boss"])
    services.answer_set(inspection=visit, item=item, answer="compliant", note="Văn phòng", actor=route_day["boss"])

    context.set_offline(False)
    page.click("#field-sync")
    expect(page.locator("#field-outbox")).to_have_attribute("data-conflicts", "2")
    conflicts = page.locator("[data-conflict]")
    expect(conflicts).to_have_count(2)
    shot(page, "field-conflict")
    on_violation = conflicts.filter(has_text=violation.description)
    expect(on_violation.locator("[data-side=theirs]")).to_contain_text(new_deadline.strftime("%d/%m/%Y"))
    expect(on_violation.locator("[data-side=theirs]")).to_contain_text("boss")
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.OPEN and not FollowUp.objects.exists()

    # Keep mine on the violation: sent again on the office's version, stored.
    on_violation.locator("[data-keep=mine]").click()
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "1")
    expect(page.locator("[data-conflict]")).to_have_count(1)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.REMEDIED and violation.deadline == new_deadline

    # Keep theirs on the answer: the phone drops its change, the office's answer stays.
    page.locator("[data-conflict] [data-keep=theirs]").click()
    expect(page.locator("#field-outbox")).to_have_attribute("data-count", "0")
    assert ChecklistAnswer.objects.get(inspection=visit, item=item).answer == "compliant"
    context.close()
