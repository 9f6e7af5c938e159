"""The inspection list and the violation register read without DRF's generic per-row walk, and the
register pages in the database (issue 16): the answers must be exactly the former ones."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIClient, APIRequestFactory

from icis.environment.tests.factories import make_plant, sample
from icis.inspections import selectors
from icis.inspections.api.serializers import InspectionSerializer, ViolationRowSerializer, api_inspections
from icis.inspections.choices import ViolationStatus
from icis.tenancy import services as tenancy_services
from icis.testing.factories import make_cluster

from .factories import approve, done, make_inspection, make_plan, make_violation

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 5, 1)


@pytest.fixture
def varied(hanoi, boss):
    """Inspections of a cluster and of a firm, planned and ad hoc, with open and remedied violations
    sharing deadlines with wastewater violations of the same cluster."""
    one = make_cluster(name="Cụm Phú Xuyên", area_ha=30, industrial_land_ha=Decimal("20"))
    two = make_cluster(name="Cụm Thanh Oai", area_ha=40, industrial_land_ha=Decimal("25"))
    firm = tenancy_services.tenant_create(data={"name": "Công ty Dệt", "tax_code": "0100000011"}, actor=boss)
    tenancy_services.project_create(
        data={"cluster": one, "tenant": firm, "land_ha": Decimal("1"), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    plan = make_plan(boss)
    planned = make_inspection(boss, one, plan=plan, topics=("construction", "labour"))
    approve(plan, boss)
    visits = [done(planned, boss), done(make_inspection(boss, one, tenant=firm), boss), make_inspection(boss, two)]
    visits[0].team.set([boss])
    deadlines = [
        datetime.date(2026, 3, 10),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 1),
    ]
    for number, deadline in enumerate(deadlines):
        violation = make_violation(boss, visits[number % 2], deadline=deadline, description=f"Vi phạm {number}")
        if number == 3:
            type(violation).objects.filter(pk=violation.pk).update(status=ViolationStatus.REMEDIED)
    for cluster, on in ((one, "2026-03-10"), (two, "2026-03-20")):
        sample(make_plant(cluster, name=f"Trạm {cluster.name}"), on, {"COD": 500})
    return visits


def _old_order(register):
    """The order the register kept before it paged in the database: every key sorted in Python."""
    return sorted(
        (deadline, source, pk)
        for source, (queryset, _build) in register._sources.items()
        for pk, deadline in queryset.order_by().values_list("pk", "deadline")
    )


@pytest.mark.parametrize(
    "options", [{}, {"open_only": True}, {"overdue_only": True}, {"source": "wastewater"}, {"topic": "labour"}]
)
def test_register_slices_are_those_of_the_whole_sorted_list(varied, boss, options):
    register = selectors.register_rows(boss, today=TODAY, **options)
    keys = [(source, pk) for _deadline, source, pk in _old_order(register)]
    assert len(register) == len(keys)
    assert [(row.source, row.id) for row in register] == keys
    for start, stop in [
        (0, 2),
        (1, 4),
        (2, 3),
        (0, 50),
        (3, 3),
        (5, 1),
        (len(keys), len(keys) + 2),
        (None, 2),
        (2, None),
    ]:
        assert [(row.source, row.id) for row in register[start:stop]] == keys[start:stop]
    assert [(row.source, row.id) for row in register[::2]] == keys[::2]
    assert [(row.source, row.id) for row in register[-2:]] == keys[-2:]
    if keys:
        assert (register[0].source, register[0].id) == keys[0]
        assert (register[-1].source, register[-1].id) == keys[-1]
    with pytest.raises(IndexError):
        register[len(keys)]


def test_a_register_of_no_source_is_empty(varied, boss):
    register = selectors.register_rows(boss, today=TODAY, source="wastewater", topic="labour")
    assert len(register) == 0 and list(register) == [] and register[0:5] == []


def test_the_register_api_pages_through_both_sources_in_order(varied, boss):
    client = APIClient()
    client.force_authenticate(boss)
    register = selectors.register_rows(boss, today=datetime.date.today())
    everything = [ViolationRowSerializer(r.as_dict()).data for r in register]
    expected = [serializers.Serializer.to_representation(ViolationRowSerializer(), r.as_dict()) for r in register]
    assert everything == expected and {row["source"] for row in everything} == {"inspection", "wastewater"}
    pages = []
    for number in (1, 2, 3):
        body = client.get("/api/violations/", {"page_size": 2, "page": number}).json()
        assert body["count"] == len(everything)
        pages += body["results"]
    assert pages == everything[:6]


def test_the_quick_inspection_read_equals_drf_generic_one(varied, boss):
    request = APIRequestFactory().get("/api/inspections/")
    request.user = boss
    context = {"request": request}
    generic_rows = selectors.inspections().prefetch_related("violations").order_by("-id")
    generic = [
        serializers.ModelSerializer.to_representation(InspectionSerializer(context=context), i) for i in generic_rows
    ]
    quick = InspectionSerializer(api_inspections(selectors.inspections()).order_by("-id"), many=True, context=context)
    assert [dict(row) for row in quick.data] == generic
    assert {row["subject_kind"] for row in generic} == {"cluster", "tenant"}
    assert any(row["team"] for row in generic) and any(row["open_violations"] for row in generic)
    loose = InspectionSerializer(type(varied[0]).objects.get(pk=varied[0].pk), context=context).data
    assert dict(loose) == next(row for row in generic if row["id"] == varied[0].pk)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_an_inspection_reads_in_the_same_queries_whatever_it_holds(varied, boss):
    client = APIClient()
    client.force_authenticate(boss)
    client.get("/api/inspections/")
    bare, full = varied[2], varied[0]
    assert _queries(client, f"/api/inspections/{bare.pk}/") == _queries(client, f"/api/inspections/{full.pk}/")
