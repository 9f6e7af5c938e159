"""The permission matrix, write side: for every role and every foreign key an API write can set, an id
outside the role's scope is refused (400 naming the field, or 403/404) and nothing is written.

"Outside the scope" is derived from the scope rules: the object on cluster B's side is used only for
the roles that `restrict(user, LINK)` does not let name it (city-wide roles may name anything).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps

from icis.core.scoping import LINK
from icis.testing.personas import PERSONAS, api_client_for

pytestmark = pytest.mark.django_db

REPORT = {"report_date": "2024-06-01", "overall_percent": 55, "components": {"drainage": 40}}


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    url: Callable
    payload: Callable
    # field → the out-of-scope object to put in it (a list field gets a one-element list)
    foreign_keys: dict[str, Callable] = field(default_factory=dict)
    many: tuple[str, ...] = ()


def other_cluster(w):
    return w["b"]


def other_document(w):
    return w["docs"]["b"]


def other_investor(w):
    return w["b"].investor


WRITES = [
    Write(
        "create tenant project",
        "post",
        lambda w: "/api/tenant-projects/",
        lambda w: {"cluster": w["a"].pk, "tenant": w["firms"]["a"].pk, "land_ha": "1", "lease_start": "2025-01-01"},
        {"cluster": other_cluster, "tenant": lambda w: w["firms"]["b"]},
    ),
    Write(
        "change tenant project",
        "patch",
        lambda w: f"/api/tenant-projects/{w['projects']['a'].pk}/",
        lambda w: {},
        {"cluster": other_cluster, "tenant": lambda w: w["firms"]["b"]},
    ),
    Write(
        "file Form 02",
        "post",
        lambda w: "/api/submissions/",
        lambda w: {"form": "02", "period": "2025-H1", "cluster": w["a"].pk, "data": {}},
        {"cluster": other_cluster},
    ),
    Write(
        "file Form 01",
        "post",
        lambda w: "/api/submissions/",
        lambda w: {"form": "01", "period": "2025-H1", "tenant_project": w["projects"]["a"].pk, "data": {}},
        {"tenant_project": lambda w: w["projects"]["b"]},
    ),
    Write(
        "change cluster",
        "patch",
        lambda w: f"/api/clusters/{w['a'].pk}/",
        lambda w: {},
        {"investor": other_investor, "establishment_decision": other_document},
    ),
    Write(
        "transition cluster",
        "post",
        lambda w: f"/api/clusters/{w['a'].pk}/transition/",
        lambda w: {"to": "established", "date": "2021-01-01", "reason": "QĐ"},
        {"document": other_document},
    ),
    Write(
        "add document",
        "post",
        lambda w: "/api/documents/",
        lambda w: {"doc_type": "decision", "number": "77/QĐ-UBND", "year": 2024, "issuer": "UBND", "clusters": []},
        {"clusters": other_cluster},
        many=("clusters",),
    ),
    Write(
        "add obstacle",
        "post",
        lambda w: "/api/obstacles/",
        lambda w: {
            "cluster": w["a"].pk,
            "category": "land_clearance",
            "description": "households not yet compensated",
            "responsible_agency": "UBND xã",
            "raised_on": "2024-05-01",
        },
        {"cluster": other_cluster, "responsible_organisation": other_investor, "source_document": other_document},
    ),
    Write(
        "submit progress report",
        "post",
        lambda w: f"/api/clusters/{w['a'].pk}/progress-reports/",
        lambda w: dict(REPORT),
        {"source_document": other_document},
    ),
    Write(
        "set milestone",
        "post",
        lambda w: "/api/milestones/",
        lambda w: {"cluster": w["a"].pk, "kind": "construction_start", "planned_on": "2024-01-01"},
        {"cluster": other_cluster, "planned_in": other_document, "evidence": other_document},
    ),
    Write(
        "record a site visit",
        "post",
        lambda w: "/api/inspections/",
        lambda w: {"subject_kind": "cluster", "cluster": w["a"].pk, "topics": ["construction"], "planned_month": 5},
        {"cluster": other_cluster},
    ),
    Write(
        "add plant",
        "post",
        lambda w: "/api/wwtps/",
        lambda w: {"clusters": [w["a"].pk], "capacity_m3_day": "100", "receiving_class": "A"},
        {"clusters": other_cluster, "permit": other_document, "operator": other_investor},
        many=("clusters",),
    ),
    Write(
        "transition plant",
        "post",
        lambda w: f"/api/wwtps/{w['plants']['a'].pk}/transition/",
        lambda w: {"to": "suspended", "date": "2024-01-01", "reason": "sự cố"},
        {"document": other_document},
    ),
    Write(
        "record sample",
        "post",
        lambda w: f"/api/wwtps/{w['plants']['a'].pk}/samples/",
        lambda w: {"sampled_on": "2025-01-01", "values": {"COD": 80}},
        {"document": other_document},
    ),
    Write(
        "connect tenant",
        "post",
        lambda w: "/api/environment/connections/",
        lambda w: {
            "tenant_project": w["projects"]["a"].pk,
            "kind": "central",
            "plant": w["plants"]["a"].pk,
            "since": "2024-01-01",
        },
        {
            "tenant_project": lambda w: w["projects"]["b"],
            "plant": lambda w: w["plants"]["b"],
            "own_permit": other_document,
        },
    ),
    Write(
        "set monitoring requirement",
        "post",
        lambda w: "/api/environment/requirements/",
        lambda w: {"plant": w["plants"]["a"].pk, "frequency_months": 3, "starts_on": "2024-01-01"},
        {"plant": lambda w: w["plants"]["b"], "basis": other_document},
    ),
    Write(
        "plan an inspection",
        "post",
        lambda w: "/api/inspections/",
        lambda w: {"subject_kind": "tenant", "cluster": w["a"].pk, "tenant": w["firms"]["a"].pk, "topics": ["labour"]},
        {"cluster": other_cluster, "tenant": lambda w: w["firms"]["b"]},
    ),
    Write(
        "open dossier",
        "post",
        lambda w: "/api/dossiers/",
        lambda w: {"cluster": w["a"].pk, "kind": "establishment", "opened_on": "2024-01-02"},
        {"cluster": other_cluster},
    ),
]
APPS = (
    "accounts",
    "clusters",
    "documents",
    "construction",
    "tenancy",
    "environment",
    "dossiers",
    "planning",
    "inspections",
)


def fingerprint(world) -> dict:
    """Row counts of every model (history tables included) and the versions of A's objects."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS and not model._meta.proxy
    }
    counts["versions"] = [
        type(obj)._default_manager.get(pk=obj.pk).version
        for obj in (world["a"], world["projects"]["a"], world["plants"]["a"], world["firms"]["a"])
    ]
    return counts


