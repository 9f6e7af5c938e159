"""Field work offline, the server side: the day's route and the sync of what a phone recorded offline
(idempotent by client id, scoped to the inspector's own inspections, conflicts answered with both sides)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from icis.accounts import roles
from icis.inspections import services
from icis.inspections.choices import ViolationStatus
from icis.inspections.models import ChecklistAnswer, Evidence, Finding, FollowUp
from icis.testing.factories import make_cluster, person
from icis.testing.files import png
from icis.testing.personas import PERSONAS, api_client_for

from .factories import done, make_inspection, make_violation

pytestmark = pytest.mark.django_db
SYNC = "/api/inspections/sync/"
ROUTE = "/api/inspections/route/"


@pytest.fixture
def field(hanoi, boss):
    """An inspector with today's follow-up visit of cluster A (an earlier visit found a violation still
    open), another inspector's visit of cluster B, and a visit of A on another day."""
    inspector = person("thanh-tra", roles.INSPECTOR)
    other = person("thanh-tra-2", roles.INSPECTOR)
    a = make_cluster(name="Cụm Phú Xuyên", area_ha=30)
    b = make_cluster(name="Cụm Đông Phú Yên", area_ha=20)
    today = timezone.localdate()
    earlier = done(make_inspection(boss, a), boss, day=today)
    violation = make_violation(boss, earlier, deadline=today + datetime.timedelta(days=30))
    visit = services.inspection_create(
        data={"subject_kind": "cluster", "cluster": a, "due_on": today},
        topics=("construction", "environment"),
        team=(inspector,),
        actor=boss,
    )
    theirs = services.inspection_create(
        data={"subject_kind": "cluster", "cluster": b, "due_on": today},
        topics=("construction",),
        team=(other,),
        actor=boss,
    )
    later = services.inspection_create(
        data={"subject_kind": "cluster", "cluster": a, "due_on": today + datetime.timedelta(days=3)},
        topics=("construction",),
        team=(inspector,),
        actor=boss,
    )
    item = visit.checklists.get(topic="construction").items.first()
    return {
        "inspector": inspector,
        "other": other,
        "visit": visit,
        "theirs": theirs,
        "later": later,
        "violation": violation,
        "item": item,
        "boss": boss,
    }


def post(user, data, **extra):
    return api_client_for(user).post(SYNC, data, **extra)


def test_the_route_lists_my_inspections_of_the_day_with_subject_checklists_and_open_violations(field):
    answer = api_client_for(field["inspector"]).get(ROUTE)
    assert answer.status_code == 200
    body = answer.json()
    assert [i["id"] for i in body["inspections"]] == [field["visit"].pk]
    visit = body["inspections"][0]
    assert {c["topic"] for c in visit["checklists"]} == {"construction", "environment"}
    assert all(item["legal_basis"] for c in visit["checklists"] for item in c["items"])
    assert [v["id"] for v in visit["carried_forward"]] == [field["violation"].pk]
    assert visit["carried_forward"][0]["version"] == field["violation"].version
    assert "Cụm Phú Xuyên" in " ".join(value for _label, value in visit["subject"])
    later = api_client_for(field["inspector"]).get(ROUTE, {"day": field["later"].due_on.isoformat()}).json()
    assert [i["id"] for i in later["inspections"]] == [field["later"].pk]


