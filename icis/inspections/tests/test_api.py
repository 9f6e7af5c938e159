import datetime
import uuid
from decimal import Decimal

import pytest

from icis.inspections.models import Inspection
from icis.tenancy import services as tenancy_services
from icis.testing.factories import make_cluster

from .factories import approve, make_inspection, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(hanoi):
    return make_cluster(name="Cụm Phú Xuyên", area_ha=30, industrial_land_ha=Decimal("20"))


def test_a_plan_and_its_entries_are_made_through_the_api(api, cluster):
    response = api.post("/api/inspection-plans/", {"province": "01", "year": 2026, "title": "KH 2026"}, format="json")
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["status"] == "draft"
    key = str(uuid.uuid4())
    body = {
        "client_id": key,
        "plan": plan["id"],
        "subject_kind": "cluster",
        "cluster": cluster.pk,
        "topics": ["construction", "environment"],
        "planned_month": 6,
    }
    first = api.post("/api/inspections/", body, format="json")
    again = api.post("/api/inspections/", body, format="json")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["id"] == again.json()["id"] and Inspection.objects.count() == 1
    assert first.json()["topics"] == ["construction", "environment"]
    listed = api.get("/api/inspections/", {"topic": "environment"}).json()["results"]
    assert [r["id"] for r in listed] == [first.json()["id"]]


def test_approving_a_plan_with_a_second_regular_inspection_of_a_firm_is_refused(api, boss, cluster):
    firm = tenancy_services.tenant_create(data={"name": "Công ty Gỗ", "tax_code": "0100000012"}, actor=boss)
    tenancy_services.project_create(
        data={"cluster": cluster, "tenant": firm, "land_ha": Decimal("1"), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    first = make_plan(boss)
    make_inspection(boss, cluster, plan=first, tenant=firm)
    approve(first, boss)
    second = make_plan(boss, title="Đột xuất")
    make_inspection(boss, cluster, plan=second, tenant=firm)
    url = f"/api/inspection-plans/{second.pk}/transition/"
    assert api.post(url, {"to": "submitted"}, format="json").status_code == 200
    refused = api.post(url, {"to": "approved"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "art24_conflict"
    assert "không quá một lần trong một năm" in refused.json()["errors"][0]["message"]


def test_a_violation_is_recorded_and_listed_with_the_filters(api, boss, cluster):
    inspection = make_inspection(boss, cluster)
    body = {
        "inspection": inspection.pk,
        "topic": "land_use",
        "description": "Sử dụng đất sai mục đích",
        "legal_basis": "NĐ 32/2024/NĐ-CP Điều 23 khoản 1",
        "severity": "serious",
        "corrective_action": "Trả lại hiện trạng",
        "deadline": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        "responsible": "Công ty",
    }
    created = api.post("/api/violations/", body, format="json")
    assert created.status_code == 201, created.content
    rows = api.get("/api/violations/", {"open": "true", "cluster": cluster.pk}).json()["results"]
    assert [(r["source"], r["description"], r["overdue"]) for r in rows] == [
        ("inspection", "Sử dụng đất sai mục đích", False)
    ]
    assert api.get("/api/violations/", {"overdue": "true"}).json()["results"] == []
    assert api.get("/api/violations/", {"cluster": "x"}).status_code == 400
