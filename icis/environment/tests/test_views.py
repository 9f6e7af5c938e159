import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from icis.clusters.choices import ClusterStatus
from icis.environment.models import Sample, Violation, ViolationStatusChange, WastewaterPlant
from icis.testing.factories import make_cluster

from .factories import day, make_plant, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(hanoi, boss):
    cluster = make_cluster(name="Cụm Phú Xuyên", status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    plant = make_plant(cluster, name="Trạm Phú Xuyên", since="2020-01-01")
    sample(plant, "2026-01-10", {"COD": 50, "pH": 7.2})
    sample(plant, "2026-03-10", {"COD": 80, "pH": 8.5})
    return plant


def test_the_plant_page_shows_the_verdicts_and_the_chart_data_without_inline_script(page, plant):
    response = page.get(f"/environment/plants/{plant.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="effluent-data"' in html and "environment-chart.js" in html
    chart = response.context["chart"]
    cod = next(s for s in chart["series"] if s["code"] == "COD")
    assert [p["y"] for p in cod["points"]] == [50.0, 80.0]
    assert [p["y"] for p in cod["limit"]] == [67.5, 67.5]
    assert chart["default"] == "COD"
    ph = next(s for s in chart["series"] if s["code"] == "pH")
    assert ph["limit_min"][0]["y"] == 6.0
    assert "<script>" not in html
    assert not response.context["standing"].meets


def test_the_board_lists_open_violations_by_deadline(page, plant):
    response = page.get("/environment/")
    assert response.status_code == 200
    assert [v.parameter.code for v in response.context["violations"]] == ["COD"]
    assert "Trạm Phú Xuyên" in response.content.decode()
    response = page.get("/environment/?date=15/03/2026")
    assert response.context["day"] == day("2026-03-15")


def test_the_cluster_page_shows_the_wastewater_panel(page, plant):
    cluster = plant.clusters.get()
    html = page.get(f"/clusters/{cluster.pk}/").content.decode()
    assert 'id="environment-panel"' in html and "13: 1" in html and "14: 0" in html


def test_a_sample_is_entered_on_the_page_and_bad_values_are_shown_on_their_row(page, plant):
    url = f"/environment/plants/{plant.pk}/samples/new/"
    assert page.get(url).status_code == 200
    bad = page.post(url, {"sampled_on": "11/03/2026", "point": "outlet", "v_COD": "80", "u_COD": "ppb"})
    assert bad.status_code == 200 and "ppb" in str(bad.context["form"].errors)
    good = page.post(
        url, {"sampled_on": "11/03/2026", "point": "outlet", "v_COD": "60", "u_COD": "mg/l", "v_Hg": "<0.001"}
    )
    assert good.status_code == 302
    latest = Sample.objects.filter(plant=plant).order_by("-id").first()
    assert {v.parameter.code for v in latest.values.all()} == {"COD", "Hg"}


def test_a_plant_is_created_on_the_page(page, hanoi):
    cluster = make_cluster(name="Cụm mới", status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    assert page.get(f"/environment/plants/new/?cluster={cluster.pk}").status_code == 200
    response = page.post(
        "/environment/plants/new/",
        {
            "name": "Trạm mới",
            "clusters": [cluster.pk],
            "capacity_m3_day": "500",
            "receiving_class": "B",
            "kq": "1.0",
            "kf": "1.1",
            "status": "under_construction",
            "status_date": "01/02/2026",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    plant = WastewaterPlant.objects.get(name="Trạm mới")
    assert plant.status == "under_construction" and plant.status_since == day("2026-02-01")


def test_the_import_page_lists_errors_by_row(page, plant):
    url = f"/environment/plants/{plant.pk}/import/"
    upload = SimpleUploadedFile("x.csv", b"date,parameter,value,unit\n2026-03-01,COD,1,ppb\n")
    response = page.post(url, {"file": upload})
    assert response.status_code == 200
    assert response.context["row_errors"][0]["row"] == 2


def test_a_violation_is_closed_on_its_page(page, plant):
    violation = Violation.objects.get()
    url = f"/environment/violations/{violation.pk}/"
    assert page.get(url).status_code == 200
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert page.post(url, {"to": "closed", "date": today, "note": "re-sampled"}).status_code == 302
    violation.refresh_from_db()
    assert violation.status == "closed" and "re-sampled" in violation.resolution
    timeline = page.get(url).content.decode().split('id="violation-timeline"')[1].split("</ol>")[0]
    assert today in timeline and "re-sampled" in timeline  # the typed status rows, newest first


def test_a_violations_page_lists_undated_steps_after_dated_ones_on_every_database(page, plant):
    # the page reads the rows' default order: NULLs first in a descending order on PostgreSQL, last on SQLite
    violation = Violation.objects.get()
    ViolationStatusChange.objects.create(violation=violation, from_status=violation.status, to_status="closed")
    changes = page.get(f"/environment/violations/{violation.pk}/").context["status_changes"]
    assert [change.effective_on is None for change in changes] == [False, True]


def test_the_regulation_page_shows_the_loaded_table(page):
    html = page.get("/environment/regulations/").content.decode()
    assert "QCVN 40:2011/BTNMT" in html and "⚠" in html
    assert "could not be sourced" in html and "CL_RES (column A)" in html


def test_the_connection_page_renders(page, plant):
    assert page.get("/environment/connections/").status_code == 200
    assert page.get("/environment/connections/new/").status_code == 200


def test_an_investor_does_not_reach_another_investors_plant_page(world, boss):
    other = make_plant(world["b"], name="Trạm B")
    from django.test import Client

    client = Client()
    client.force_login(world["users"]["investor"])
    assert client.get(f"/environment/plants/{other.pk}/").status_code == 404
    assert client.get(f"/environment/plants/{other.pk}/samples/new/").status_code == 404
    own = make_plant(world["a"], name="Trạm A")
    assert client.get(f"/environment/plants/{own.pk}/samples/new/").status_code == 200
    assert client.get(f"/environment/plants/{own.pk}/edit/").status_code == 403
    assert json.loads(client.get("/api/wwtps/").content)["count"] == 1


def test_blank_factors_are_flagged_on_the_plant_page_the_sample_and_the_violation(page, hanoi, boss):
    cluster = make_cluster(name="Cụm thiếu hệ số", status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    blank = make_plant(cluster, name="Trạm thiếu hệ số", receiving_class="B", kq=None, kf=None)
    sample(blank, "2026-03-10", {"COD": 320, "BOD5": "85.5"})
    html = page.get(f"/environment/plants/{blank.pk}/").content.decode()
    assert 'id="factors-not-set"' in html and "strictest factors the regulation allows (Kq 0.6, Kf 0.9)" in html
    assert html.count("factors-not-set") >= 4  # the facts, the sample and both violations
    violation = Violation.objects.filter(plant=blank).first()
    html = page.get(f"/environment/violations/{violation.pk}/").content.decode()
    assert 'id="factors-not-set"' in html and "Factors not set" in html


def test_a_sample_entered_on_the_page_keeps_other_parameters_and_shows_them_not_judged(page, plant):
    url = f"/environment/plants/{plant.pk}/samples/new/"
    bad = page.post(url, {"sampled_on": "11/03/2026", "point": "outlet", "v_COD": "60", "other": "Dioxin 0,5"})
    assert bad.status_code == 200 and "Line 1" in str(bad.context["form"].errors["other"])
    wrong = page.post(url, {"sampled_on": "11/03/2026", "point": "outlet", "other": "Dioxin; lots; ng/l"})
    assert wrong.status_code == 200 and "Give a number" in str(wrong.context["form"].errors["other"])
    good = page.post(
        url, {"sampled_on": "11/03/2026", "point": "outlet", "v_COD": "60", "other": "Dioxin; 0,5; ng/l\nCN; 0.01"}
    )
    assert good.status_code == 302
    latest = Sample.objects.filter(plant=plant).order_by("-id").first()
    assert latest.other_values == [{"parameter": "Dioxin", "value": "0.5", "qualifier": "", "unit": "ng/l"}]
    assert {v.parameter.code for v in latest.values.all()} == {"COD", "CN"}
    html = page.get(f"/environment/plants/{plant.pk}/").content.decode()
    assert "Dioxin" in html and "not judged: no limit in the regulation" in html