def test_a_finding_with_photo_position_and_time_is_stored_once_however_often_it_is_sent(field):
    client_id, photo_id = uuid.uuid4(), uuid.uuid4()
    observed = "2026-11-30T02:15:00+00:00"

    def send():
        return post(
            field["inspector"],
            {
                "kind": "finding",
                "client_id": str(client_id),
                "inspection": field["visit"].pk,
                "item": field["item"].pk,
                "description": "Tường rào phía bắc chưa xây",
                "latitude": "20.7412345678",
                "longitude": "105.9112345678",
                "observed_at": observed,
                "photo": SimpleUploadedFile("anh.png", png(), content_type="image/png"),
                "photo_client_id": str(photo_id),
            },
            format="multipart",
        )

    first, second = send(), send()
    assert first.status_code == second.status_code == 200, first.content
    assert first.json()["id"] == second.json()["id"]
    finding = Finding.objects.get(client_id=client_id)
    assert finding.inspection == field["visit"] and finding.recorded_by == field["inspector"]
    assert finding.topic == "construction" and finding.item == field["item"]
    assert (finding.latitude, finding.longitude) == (Decimal("20.741235"), Decimal("105.911235"))
    assert finding.observed_at == datetime.datetime(2026, 11, 30, 2, 15, tzinfo=datetime.UTC)
    evidence = Evidence.objects.get(finding=finding)
    assert evidence.client_id == photo_id and evidence.taken_at == finding.observed_at
    assert evidence.latitude == finding.latitude
    assert Finding.objects.count() == 1 and Evidence.objects.count() == 1


def test_an_answer_is_stored_and_sending_it_again_changes_nothing(field):
    data = {
        "kind": "answer",
        "client_id": str(uuid.uuid4()),
        "inspection": field["visit"].pk,
        "item": field["item"].pk,
        "answer": "not_compliant",
        "note": "Thiếu biển báo",
        "base_version": 0,
    }
    assert post(field["inspector"], data, format="json").status_code == 200
    again = post(field["inspector"], data, format="json")
    assert again.status_code == 200
    row = ChecklistAnswer.objects.get(inspection=field["visit"], item=field["item"])
    assert (row.answer, row.note, row.version) == ("not_compliant", "Thiếu biển báo", 1)


def test_an_answer_the_office_gave_meanwhile_is_a_conflict_with_both_sides(field):
    services.answer_set(
        inspection=field["visit"], item=field["item"], answer="compliant", note="Đã kiểm tra", actor=field["boss"]
    )
    data = {
        "kind": "answer",
        "client_id": str(uuid.uuid4()),
        "inspection": field["visit"].pk,
        "item": field["item"].pk,
        "answer": "not_compliant",
        "base_version": 0,
    }
    conflict = post(field["inspector"], data, format="json")
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["mine"]["answer"] == "not_compliant"
    assert body["theirs"]["answer"] == "compliant" and body["theirs"]["by"] == "boss"
    assert ChecklistAnswer.objects.get(item=field["item"]).answer == "compliant"
    resent = post(field["inspector"], {**data, "base_version": body["current_version"]}, format="json")
    assert resent.status_code == 200
    assert ChecklistAnswer.objects.get(item=field["item"]).answer == "not_compliant"


def test_a_follow_up_of_a_violation_the_office_changed_meanwhile_is_a_conflict_until_resent(field):
    violation = field["violation"]
    downloaded = violation.version
    later = timezone.localdate() + datetime.timedelta(days=60)
    services.violation_update(violation=violation, data={"deadline": later}, actor=field["boss"])
    data = {
        "kind": "follow_up",
        "client_id": str(uuid.uuid4()),
        "inspection": field["visit"].pk,
        "violation": violation.pk,
        "result": "remedied",
        "note": "Đã có giấy phép",
        "base_version": downloaded,
    }
    conflict = post(field["inspector"], data, format="json")
    assert conflict.status_code == 409, conflict.content
    body = conflict.json()
    assert body["mine"]["result"] == "remedied"
    assert body["theirs"]["deadline"] == later.isoformat() and body["theirs"]["status"] == "open"
    assert any(c["field"] == "deadline" for c in body["changes"])
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.OPEN and not FollowUp.objects.exists()
    resent = post(field["inspector"], {**data, "base_version": body["current_version"]}, format="json")
    assert resent.status_code == 200
    again = post(field["inspector"], {**data, "base_version": body["current_version"]}, format="json")
    assert again.status_code == 200 and again.json()["id"] == resent.json()["id"]
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.REMEDIED and FollowUp.objects.count() == 1


