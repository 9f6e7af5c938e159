import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from icis.construction.models import PlannedVisit, VisitPhoto, VisitPlan, VisitRecord
from icis.environment.tests.factories import make_plant, sample
from icis.inspections.models import Evidence, Inspection, InspectionPlan
from icis.tenancy import services as tenancy_services
from icis.testing.factories import make_cluster

from .factories import approve, done, make_inspection, make_plan, make_violation

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(hanoi):
    return make_cluster(name="Cụm Phú Xuyên", area_ha=30, industrial_land_ha=Decimal("20"))


def test_the_plan_page_shows_the_conflicts_and_approval_is_refused(page, boss, cluster):
    firm = tenancy_services.tenant_create(data={"name": "Công ty Dệt", "tax_code": "0100000011"}, actor=boss)
    tenancy_services.project_create(
        data={"cluster": cluster, "tenant": firm, "land_ha": Decimal("1"), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    first = make_plan(boss)
    make_inspection(boss, cluster, plan=first, tenant=firm)
    approve(first, boss)
    second = make_plan(boss, title="Bổ sung")
    make_inspection(boss, cluster, plan=second, tenant=firm)
    html = page.get(f"/inspections/plans/{second.pk}/").content.decode()
    assert 'id="art24-conflicts"' in html and "không quá một lần trong một năm" in html
    page.post(f"/inspections/plans/{second.pk}/transition/", {"to": "submitted"})
    response = page.post(f"/inspections/plans/{second.pk}/transition/", {"to": "approved"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "submitted"


def test_a_plan_and_its_entry_are_made_on_the_pages(page, cluster):
    response = page.post(
        "/inspections/plans/new/", {"province": "01", "year": "2026", "kind": "yearly", "title": "KH 2026"}
    )
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302
    response = page.post(
        f"/inspections/new/?plan={plan.pk}",
        {
            "plan": plan.pk,
            "subject_kind": "cluster",
            "cluster": cluster.pk,
            "topics": ["planning", "fire_safety"],
            "planned_month": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get()
    assert sorted(c.topic for c in inspection.checklists.all()) == ["fire_safety", "planning"]
    html = page.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "Điều 16 khoản 2" in html  # the fire-safety checklist, citing its article


def test_a_finding_with_a_photo_keeps_its_position_and_time(page, boss, cluster):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    inspection = make_inspection(boss, cluster)
    response = page.post(
        f"/inspections/{inspection.pk}/findings/new/",
        {
            "topic": "construction",
            "description": "Tường rào chưa xây",
            "latitude": "20,123456",
            "longitude": "105,9",
            "observed_at": "2026-03-02 09:30",
            "evidence": SimpleUploadedFile("site.jpg", buffer.getvalue(), "image/jpeg"),
            "caption": "Góc phía bắc",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    evidence = Evidence.objects.get()
    assert evidence.finding.latitude == Decimal("20.123456") and evidence.latitude == Decimal("20.123456")
    assert evidence.taken_at is not None


def test_the_register_lists_wastewater_violations_with_the_inspection_ones(page, api, boss, cluster):
    plant = make_plant(cluster, name="Trạm Phú Xuyên")
    sample(plant, "2026-03-10", {"COD": 500})
    visit = done(make_inspection(boss, cluster), boss)
    make_violation(boss, visit, deadline=datetime.date(2026, 4, 1))
    rows = api.get("/api/violations/", {"cluster": cluster.pk}).json()["results"]
    assert {r["source"] for r in rows} == {"inspection", "wastewater"}
    assert all(r["cluster_id"] == cluster.pk for r in rows)
    overdue = api.get("/api/violations/", {"overdue": "true", "source": "inspection"}).json()["results"]
    assert [r["description"] for r in overdue] == ["Chưa có giấy phép xây dựng"]
    html = page.get(f"/inspections/violations/?cluster={cluster.pk}").content.decode()
    assert "Trạm Phú Xuyên" in html and "Chưa có giấy phép xây dựng" in html
    xlsx = page.get("/inspections/violations/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_results_report_as_page_xlsx_and_pdf(page, boss, cluster):
    visit = done(make_inspection(boss, cluster, topics=("construction", "labour")), boss)
    make_violation(boss, visit, deadline=datetime.date(2026, 4, 1))
    html = page.get("/inspections/reports/?by=topic").content.decode()
    assert 'id="report-table"' in html
    assert page.get("/inspections/reports/?by=province&export=xlsx").status_code == 200
    pdf = page.get("/inspections/reports/?by=commune&export=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_cluster_page_shows_overdue_corrective_actions(page, boss, cluster):
    visit = done(make_inspection(boss, cluster), boss)
    make_violation(boss, visit, deadline=datetime.date(2026, 3, 3))
    html = page.get(f"/clusters/{cluster.pk}/").content.decode()
    assert 'id="inspections-panel"' in html and 'id="inspections-overdue"' in html


def test_the_migration_copies_every_construction_visit_into_inspections(boss, cluster):
    plan = VisitPlan.objects.create(
        title="Lịch thăm 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        frequency_months=3,
        status="approved",
        approved_by=boss,
    )
    visit = PlannedVisit.objects.create(plan=plan, cluster=cluster, due_on=datetime.date(2025, 4, 30), notes="Quý 2")
    first = VisitRecord.objects.create(
        cluster=cluster,
        planned_visit=visit,
        visited_on=datetime.date(2025, 4, 20),
        inspector=boss,
        findings="San nền 60%",
        recommendations="Đẩy nhanh",
    )
    VisitPhoto.objects.create(record=first, file="visits/2025/a.jpg", caption="Mặt bằng")
    VisitRecord.objects.create(
        cluster=cluster, visited_on=datetime.date(2025, 6, 1), inspector=boss, findings="Đột xuất"
    )
    migration = importlib.import_module("icis.inspections.migrations.0003_copy_construction_visits")
    migration.copy_visits(apps, None)
    migration.copy_visits(apps, None)  # a second run copies nothing twice
    copy = InspectionPlan.objects.get(source=f"construction.VisitPlan:{plan.pk}")
    assert (copy.title, copy.status, copy.approved_by, copy.year) == ("Lịch thăm 2025", "approved", boss, 2025)
    planned = Inspection.objects.get(plan=copy)
    assert (planned.due_on, planned.planned_month, planned.summary, planned.status) == (
        datetime.date(2025, 4, 30),
        4,
        "Quý 2",
        "done",
    )
    assert planned.inspected_on == datetime.date(2025, 4, 20) and planned.recommendations == "Đẩy nhanh"
    assert list(planned.team.all()) == [boss]
    assert [c.topic for c in planned.checklists.all()] == ["construction"]
    (finding,) = planned.findings.all()
    assert finding.description == "San nền 60%"
    assert [(e.file.name, e.caption) for e in finding.evidence.all()] == [("visits/2025/a.jpg", "Mặt bằng")]
    ad_hoc = Inspection.objects.get(plan=None)
    assert ad_hoc.inspected_on == datetime.date(2025, 6, 1) and ad_hoc.findings.get().description == "Đột xuất"
    assert Inspection.objects.count() == 2


def test_inspection_lists_place_undated_rows_the_same_way_on_every_database(page, boss, cluster):
    # NULLs sort last ascending and first descending on PostgreSQL, the other way round on SQLite
    plan = make_plan(boss)
    unmonthly = make_inspection(boss, cluster, plan=plan)
    monthly = make_inspection(boss, cluster, plan=plan, planned_month=5)
    entries = [entry for entry, _conflict in page.get(f"/inspections/plans/{plan.pk}/").context["entries"]]
    assert entries == [monthly, unmonthly]
    inspected = done(make_inspection(boss, cluster), boss)
    listed = list(page.get("/inspections/").context["object_list"])
    assert listed == [monthly, unmonthly, inspected]


def test_the_inspections_default_order_is_the_same_on_every_database(boss, cluster):
    # not yet inspected first, then newest, entries without a month after the others (what the inspection
    # list shows); "-inspected_on, planned_month" put NULLs the other way round on SQLite
    plan = make_plan(boss)
    unmonthly = make_inspection(boss, cluster, plan=plan)
    monthly = make_inspection(boss, cluster, plan=plan, planned_month=5)
    inspected = done(make_inspection(boss, cluster), boss)
    assert list(Inspection.objects.all()) == [monthly, unmonthly, inspected]
    assert list(plan.inspections.all()) == [monthly, unmonthly]
