"""Every write path leaves an audit row naming the actor and the interface."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.audit import selectors
from icis.clusters.models import Cluster
from icis.geo.models import Commune
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db
HANOI = Path(__file__).resolve().parents[2] / "demo" / "data" / "hanoi-communes-2025.json"


def latest(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


def test_page_edit_is_recorded_with_user_and_interface(hanoi, client):
    officer = person("officer", roles.DOIT_OFFICER)
    cluster = make_cluster(area_ha=10)
    client.force_login(officer)
    client.post(
        f"/clusters/{cluster.pk}/edit/",
        {
            "code": cluster.code,
            "name": cluster.name,
            "kind": "general",
            "province": "01",
            "area_ha": "12",
            "version": 1,
        },
    )
    record = latest(cluster)
    assert (record.history_user.username, record.history_channel, record.area_ha) == ("officer", "page", 12)


def test_api_edit_is_recorded_with_user_and_interface(hanoi):
    officer = person("officer", roles.DOIT_OFFICER)
    cluster = make_cluster(area_ha=10)
    client = APIClient()
    client.force_authenticate(officer)
    client.patch(f"/api/clusters/{cluster.pk}/", {"area_ha": 13}, format="json")
    record = latest(cluster)
    assert (record.history_user.username, record.history_channel) == ("officer", "api")


def _stale_name():
    """`migrate` loads the whole country's communes (no history rows); give one a stale name so the
    loader has something to change, and so to record."""
    Commune.objects.filter(code="10273").update(name="Tên cũ (thử)")


def test_import_command_is_recorded_with_the_named_actor(db):
    person("loader", roles.ADMIN)
    _stale_name()
    call_command("load_admin_units", str(HANOI), "--actor", "loader", stdout=StringIO())
    record = latest(Commune.objects.get(code="10273"))
    assert (record.history_user.username, record.history_channel) == ("loader", "import")


def test_import_command_without_actor_signs_as_system(db):
    _stale_name()
    call_command("load_admin_units", str(HANOI), stdout=StringIO())
    assert latest(Commune.objects.get(code="10273")).history_user.username == "system"


def test_demo_command_is_recorded_with_its_actor(db):
    _stale_name()
    call_command("load_demo", stdout=StringIO())
    record = latest(Cluster.objects.get(name="Đông Phú Yên"))
    assert (record.history_user.username, record.history_channel) == ("admin", "command")
    assert latest(Commune.objects.get(code="10273")).history_user.username == "admin"


def test_no_history_row_lacks_an_actor_after_the_demo_and_an_edit(db):
    # Rows written by data migrations (reference data such as holidays or QCVN limits) predate any user.
    start = timezone.now()
    call_command("load_demo", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    for model in selectors.audited_models():
        anonymous = model.history.filter(history_user__isnull=True, history_date__gte=start)
        if model is get_user_model():  # the account the demo acts as exists before it can act
            anonymous = anonymous.exclude(id=admin.pk)
        anonymous = anonymous.count()
        assert anonymous == 0, f"{model._meta.label}: {anonymous} history rows without an actor"


def test_audit_log_page_filters_and_exports(hanoi, client):
    admin = person("auditor", roles.ADMIN)
    officer = person("officer", roles.DOIT_OFFICER)
    make_cluster(name='=HYPERLINK("http://evil")', actor=officer)
    client.force_login(admin)
    page = client.get("/audit/", {"user": officer.pk, "model": "clusters.Cluster"})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(row.user == "officer" and row.kind == "clusters.Cluster" for row in rows)
    export = client.get("/audit/", {"user": officer.pk, "model": "clusters.Cluster", "format": "csv"})
    text = export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert client.get("/audit/", {"since": "31/12/2099"}).context["rows"] == []


def test_cluster_as_it_stood_on_a_date(hanoi, client, boss):
    cluster = make_cluster(area_ha=10, status_date=datetime.date(2018, 1, 1))
    Cluster.history.filter(id=cluster.pk).update(history_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    client.force_login(boss)
    cluster.area_ha = 15
    cluster.save()
    then = client.get(f"/clusters/{cluster.pk}/as-of/", {"date": "01/06/2021"})
    facts = {str(f["label"]): f["value"] for f in then.context["facts"]}
    assert then.context["status_then"] == "planned"
    assert any(v == 10 for v in facts.values())
    before = client.get(f"/clusters/{cluster.pk}/as-of/", {"date": "01/06/2019"})
    assert before.context["record"] is None


def test_audit_log_refuses_an_impossible_record_id_with_a_message(hanoi, client, settings):
    from icis.testing.factories import english

    for _ in english(settings):
        cluster = make_cluster()
        client.force_login(person("auditor", roles.ADMIN))
        for query in [
            {"object_id": "abc", "model": "clusters.Cluster"},
            {"object_id": "x", "format": "csv", "model": "clusters.Cluster"},
        ]:
            response = client.get("/audit/", query)
            assert response.status_code == 400
            assert "cannot be a record id" in response.content.decode()
        # Without a record type, a text id can still name a sector or an administrative unit: said, not refused.
        response = client.get("/audit/", {"object_id": "abc"})
        assert response.status_code == 200 and response.context["rows"] == []
        assert "only records identified by a code" in response.content.decode()
        page = client.get("/audit/", {"object_id": str(cluster.pk), "model": "clusters.Cluster"})
        assert page.status_code == 200 and {row.object_id for row in page.context["rows"]} == {str(cluster.pk)}
        # Administrative units use their code as id: a text id is allowed when no record type is chosen.
        assert client.get("/audit/", {"object_id": "10273"}).status_code == 200
        assert client.get("/audit/", {"object_id": "99999999999999999999"}).status_code == 200
        assert client.get("/audit/clusters/cluster/abc/").status_code == 404
