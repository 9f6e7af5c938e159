"""The tenant import checks rows without a query per row and writes them in bulk (icis/tenancy/bulk.py); it must
leave exactly what the services leave when every row goes through `tenant_create` and `project_create`, as the
import did before: the same tenants and projects, the same status rows, the same field history (one record per
object, by the importing user, through the import channel), and the portal's kept vacant land."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone, translation

from icis.clusters.models import Cluster
from icis.core import channel
from icis.core.audit import acting
from icis.portal.models import ClusterLand
from icis.tenancy import imports, kept, periods, selectors, services
from icis.tenancy.models import ProjectStatusChange, TenancyState, Tenant, TenantImport, TenantProject
from icis.tenancy.tests.test_imports import HEADERS, xlsx
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "created_at", "updated_at", "recorded_at", "history_id", "history_date", "search_text"}
ROWS = [
    ["Công ty TNHH Cơ khí Minh Anh", "0101234567", "không", "VN", "C2592", "Xưởng cơ khí", 2.5, "12/GCN",
     datetime.date(2024, 3, 15), "01/04/2024", "31/03/2074", "Đang xây dựng", 45],
    ["Hanwha Parts Vina", "0109876543", "có", "Hàn Quốc", "C2930", "Nhà máy linh kiện", "3,25", "",
     "", datetime.datetime(2023, 6, 1), "", "operating", "1.200"],
    ["Công ty TNHH Cơ khí Minh Anh", "0101234567", "0", "", "", "Kho thành phẩm", "0.75", "", "",
     "15/05/2024", "", "", ""],
    ["Công ty Đã Có", "0105555555", "", "", "", "Xưởng mới", "1", "7/GCN", "", "01/02/2024", "", "", ""],
    ["Công ty Rời Cụm", "0106666666-001", "", "Nhật Bản", "", "Kho cũ", "4", "", "", "01/01/2020", "", "Đã rời cụm",
     "", "01/06/2023"],
]  # fmt: skip


def _key_of():
    tenants = dict(Tenant.objects.values_list("pk", "tax_code"))
    projects = {p.pk: (tenants[p.tenant_id], p.approval_number, p.name) for p in TenantProject.objects.all()}
    return tenants, projects


def _row(obj, fields, tenants, projects) -> tuple:
    values = []
    for f in fields:
        if f.attname in VOLATILE:
            continue
        value = getattr(obj, f.attname)
        if f.attname == "tenant_id":
            value = tenants.get(value, value)
        elif f.attname == "project_id":
            value = projects.get(value, value)
        values.append((f.attname, value))
    return tuple(values)


def _state(cluster) -> dict:
    tenants, projects = _key_of()
    state = {}
    for model in (Tenant, TenantProject, ProjectStatusChange):
        fields = model._meta.concrete_fields
        state[model.__name__] = sorted((_row(obj, fields, tenants, projects) for obj in model.objects.all()), key=repr)
    for model, key in ((Tenant, lambda r: r.tax_code), (TenantProject, lambda r: projects.get(r.id))):
        fields = model.history.model._meta.concrete_fields
        by_object: dict = {}
        for record in model.history.model.objects.order_by("history_id"):
            by_object.setdefault(key(record), []).append(_row(record, fields, tenants, projects))
        state[f"history of {model.__name__}"] = sorted(by_object.items(), key=lambda item: repr(item[0]))
    land = ClusterLand.objects.filter(cluster=cluster).values_list("occupied_ha", "as_of").first()
    state["ClusterLand"] = (Decimal(land[0]).normalize(), land[1]) if land else None
    state["search_text"] = sorted(Tenant.objects.values_list("tax_code", "search_text"))
    return state


def _through_the_services(record: TenantImport) -> None:
    """Every row through the services, as the import did before it wrote in bulk."""
    table = imports.read_table(record.file_kind, bytes(record.content), record.filename)
    run = imports._Run(cluster=record.cluster, actor=None, table=table, outcome=imports.Outcome(), report=None)
    with translation.override(record.language), acting(record.created_by, channel.IMPORT):
        for number, values in table.rows:
            tenant_data, project_data, failed = run.parse(number, run.cells(values))
            assert not failed, run.outcome.errors
            tenant = Tenant.objects.filter(tax_code=tenant_data["tax_code"]).first()
            if tenant is None:
                tenant = services.tenant_create(data=tenant_data, actor=record.created_by)
            services.project_create(
                data={**project_data, "cluster": record.cluster, "tenant": tenant}, actor=record.created_by
            )


def test_the_bulk_import_leaves_what_the_services_leave(hanoi, boss):
    cluster = make_cluster(name="Cụm So Sánh", area_ha=30, industrial_land_ha=Decimal("20"))
    with acting(boss, channel.PAGE):
        existing = services.tenant_create(data={"name": "Công ty Đã Có", "tax_code": "0105555555"}, actor=boss)
        services.project_create(
            data={"cluster": cluster, "tenant": existing, "name": "Xưởng cũ", "land_ha": Decimal("2"),
                  "lease_start": datetime.date(2021, 1, 1)},
            actor=boss,
        )  # fmt: skip
    data = xlsx(ROWS, headers=[*HEADERS, "Ngày rời cụm"])
    record = TenantImport.objects.create(
        cluster=cluster, created_by=boss, filename="ds.xlsx", file_kind="xlsx", content=data,
        sha256=imports.content_digest(data), language="vi",
    )  # fmt: skip
    states = {}
    for bulk in (False, True):
        with transaction.atomic():
            if bulk:
                with translation.override(record.language):
                    outcome = imports.run(record, commit=True)
                assert outcome.errors == [], outcome.errors
                assert outcome.summary["new_tenants"] == 3 and outcome.summary["existing_tenants"] == 1
            else:
                _through_the_services(record)
            assert TenantProject.objects.count() == 6
            states[bulk] = _state(cluster)
            transaction.set_rollback(True)
    assert states[True].keys() == states[False].keys()
    for name in states[False]:
        assert states[True][name] == states[False][name], name
    history = states[True]["history of TenantProject"]
    assert len(history) == 6 and all(len(records) == 1 for _key, records in history)
    channels = {dict(records[0])["history_channel"] for key, records in history if key[2] != "Xưởng cũ"}
    assert channels == {channel.IMPORT}
    # Kept vacant land: the existing 2 ha, and the file's 2.5 + 3.25 + 0.75 + 1 (the tenant who left holds none).
    assert states[True]["ClusterLand"][0] == Decimal("9.5")


def test_a_bulk_import_with_one_bad_row_writes_nothing(hanoi, boss, settings):
    settings.LANGUAGE_CODE = "en"
    cluster = make_cluster(name="Cụm Một Lỗi", area_ha=30, industrial_land_ha=Decimal("20"))
    rows = [[f"Công ty {n}", f"01{n:08d}", "", "", "", f"Xưởng {n}", "0.01", "", "", "01/01/2024"] for n in range(1200)]
    rows[1100][6] = "25"  # more than the cluster's land, found after two batches were written
    data = xlsx(rows, headers=HEADERS[:10])
    record = TenantImport.objects.create(
        cluster=cluster, created_by=boss, filename="ds.xlsx", file_kind="xlsx", content=data,
        sha256=imports.content_digest(data), language="en",
    )  # fmt: skip
    with translation.override("en"):
        outcome = imports.run(record, commit=True)
    assert [e["row"] for e in outcome.errors] == [1102]
    assert "Only 9 ha of industrial land is left" in outcome.errors[0]["message"]
    assert Tenant.objects.count() == 0 and TenantProject.objects.count() == 0
    assert Tenant.history.count() == 0 and ProjectStatusChange.objects.count() == 0


def test_a_bulk_import_marks_the_kept_tenancy_figures_stale(hanoi, boss):
    # Bulk inserts send no post_save: the import's one `projects_written` must reach the kept figures too,
    # or a row made current before the import would keep its old land.
    cluster = make_cluster(name="Cụm Giữ Số", area_ha=30, industrial_land_ha=Decimal("20"))
    day = timezone.localdate()
    period = periods.due("01", day)
    kept.current(Cluster.objects.filter(pk=cluster.pk), day, period)
    assert TenancyState.objects.get(cluster=cluster).occupied_ha == 0
    data = xlsx(ROWS, headers=[*HEADERS, "Ngày rời cụm"])
    record = TenantImport.objects.create(
        cluster=cluster, created_by=boss, filename="ds.xlsx", file_kind="xlsx", content=data,
        sha256=imports.content_digest(data), language="vi",
    )  # fmt: skip
    with translation.override("vi"):
        assert imports.run(record, commit=True).errors == []
    kept.current(Cluster.objects.filter(pk=cluster.pk), day, period)
    occupied = selectors.occupied_by_cluster([cluster.pk], day).get(cluster.pk, Decimal(0))
    assert occupied == Decimal("7.5")  # 2.5 + 3.25 + 0.75 + 1: the tenant who left holds none
    assert TenancyState.objects.get(cluster=cluster).occupied_ha == occupied