def reachable(user, obj) -> bool:
    return type(obj)._default_manager.restrict(user, LINK).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_an_out_of_scope_id_in_any_foreign_key_is_refused_and_nothing_is_written(linked, persona):
    user = linked["users"][persona]
    client = api_client_for(user)
    problems, checked = [], 0
    for write in WRITES:
        for name, target in write.foreign_keys.items():
            obj = target(linked)
            if reachable(user, obj):
                continue  # this role may name it: nothing out of scope to try
            payload = {**write.payload(linked), name: [obj.pk] if name in write.many else obj.pk}
            before = fingerprint(linked)
            response = getattr(client, write.method)(write.url(linked), payload, format="json")
            checked += 1
            where = f"{write.name}.{name}={obj.pk}"
            if response.status_code not in (400, 403, 404):
                problems.append(f"{where}: {response.status_code} {response.content[:200]!r}")
            elif response.status_code == 400 and name not in {e["field"] for e in response.json()["errors"]}:
                problems.append(f"{where}: 400 without naming the field: {response.content[:300]!r}")
            if fingerprint(linked) != before:
                problems.append(f"{where}: something was written")
    assert not problems, "\n".join(problems)
    if not user.has_perm("accounts.city_wide") and not user.has_perm("accounts.national"):
        assert checked, "a scoped role must have out-of-scope ids to try"


def test_the_investor_is_refused_on_the_field_not_by_permission(linked):
    """The matrix above accepts 403; for the role that may write these, the refusal is the field's."""
    client = api_client_for(linked["users"]["investor"])
    for write in WRITES[:4]:
        for name, target in write.foreign_keys.items():
            payload = {**write.payload(linked), name: target(linked).pk}
            response = getattr(client, write.method)(write.url(linked), payload, format="json")
            assert response.status_code == 400, (write.name, name, response.content)
            assert name in {e["field"] for e in response.json()["errors"]}
