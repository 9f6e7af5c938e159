"""The registry import writes new records in bulk (icis/registry_io/bulk.py); it must leave exactly what the
services leave when every row goes through them: the same rows, the same status-history rows and the same field
history (each object's records in order, by the importing user, through the import channel)."""

import pytest
from django.db import transaction

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.documents.models import Document
from icis.geo.models import Commune, Province
from icis.planning.models import DevelopmentPlan, PlanEntry
from icis.registry_io import imports
from icis.registry_io.synthetic import synthetic_registry
from icis.testing.factories import superuser

pytestmark = pytest.mark.django_db

PROVINCE = "12"
VOLATILE = {"id", "created_at", "updated_at", "recorded_at", "history_id", "history_date", "m2m_history_id"}


class Keys:
    """Natural keys of the rows an import writes (ids differ between two runs)."""

    def __init__(self):
        self.clusters = dict(Cluster.objects.values_list("pk", "code"))
        self.documents = {d.pk: (d.number, d.year, d.issuer) for d in Document.objects.all()}
        self.plans = dict(DevelopmentPlan.objects.values_list("pk", "name"))
        self.orgs = dict(Organisation.objects.values_list("pk", "name"))
        self.links = {
            link.pk: (self.clusters[link.cluster_id], link.commune_id) for link in ClusterCommune.objects.all()
        }

    def value(self, name: str, value):
        lookup = {
            "cluster_id": self.clusters,
            "document_id": self.documents,
            "plan_id": self.plans,
            "amends_id": self.plans,
            "investor_id": self.orgs,
        }.get(name)
        return lookup.get(value, value) if lookup is not None else value


def _row(obj, keys: Keys, fields) -> tuple:
    return tuple(
        (f.attname, keys.value(f.attname, getattr(obj, f.attname))) for f in fields if f.attname not in VOLATILE
    )


def _state() -> dict:
    keys = Keys()
    state = {}
    for model in (Cluster, ClusterCommune, StatusChange, Document, DevelopmentPlan, PlanEntry):
        fields = model._meta.concrete_fields
        state[model.__name__] = sorted((_row(obj, keys, fields) for obj in model.objects.all()), key=repr)
    for field in ("legacy_communes", "sectors", "documents"):
        through = getattr(Cluster, field).through
        state[field] = sorted(
            (
                tuple(keys.value(f.attname, getattr(row, f.attname)) for f in through._meta.concrete_fields[1:])
                for row in through.objects.all()
            ),
            key=repr,
        )
    # Field history: each object's records in their order (ids and dates aside), with the links' snapshots.
    for model in (Cluster, ClusterCommune, Document, DevelopmentPlan, PlanEntry):
        history = model.history.model
        fields = history._meta.concrete_fields
        by_object: dict = {}
        for record in history.objects.order_by("history_id"):
            row = _row(record, keys, fields)
            values = dict(row)
            if model is Cluster:
                linked = [
                    keys.value(f"{other}_id", getattr(link, f"{other}_id"))
                    for field, other in (
                        ("legacy_communes", "legacycommune"),
                        ("sectors", "sector"),
                        ("documents", "document"),
                    )
                    for link in getattr(record, field).all()
                ]
                row += (("links", tuple(sorted(linked, key=repr))),)
            if model is ClusterCommune:
                key = keys.links.get(record.id)
            elif model is Document:
                key = keys.documents.get(record.id)
            elif model in (DevelopmentPlan, PlanEntry):
                key = (values.get("plan_id"), values.get("cluster_id"), values.get("name"))
            else:
                key = values.get("code")
            by_object.setdefault(key, []).append(row)
        state[f"history of {model.__name__}"] = sorted(by_object.items(), key=lambda item: str(item[0]))
    return state


def test_the_bulk_import_leaves_what_the_services_leave():
    province = Province.objects.get(code=PROVINCE)
    communes = list(Commune.objects.filter(province=province).order_by("code").values_list("code", "name"))
    data, _facts = synthetic_registry(PROVINCE, communes, n=32)
    actor = superuser()
    states = {}
    for bulk in (False, True):
        with transaction.atomic():
            check = imports.run(data, province=province, actor=actor, commit=True, confirmed=True, bulk=bulk)
            assert check.outcome.errors == [], check.outcome.errors[:3]
            assert Cluster.objects.count() == 32
            states[bulk] = _state()
            transaction.set_rollback(True)
    assert states[True].keys() == states[False].keys()
    for name in states[False]:
        assert states[True][name] == states[False][name], name
    assert states[True]["StatusChange"] and states[True]["history of Cluster"]
    assert states[True]["documents"]  # established steps link their decisions
