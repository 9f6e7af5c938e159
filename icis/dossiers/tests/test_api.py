"""The dossiers API: contract, refusals in words, scoping, and a query ceiling on the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from icis.accounts.models import Organisation
from icis.documents.models import DocumentType
from icis.dossiers import ladder, services
from icis.geo.models import Commune
from icis.testing.factories import make_cluster

from .conftest import STEP_DATES, climb, doc

pytestmark = pytest.mark.django_db
D = datetime.date


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_step(client, dossier_id, step, document, **extra):
    return client.post(
        f"/api/dossiers/{dossier_id}/steps/", {"step": step, "document": document.pk, **extra}, format="json"
    )


def test_the_ladder_through_the_api(api, cluster):
    opened = api.post("/api/dossiers/", {"cluster": cluster.pk, "kind": "establish", "opened_on": "2025-01-06"})
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    assert body["current_step"] == 0 and body["next_step"]["number"] == 1 and body["current_proof"] is None
    dossier_id = body["id"]
    ids = {}
    for n in range(1, 7):
        document = doc(ladder.step(n).document_type, STEP_DATES[n], cluster=cluster)
        response = post_step(api, dossier_id, n, document)
        assert response.status_code == 201, response.json()
        assert response.json()["step"] == n and response.json()["number"] == document.number
        ids[n] = response.json()["id"]

    letter = doc(DocumentType.OFFICIAL_LETTER, D(2025, 3, 10), cluster=cluster)
    refused = post_step(api, dossier_id, 5, letter)
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert (error["field"], error["code"]) == ("step", "step_behind")
    assert "current step is 6" in error["message"] and "next valid step is 7" in error["message"]
    assert str(DocumentType.DECISION.label) in error["message"]

    amended = post_step(api, dossier_id, 5, letter, amends=ids[5], note="thay thế")
    assert amended.status_code == 201 and amended.json()["amends"] == ids[5]

    jump = post_step(api, dossier_id, 8, doc(DocumentType.REPORT, D(2025, 3, 20), cluster=cluster))
    assert jump.status_code == 400 and jump.json()["errors"][0]["field"] == "skip_reason"

    detail = api.get(f"/api/dossiers/{dossier_id}/")
    assert detail.status_code == 200 and detail["ETag"]
    data = detail.json()
    assert data["current_step"] == 6
    assert data["current_proof"]["number"] and data["current_proof"]["date"] == "2025-03-03"
    assert data["next_step"] == {
        "number": 7,
        "title": ladder.step(7).title,
        "document_type": "decision",
        "document_types": ["decision", "official_letter"],
        "due": None,
    }
    steps = data["steps"]
    assert [s["number"] for s in steps] == list(range(1, 12))
    assert steps[1]["due"] == "2025-01-13" and steps[1]["state"] == "done" and steps[1]["overdue"] is False
    assert steps[2]["due"] == "2025-02-10" and steps[2]["legal_basis"].startswith("Nghị định 32/2024")
    assert steps[8]["due"] == "2025-03-07" and steps[8]["overdue"] is True and steps[8]["state"] == "overdue"
    assert len(steps[4]["records"]) == 2 and steps[4]["proof"]["record"] != ids[5]
    assert data["overdue"] is True
    assert data["applicants"] == [] and data["selection"]["outcome"] == "no_applicants"


def test_applicants_scores_and_the_chair_through_the_api(api, dossier):
    a = Organisation.objects.create(name="Cty A", kind="investor")
    b = Organisation.objects.create(name="Cty B", kind="investor")
    url = f"/api/dossiers/{dossier.pk}/applicants/"
    bad = api.post(url, {"organisation": a.pk, "infrastructure_score": 16}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "infrastructure_score"
    first = api.post(
        url,
        {
            "organisation": a.pk,
            "infrastructure_score": 10,
            "environment_score": 10,
            "capacity_score": 20,
            "financial_score": 30,
        },
        format="json",
    )
    assert first.status_code == 201 and first.json()["total"] == 70 and first.json()["qualifies"] is True
    second = api.post(url, {"organisation": b.pk}, format="json").json()
    assert second["total"] is None
    stale = api.patch(f"{url}{second['id']}/", {"financial_score": 30}, format="json", HTTP_IF_MATCH='"1-99"')
    assert stale.status_code == 412
    patched = api.patch(
        f"{url}{second['id']}/",
        {"infrastructure_score": 15, "environment_score": 15, "capacity_score": 10, "financial_score": 30},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["total"] == 70 and patched["ETag"]
    selection = api.get(f"/api/dossiers/{dossier.pk}/").json()["selection"]
    assert selection["outcome"] == "tie" and sorted(selection["tied"]) == sorted([first.json()["id"], second["id"]])
    decided = api.post(
        f"/api/dossiers/{dossier.pk}/chair-decision/", {"applicant": second["id"], "note": "Biên bản"}, format="json"
    )
    assert decided.status_code == 200
    assert decided.json()["selection"]["winner"] == second["id"] and decided.json()["selection"]["decided_by_chair"]


def test_the_list_filters_by_cluster_kind_open_and_overdue(api, dossier, boss):
    other = make_cluster(name="Cụm khác", communes=[Commune.objects.get(code="10030")])
    services.dossier_open(cluster=other, kind="establish", opened_on=D(2025, 1, 6), actor=boss)
    climb(dossier, boss, 10)
    assert api.get("/api/dossiers/").json()["count"] == 2
    assert [r["id"] for r in api.get("/api/dossiers/", {"cluster": dossier.cluster_id}).json()["results"]] == [
        dossier.pk
    ]
    assert api.get("/api/dossiers/", {"open": "true"}).json()["count"] == 1
    overdue = api.get("/api/dossiers/", {"overdue": "true"}).json()["results"]
    assert [r["cluster"] for r in overdue] == [other.pk]  # its notice was due on 13/01/2025
    assert api.get("/api/dossiers/", {"kind": "expand"}).json()["count"] == 0


def test_a_commune_official_sees_and_acts_only_in_their_commune(
    dossier, boss, commune_official, other_commune_official
):
    climb(dossier, boss, 1)
    outsider = as_user(other_commune_official)
    assert outsider.get(f"/api/dossiers/{dossier.pk}/").status_code == 404
    assert outsider.get("/api/dossiers/").json()["count"] == 0
    notice = doc(DocumentType.NOTICE, STEP_DATES[2], cluster=dossier.cluster)
    assert post_step(outsider, dossier.pk, 2, notice).status_code == 404

    insider = as_user(commune_official)
    assert insider.get(f"/api/dossiers/{dossier.pk}/").status_code == 200
    assert post_step(insider, dossier.pk, 2, notice).status_code == 201
    submission = doc(DocumentType.SUBMISSION, STEP_DATES[3], cluster=dossier.cluster)
    assert post_step(insider, dossier.pk, 3, submission).status_code == 201
    letter = doc(DocumentType.OFFICIAL_LETTER, STEP_DATES[4], cluster=dossier.cluster)
    denied = post_step(insider, dossier.pk, 4, letter)
    assert denied.status_code == 403 and "Department of Industry and Trade" in denied.json()["detail"]
    org = Organisation.objects.create(name="Cty A", kind="investor")
    assert insider.post(f"/api/dossiers/{dossier.pk}/applicants/", {"organisation": org.pk}).status_code == 403


def test_read_only_roles_read_but_do_not_write(dossier, db):
    from icis.accounts import roles
    from icis.testing.factories import person

    leader = as_user(person("leader", roles.CITY_LEADER))
    assert leader.get(f"/api/dossiers/{dossier.pk}/").status_code == 200
    notice = doc(DocumentType.DECISION, STEP_DATES[1])
    assert post_step(leader, dossier.pk, 1, notice).status_code == 403
    assert leader.post("/api/dossiers/", {"cluster": dossier.cluster_id, "kind": "establish"}).status_code == 403
    assert APIClient().get("/api/dossiers/").status_code == 401


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The idle-timeout middleware rewrites the session now and then: not the list's queries.
    return len([q for q in captured if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]])


def test_the_dossier_list_has_a_query_ceiling(api, page, cluster, boss, hanoi):
    def more(n):
        for _ in range(n):
            c = make_cluster(communes=[Commune.objects.get(code="10273")])
            d = services.dossier_open(cluster=c, kind="establish", opened_on=D(2025, 1, 6), actor=boss)
            climb(d, boss, 3)

    more(2)
    api_few, page_few = _list_queries(api, "/api/dossiers/"), _list_queries(page, "/dossiers/")
    more(6)
    api_many, page_many = _list_queries(api, "/api/dossiers/"), _list_queries(page, "/dossiers/")
    assert api_many == api_few and page_many == page_few
    assert api_many <= 10 and page_many <= 15
