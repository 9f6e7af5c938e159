"""The API contract of the issue, scoping by role, and the error answers."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from icis.clusters.choices import ClusterStatus
from icis.environment import services
from icis.environment.models import Sample, Violation, WastewaterPlant
from icis.testing.factories import make_cluster
from icis.testing.personas import api_client_for

from .factories import day, make_plant, sample

pytestmark = pytest.mark.django_db


def test_acceptance_through_the_api(api, hanoi):
    cluster = make_cluster(name="Cụm A", status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    created = api.post(
        "/api/wwtps/",
        {
            "clusters": [cluster.pk],
            "capacity_m3_day": 1200,
            "status": "operating",
            "status_date": "2020-01-01",
            "receiving_class": "A",
            "kq": 0.9,
            "kf": 1.0,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    plant = created.json()
    assert (plant["status"], plant["clusters"], plant["kq"], plant["receiving_class"]) == (
        "operating",
        [cluster.pk],
        0.9,
        "A",
    )

    response = api.post(
        f"/api/wwtps/{plant['id']}/samples/",
        {"sampled_on": "2026-03-10", "point": "outlet", "values": {"COD": 80, "pH": 8.5}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["compliance"]["COD"]["limit"] == 67.5
    assert body["compliance"]["COD"]["value"] == 80
    assert body["compliance"]["COD"]["compliant"] is False
    assert body["compliance"]["pH"]["compliant"] is True
    assert (body["compliance"]["pH"]["limit_min"], body["compliance"]["pH"]["limit"]) == (6, 9)
    assert body["regulation"] == "QCVN 40:2011/BTNMT" and body["column"] == "A"
    assert body["outcome"] == "exceeded" and len(body["violations"]) == 1

    items = api.get(f"/api/environment/clusters/{cluster.pk}/?as_of=2026-03-20").json()
    assert (items["item_13"], items["item_14"]) == (1, 0)
    summary = api.get("/api/environment/summary/?as_of=2026-03-20").json()
    assert summary["plants_not_meeting_standard"] == 1
    assert summary["circular14"] == {"26": 1, "27": 0}
    assert summary["clusters_operating_without_plant"] == 0


def test_values_may_be_objects_with_unit_and_qualifier(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    response = api.post(
        f"/api/wwtps/{plant.pk}/samples/",
        {
            "sampled_on": "2026-03-10",
            "values": {"Pb": {"value": 20, "unit": "µg/l"}, "Hg": {"value": 0.001, "unit": "mg/l", "qualifier": "<"}},
        },
        format="json",
    )
    assert response.status_code == 201
    compliance = response.json()["compliance"]
    assert compliance["Pb"]["value"] == 0.02 and compliance["Pb"]["compliant"] is True
    assert compliance["Hg"]["qualifier"] == "<" and compliance["Hg"]["compliant"] is True


def test_unknown_units_and_non_numbers_get_a_400_naming_them_and_nothing_is_written(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    response = api.post(
        f"/api/wwtps/{plant.pk}/samples/",
        {"sampled_on": "2026-03-10", "values": {"COD": {"value": 80, "unit": "ppb"}, "Dioxin": "x", "pH": 7}},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    fields = {(e["field"], e["code"]) for e in body["errors"]}
    assert fields == {("values.COD.unit", "unknown_unit"), ("values.Dioxin", "invalid")}
    assert "ppb" in body["detail"]
    assert not Sample.objects.exists() and not Violation.objects.exists()


def test_an_unknown_parameter_is_kept_and_listed_as_not_judged_while_the_rest_is_judged(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    response = api.post(
        f"/api/wwtps/{plant.pk}/samples/",
        {"sampled_on": "2026-03-10", "values": {"COD": 80, "Dioxin": {"value": 0.5, "unit": "ng/l"}, "CN": 0.05}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body["compliance"]) == {"COD", "CN"}
    assert body["compliance"]["CN"]["compliant"] is True and body["compliance"]["COD"]["compliant"] is False
    assert body["not_judged"] == [
        {
            "parameter": "Dioxin",
            "value": "0.5",
            "qualifier": "",
            "unit": "ng/l",
            "reason": "not judged: no limit in the regulation",
        }
    ]
    assert body["outcome"] == "exceeded" and len(body["violations"]) == 1
    listed = api.get(f"/api/wwtps/{plant.pk}/samples/{body['id']}/").json()
    assert listed["not_judged"][0]["parameter"] == "Dioxin"


def test_a_sample_with_cyanide_and_phenol_is_judged_on_them_through_the_api(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    response = api.post(
        f"/api/wwtps/{plant.pk}/samples/",
        {"sampled_on": "2026-03-10", "values": {"CN": 0.08, "Phenol": 0.05}},
        format="json",
    )
    compliance = response.json()["compliance"]
    assert (compliance["CN"]["limit"], compliance["CN"]["compliant"]) == (0.063, False)
    assert (compliance["PHENOL"]["limit"], compliance["PHENOL"]["compliant"]) == (0.09, True)


def test_blank_factors_through_the_api_judge_with_the_strictest_and_flag_it(api, hanoi):
    cluster = make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    created = api.post(
        "/api/wwtps/",
        {"clusters": [cluster.pk], "capacity_m3_day": 800, "status": "operating", "receiving_class": "B"},
        format="json",
    ).json()
    assert (created["kq"], created["kf"]) == (None, None)
    response = api.post(
        f"/api/wwtps/{created['id']}/samples/",
        {"sampled_on": "2026-03-10", "values": {"COD": 320, "BOD5": 85.5}},
        format="json",
    )
    body = response.json()
    assert (body["kq"], body["kf"], body["factors_assumed"]) == (0.6, 0.9, True)
    assert body["compliance"]["COD"]["limit"] == 81 and body["compliance"]["COD"]["factors_assumed"] is True
    assert body["compliance"]["BOD5"]["compliant"] is False and len(body["violations"]) == 2
    violations = api.get(f"/api/environment/violations/?plant={created['id']}").json()["results"]
    assert {v["parameter"] for v in violations} == {"COD", "BOD5"}
    assert all(v["factors_assumed"] and "Factors not set" in v["description"] for v in violations)


def test_the_status_changes_only_through_the_transition(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")), status="planned")
    response = api.patch(f"/api/wwtps/{plant.pk}/", {"status": "operating"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "status"
    response = api.post(
        f"/api/wwtps/{plant.pk}/transition/",
        {"to": "under_construction", "date": "2025-01-01", "reason": "works began"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "under_construction"


def test_a_stale_if_match_gets_412(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    etag = api.get(f"/api/wwtps/{plant.pk}/")["ETag"]
    assert (
        api.patch(f"/api/wwtps/{plant.pk}/", {"technology": "AAO"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    stale = api.patch(f"/api/wwtps/{plant.pk}/", {"technology": "MBBR"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


def test_continuous_import_answers_with_errors_by_row(api, hanoi):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    bad = SimpleUploadedFile("d.csv", b"date,parameter,value,unit\n2026-03-01,COD,1,mg/l\n2026-03-02,COD,1,ppb\n")
    response = api.post(f"/api/wwtps/{plant.pk}/continuous-import/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "rows[3].unit"
    good = SimpleUploadedFile(
        "d.csv",
        b"date,parameter,value,unit\n2026-03-01,COD,1,mg/l\n2026-03-01,Phenol,0.6,mg/l\n2026-03-01,XYZ,1,mg/l\n",
    )
    response = api.post(f"/api/wwtps/{plant.pk}/continuous-import/", {"file": good}, format="multipart")
    assert response.status_code == 201
    assert (response.json()["days"], response.json()["values"], response.json()["values_not_judged"]) == (1, 2, 1)
    assert response.json()["violations_opened"] == 1  # total phenol 0.6 > 0.45
    (listed,) = api.get(f"/api/wwtps/{plant.pk}/samples/").json()["results"]
    assert [item["parameter"] for item in listed["not_judged"]] == ["XYZ"]
    assert set(listed["compliance"]) == {"COD", "PHENOL"}


def test_violations_are_listed_and_closed_through_the_api(api, hanoi, boss):
    plant = make_plant(make_cluster(status=ClusterStatus.OPERATING, status_date=day("2015-01-01")))
    sample(plant, "2026-03-10", {"COD": 80})
    rows = api.get("/api/environment/violations/?status=open").json()["results"]
    assert [r["parameter"] for r in rows] == ["COD"]
    response = api.post(f"/api/environment/violations/{rows[0]['id']}/transition/", {"to": "closed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_regulations_and_parameters_are_readable(api):
    regulations = api.get("/api/environment/regulations/").json()["results"]
    assert regulations[0]["code"] == "QCVN 40:2011/BTNMT" and len(regulations[0]["limits"]) == 59
    codes = [p["code"] for p in api.get("/api/environment/parameters/").json()]
    assert "COD" in codes and "COLIFORM" in codes


# --- scoping -------------------------------------------------------------------------------------------------


@pytest.fixture
def plants(world, boss):
    a = make_plant(world["a"], name="Trạm A", since="2020-01-01")
    b = make_plant(world["b"], name="Trạm B", since="2020-01-01")
    return {"a": a, "b": b}


def _visible(user):
    return {row["name"] for row in api_client_for(user).get("/api/wwtps/").json()["results"]}


def test_an_investor_sees_its_own_plants_only(world, plants):
    investor = world["users"]["investor"]
    assert _visible(investor) == {"Trạm A"}
    assert api_client_for(investor).get(f"/api/wwtps/{plants['b'].pk}/").status_code == 404
    assert set(WastewaterPlant.objects.restrict(investor).values_list("name", flat=True)) == {"Trạm A"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("doit-officer", {"Trạm A", "Trạm B"}),
        ("city-leader", {"Trạm A", "Trạm B"}),
        ("inspector", {"Trạm A", "Trạm B"}),
        ("commune-official", {"Trạm A"}),
        ("no-role", set()),
    ],
)
def test_lists_follow_the_scope_of_each_role(world, plants, persona, expected):
    assert _visible(world["users"][persona]) == expected


def test_a_plant_serving_two_clusters_is_visible_through_either(world, boss):
    shared = make_plant(world["a"], world["b"], name="Trạm chung")
    official = world["users"]["commune-official"]
    assert api_client_for(official).get(f"/api/wwtps/{shared.pk}/").status_code == 200


def test_an_investor_adds_samples_for_its_own_plants_but_cannot_edit_them(world, plants):
    client = api_client_for(world["users"]["investor"])
    payload = {"sampled_on": "2026-03-10", "values": {"COD": 10}}
    assert client.post(f"/api/wwtps/{plants['a'].pk}/samples/", payload, format="json").status_code == 201
    assert client.post(f"/api/wwtps/{plants['b'].pk}/samples/", payload, format="json").status_code == 404
    assert client.patch(f"/api/wwtps/{plants['a'].pk}/", {"technology": "x"}, format="json").status_code == 403
    created = client.post(
        "/api/wwtps/", {"clusters": [world["a"].pk], "capacity_m3_day": 1, "receiving_class": "A"}, format="json"
    )
    assert created.status_code == 403


def test_read_only_roles_cannot_record_samples(world, plants):
    for persona in ("city-leader", "inspector", "commune-official"):
        client = api_client_for(world["users"][persona])
        response = client.post(
            f"/api/wwtps/{plants['a'].pk}/samples/", {"sampled_on": "2026-03-10", "values": {"COD": 1}}, format="json"
        )
        assert response.status_code == 403, persona


def test_a_doit_officer_cannot_create_a_plant_for_a_cluster_that_does_not_exist(world):
    client = api_client_for(world["users"]["doit-officer"])
    response = client.post(
        "/api/wwtps/", {"clusters": [999999], "capacity_m3_day": 1, "receiving_class": "A"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "clusters"


def test_summaries_count_only_what_the_user_reaches(world, plants):
    services.sample_record(
        plant=plants["b"],
        sampled_on=datetime.date(2026, 3, 1),
        values={"COD": 500},
        actor=world["users"]["doit-officer"],
    )
    investor = api_client_for(world["users"]["investor"]).get("/api/environment/summary/").json()
    officer = api_client_for(world["users"]["doit-officer"]).get("/api/environment/summary/").json()
    assert investor["plants"] == 1 and officer["plants"] == 2
    assert investor["violations_open"] == 0 and officer["violations_open"] == 1
    assert (
        api_client_for(world["users"]["investor"]).get(f"/api/environment/clusters/{world['b'].pk}/").status_code == 404
    )


def test_anonymous_calls_get_401(world, plants):
    client = api_client_for(None)
    assert client.get("/api/wwtps/").status_code == 401
    assert client.get("/api/environment/summary/").status_code == 401
