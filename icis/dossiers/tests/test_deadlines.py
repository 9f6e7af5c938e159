"""Issue 13: the procedure's deadlines as versioned data, the statutory calendar for any year, and the
working-day API. These use the shipped calendar (the data migration's), not the tests' fixture one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from icis.clusters.choices import ClusterStatus
from icis.dossiers import selectors, services
from icis.dossiers.calendar import WorkingCalendar, statutory_days_off
from icis.dossiers.models import HolidayKind, ProcedureDeadline, ProcedureVersion, PublicHoliday
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/calendar/add-working-days/"


# The acceptance dates of the issue -----------------------------------------------------------------------


def test_5_working_days_from_29_12_2026_end_on_6_1_2027():
    # Wed 30, Thu 31, then New Year 2027 (Friday, generated although 2027 has no data yet), Mon 4, Tue 5, Wed 6.
    calendar = WorkingCalendar.from_db()
    assert calendar.add_working_days(D(2026, 12, 29), 5) == D(2027, 1, 6)
    assert any("2027" in warning for warning in calendar.caveats(D(2026, 12, 29), D(2027, 1, 6)))


def test_3_working_days_from_29_4_2025_end_on_7_5_2025():
    # 30/4, 1/5 holidays; Friday 2/5 swapped for Saturday 26/4 (Thông báo 6150/TB-BLĐTBXH); Mon 5, Tue 6, Wed 7.
    calendar = WorkingCalendar.from_db()
    assert calendar.add_working_days(D(2025, 4, 29), 3) == D(2025, 5, 7)
    assert calendar.is_working_day(D(2025, 4, 26))
    assert calendar.caveats(D(2025, 4, 29), D(2025, 5, 7)) == []
    swap = PublicHoliday.objects.get(date=D(2025, 5, 2))
    assert swap.confirmed and "6150/TB-BLĐTBXH" in swap.source and swap.kind == HolidayKind.SWAP


def test_a_new_deadline_version_applies_only_to_dossiers_opened_from_its_date(hanoi, boss):
    amended = ProcedureVersion.objects.create(
        code="amending-test",
        title="Amending decree (test)",
        legal_basis="Nghị định sửa đổi (thử nghiệm)",
        effective_from=D(2026, 9, 15),
        is_verified=False,
    )
    ProcedureDeadline.objects.create(
        version=amended,
        step=2,
        anchor="opened",
        legs=[{"days": 3, "unit": "working"}],
        basis="Nghị định sửa đổi, Điều 10 khoản 1",
        text_vi="3 ngày làm việc kể từ {date}",
        text_en="3 working days from {date}",
    )
    before = services.dossier_open(
        cluster=make_cluster(status=ClusterStatus.PLANNED, area_ha=30),
        kind="establish",
        opened_on=D(2026, 9, 14),
        actor=boss,
    )
    after = services.dossier_open(
        cluster=make_cluster(status=ClusterStatus.PLANNED, area_ha=30),
        kind="establish",
        opened_on=D(2026, 9, 15),
        actor=boss,
    )
    old, new = selectors.dossier_state(before), selectors.dossier_state(after)
    assert old.procedure.code == "nd32-2024-dieu-10" and old.rungs[1].rule.version == "nd32-2024-dieu-10"
    assert old.rungs[1].due == D(2026, 9, 21)  # Mon 14 + 5 working days
    assert new.procedure == amended and new.rungs[1].rule.version == "amending-test"
    assert new.rungs[1].due == D(2026, 9, 18)  # Tue 15 + 3 working days
    # The amending version sets no other deadline: the older dossier keeps all four of Decree 32.
    assert [r.number for r in new.rungs if r.rule] == [2]
    assert [r.number for r in old.rungs if r.rule] == [2, 3, 9, 10]


def test_the_api_names_the_deadline_version_of_each_step(api, hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED, area_ha=30)
    dossier = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 1, 6), actor=boss)
    body = api.get(f"/api/dossiers/{dossier.pk}/").json()
    assert body["procedure"]["code"] == "nd32-2024-dieu-10"
    step2 = next(s for s in body["steps"] if s["number"] == 2)
    assert step2["deadline_version"] == "nd32-2024-dieu-10" and "Điều 10 khoản 1" in step2["legal_basis"]
    assert next(s for s in body["steps"] if s["number"] == 4)["deadline_version"] is None


def test_a_dossier_opened_before_any_version_has_no_invented_deadline(hanoi, boss, page):
    cluster = make_cluster(status=ClusterStatus.PLANNED, area_ha=30)
    dossier = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2023, 6, 1), actor=boss)
    state = selectors.dossier_state(dossier)
    assert state.procedure is None and all(r.due is None and r.rule is None for r in state.rungs)
    html = page.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'id="procedure-version"' in html and 'id="working-day-calculator"' in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legs": []}, "legs"),
        ({"legs": [{"days": 0, "unit": "working"}]}, "legs"),
        ({"legs": [{"days": 5, "unit": "weeks"}]}, "legs"),
        ({"legs": [{"days": "5", "unit": "working"}]}, "legs"),
        ({"legs": [{"days": 5, "unit": "working", "extra": 1}]}, "legs"),
        ({"anchor": "step", "anchor_step": None}, "anchor_step"),
        ({"anchor": "step", "anchor_step": 2}, "anchor_step"),
        ({"anchor": "opened", "anchor_step": 1}, "anchor_step"),
        ({"text_vi": "{ngay}"}, "text_vi"),
    ],
)
def test_a_deadline_row_that_cannot_be_counted_is_refused_with_its_field(changes, field):
    version = ProcedureVersion.objects.get(code="nd32-2024-dieu-10")
    values = {
        "version": version,
        "step": 2,
        "anchor": "opened",
        "legs": [{"days": 5, "unit": "working"}],
        "basis": "x",
        "text_vi": "{date}",
        "text_en": "{date}",
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        ProcedureDeadline(**values).clean()
    assert field in refused.value.error_dict


# The calendar for any year ---------------------------------------------------------------------------------


def test_fixed_date_holidays_are_generated_for_any_year_with_days_in_lieu():
    assert set(statutory_days_off(2031)) >= {D(2031, 1, 1), D(2031, 4, 30), D(2031, 5, 1), D(2031, 9, 2)}
    # 2027: 1/5 is a Saturday → Monday 3/5 off (Labour Code Art 111.3).
    assert D(2027, 5, 3) in statutory_days_off(2027) and D(2027, 5, 1) not in statutory_days_off(2027)
    # 2028: 1/1 Saturday → Monday 3/1; 30/4 Sunday and 1/5 Monday → Tuesday 2/5.
    assert D(2028, 1, 3) in statutory_days_off(2028) and D(2028, 5, 2) in statutory_days_off(2028)
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(D(2099, 9, 2)) or D(2099, 9, 2).weekday() >= 5
    assert calendar.add_working_days(D(2027, 4, 29), 1) == D(2027, 5, 4)  # Fri 30/4, weekend, Mon 3/5 in lieu


def test_a_year_without_lunar_holidays_or_second_national_day_warns_instead_of_guessing():
    calendar = WorkingCalendar.from_db()
    warnings = calendar.caveats(D(2027, 8, 25), D(2027, 9, 10))
    assert any("Tết" in w and "2027" in w for w in warnings)
    assert any("National Day" in w and "2027" in w for w in warnings)
    # Recorded years: 2026's second National Day rows are unconfirmed, so those dates are named instead.
    warnings_2026 = calendar.caveats(D(2026, 8, 25), D(2026, 9, 10))
    assert any("01/09/2026" in w for w in warnings_2026) and not any("Tết" in w for w in warnings_2026)


def test_recording_tet_and_hung_kings_for_a_year_removes_its_warning():
    PublicHoliday.objects.create(date=D(2027, 2, 8), name="Tết", kind=HolidayKind.TET, source="test")
    calendar = WorkingCalendar.from_db()
    assert any("2027" in w for w in calendar.caveats(D(2027, 2, 1), D(2027, 2, 20)))  # Hùng Kings still missing
    PublicHoliday.objects.create(date=D(2027, 4, 16), name="Giỗ Tổ", kind=HolidayKind.HUNG_KINGS, source="test")
    calendar = WorkingCalendar.from_db()
    assert calendar.caveats(D(2027, 2, 1), D(2027, 2, 20)) == []
    assert not calendar.is_working_day(D(2027, 2, 8))


# GET /api/calendar/add-working-days/ ----------------------------------------------------------------------


def test_add_working_days_api(api):
    body = api.get(URL, {"start": "2026-12-29", "days": 5}).json()
    assert body["date"] == "2027-01-06" and any("2027" in w for w in body["warnings"])
    assert api.get(URL, {"start": "2025-04-29", "days": 3}).json() == {"date": "2025-05-07", "warnings": []}
    assert api.get(URL, {"start": "2025-04-29", "days": 0}).json()["date"] == "2025-04-29"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "29/12/2026", "days": 5}, "start"),
        ({"start": "2026-02-30", "days": 5}, "start"),
        ({"start": "1800-01-01", "days": 5}, "start"),
        ({"start": "9999-12-31", "days": 5}, "start"),
        ({"days": 5}, "start"),
        ({"start": "2026-12-29", "days": -1}, "days"),
        ({"start": "2026-12-29", "days": "five"}, "days"),
        ({"start": "2026-12-29", "days": 1001}, "days"),
        ({"start": "2026-12-29", "days": "1e9"}, "days"),
        ({"start": "2026-12-29"}, "days"),
    ],
)
def test_add_working_days_api_refuses_bad_input_naming_the_field(api, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and [e["field"] for e in body["errors"]] == [field]


def test_add_working_days_api_needs_a_login_and_is_in_the_openapi_schema(api):
    assert APIClient().get(URL, {"start": "2026-12-29", "days": 5}).status_code == 401
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"start", "days"}
    assert "400" in operation["responses"]


# The administration: versions entered without code; the mountainous flag by DoIT ---------------------------


def test_an_amending_version_is_entered_in_the_administration(page):
    assert page.get("/admin/dossiers/procedureversion/").status_code == 200
    version = ProcedureVersion.objects.get(code="nd32-2024-dieu-10")
    assert page.get(f"/admin/dossiers/procedureversion/{version.pk}/change/").status_code == 200
    form = {
        "code": "amending-admin",
        "title": "Nghị định sửa đổi (thử nghiệm)",
        "legal_basis": "Nghị định sửa đổi, Điều 10",
        "effective_from": "2026-09-15",
        "is_verified": "",
        "notes": "",
        "deadlines-TOTAL_FORMS": "1",
        "deadlines-INITIAL_FORMS": "0",
        "deadlines-0-step": "2",
        "deadlines-0-anchor": "opened",
        "deadlines-0-legs": '[{"days": 7, "unit": "weeks"}]',
        "deadlines-0-basis": "Điều 10 khoản 1",
        "deadlines-0-text_vi": "{date}",
        "deadlines-0-text_en": "{date}",
    }
    refused = page.post("/admin/dossiers/procedureversion/add/", form)
    assert refused.status_code == 200 and not ProcedureVersion.objects.filter(code="amending-admin").exists()
    form["deadlines-0-legs"] = '[{"days": 3, "unit": "working"}]'
    assert page.post("/admin/dossiers/procedureversion/add/", form).status_code == 302
    version = ProcedureVersion.objects.get(code="amending-admin")
    assert version.history.exists() and version.deadlines.get().legs == [{"days": 3, "unit": "working"}]


def test_a_doit_officer_sets_the_mountainous_flag_and_nothing_else_of_a_commune(client, hanoi):
    from icis.accounts import roles
    from icis.geo.models import Commune
    from icis.testing.factories import person

    officer = person("doit-staff", roles.DOIT_OFFICER)
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    commune = Commune.objects.get(code="10273")
    url = f"/admin/geo/commune/{commune.pk}/change/"
    assert client.get(url).status_code == 200
    missing_source = client.post(url, {"mountainous": "true", "mountainous_source": "", "name": "Đổi tên"})
    assert missing_source.status_code == 200
    commune.refresh_from_db()
    assert not commune.mountainous
    done = client.post(
        url, {"mountainous": "true", "mountainous_source": "Quyết định thử nghiệm số 1", "name": "Đổi tên"}
    )
    assert done.status_code == 302
    commune.refresh_from_db()
    assert commune.mountainous and commune.mountainous_source == "Quyết định thử nghiệm số 1"
    assert commune.name != "Đổi tên"
    leader = person("leader-staff", roles.CITY_LEADER)
    leader.is_staff = True
    leader.save()
    client.force_login(leader)
    assert client.post(url, {"mountainous": ""}).status_code == 403