def test_an_inspector_cannot_write_to_someone_elses_inspection_or_reach_foreign_records(field, boss):
    mine = field["visit"]
    theirs = field["theirs"]
    base = {"kind": "finding", "client_id": str(uuid.uuid4()), "description": "x"}
    # Another team's inspection: not found, nothing stored.
    assert post(field["inspector"], {**base, "inspection": theirs.pk}, format="json").status_code == 404
    # A checklist item of another inspection's checklist (labour is on neither).
    foreign_item = services.current_checklists(["labour"])[0].items.first()
    answer = {
        "kind": "answer",
        "client_id": str(uuid.uuid4()),
        "inspection": mine.pk,
        "item": foreign_item.pk,
        "answer": "compliant",
    }
    assert post(field["inspector"], answer, format="json").status_code == 400
    # A violation of another subject, outside the inspector's plans: not even there (404), unchanged.
    today = timezone.localdate()
    other_visit = done(make_inspection(boss, theirs.cluster), boss, day=today)
    other_violation = make_violation(boss, other_visit, deadline=today + datetime.timedelta(days=30))
    follow = {
        "kind": "follow_up",
        "client_id": str(uuid.uuid4()),
        "inspection": mine.pk,
        "violation": other_violation.pk,
        "result": "remedied",
    }
    assert post(field["inspector"], follow, format="json").status_code == 404
    other_violation.refresh_from_db()
    assert other_violation.status == ViolationStatus.OPEN
    # A client id another inspection's finding already carries: not revealed, not moved.
    stolen = services.finding_create(inspection=theirs, data={"topic": "construction", "description": "y"}, actor=boss)
    replay = {**base, "client_id": str(stolen.client_id), "inspection": mine.pk}
    assert post(field["inspector"], replay, format="json").status_code == 404
    stolen.refresh_from_db()
    assert stolen.inspection == theirs
    assert not Finding.objects.filter(inspection=mine).exists()


def test_only_the_team_writes_to_an_inspection(field):
    field["visit"].team.add(field["other"])
    # The other inspector is on the team now: allowed; an inspector not on it is not.
    data = {"kind": "finding", "client_id": str(uuid.uuid4()), "inspection": field["visit"].pk, "description": "z"}
    assert post(field["other"], data, format="json").status_code == 200
    data["client_id"] = str(uuid.uuid4())
    assert post(person("thanh-tra-3", roles.INSPECTOR), data, format="json").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_field_roles_may_download_a_route_or_sync(field, persona, world):
    user = world["users"][persona]
    client = api_client_for(user)
    route = client.get(ROUTE)
    sync = client.post(
        SYNC,
        {"kind": "finding", "client_id": str(uuid.uuid4()), "inspection": field["visit"].pk, "description": "z"},
        format="json",
    )
    page = Client()
    if user is not None:
        page.force_login(user)
    html = page.get("/inspections/field/")
    if user is None:
        assert (route.status_code, sync.status_code, html.status_code) == (401, 401, 302)
    elif user.has_perm("inspections.add_finding"):
        assert route.status_code == 200 and route.json()["inspections"] == []  # on no team
        assert sync.status_code == 404 and html.status_code == 200
    else:
        assert (route.status_code, sync.status_code, html.status_code) == (403, 403, 403)


def test_the_service_worker_is_served_from_the_page_path_with_its_scope(client):
    answer = client.get("/inspections/field/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/inspections/field/"
    assert b"inspections/field/app.js" in answer.content


def test_the_field_page_carries_the_urls_and_strings_its_script_needs(field):
    page = Client()
    page.force_login(field["inspector"])
    html = page.get("/inspections/field/").content.decode()
    assert 'data-sync-url="/api/inspections/sync/"' in html
    assert 'id="field-strings"' in html and "<script>" not in html
