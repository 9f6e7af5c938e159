"""Saving without changes changes nothing: every PATCH endpoint, given an empty body or the very body GET
returned, leaves every field, every link and the history as they were (issue: "nothing lost on edit")."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from icis.accounts.models import Organisation
from icis.clusters.choices import ClusterStatus
from icis.construction import services as construction
from icis.construction.choices import MilestoneKind, ObstacleCategory
from icis.dossiers import services as dossiers
from icis.environment import services as environment
from icis.environment.choices import ConnectionKind
from icis.environment.tests.factories import make_plant
from icis.tenancy import services as tenancy
from icis.testing.factories import make_cluster
from icis.testing.forms import browser_post

pytestmark = pytest.mark.django_db
D = datetime.date


def snapshot(obj) -> dict:
    model = type(obj)
    obj = model._default_manager.get(pk=obj.pk)
    state = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if f.name != "updated_at"}
    for field in model._meta.many_to_many:
        state[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    if hasattr(model, "history"):
        state["history rows"] = model.history.filter(**{model._meta.pk.attname: obj.pk}).count()
    return state


@pytest.fixture
def records(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.UNDER_CONSTRUCTION, area_ha=30, industrial_land_ha=20, notes="n")
    investor = Organisation.objects.create(name="Công ty Hạ tầng thử", kind="investor")
    milestone = construction.milestone_set(
        cluster=cluster, kind=MilestoneKind.DETAILED_PLAN, planned_on=D(2021, 1, 1), actor=boss
    )
    obstacle = construction.obstacle_create(
        cluster=cluster,
        data={
            "category": ObstacleCategory.LAND_CLEARANCE,
            "description": "Chưa GPMB",
            "raised_on": D(2024, 1, 1),
            "responsible_agency": "UBND xã",
        },
        actor=boss,
    )
    tenant = tenancy.tenant_create(data={"name": "Công ty TNHH Thử", "tax_code": "0101234567"}, actor=boss)
    project = tenancy.project_create(
        data={"cluster": cluster, "tenant": tenant, "land_ha": Decimal("5"), "lease_start": D(2024, 1, 1)}, actor=boss
    )
    submission = tenancy.submission_save(form="02", period="2026-H1", cluster=cluster, data={}, actor=boss)
    plant = make_plant(cluster)
    connection = environment.connection_create(
        data={"tenant_project": project, "kind": ConnectionKind.CONNECTED, "plant": plant, "since": D(2024, 2, 1)},
        actor=boss,
    )
    requirement = environment.requirement_create(
        data={"plant": plant, "frequency_months": 3, "grace_days": 15, "starts_on": D(2024, 1, 1)}, actor=boss
    )
    dossier = dossiers.dossier_open(cluster=make_cluster(), kind="establish", opened_on=D(2025, 1, 6), actor=boss)
    applicant = dossiers.applicant_add(dossier=dossier, organisation=investor, actor=boss)
    return {
        f"/api/clusters/{cluster.pk}/": cluster,
        f"/api/milestones/{milestone.pk}/": milestone,
        f"/api/obstacles/{obstacle.pk}/": obstacle,
        f"/api/tenants/{tenant.pk}/": tenant,
        f"/api/tenant-projects/{project.pk}/": project,
        f"/api/submissions/{submission.pk}/": submission,
        f"/api/wwtps/{plant.pk}/": plant,
        f"/api/environment/connections/{connection.pk}/": connection,
        f"/api/environment/requirements/{requirement.pk}/": requirement,
        f"/api/dossiers/{dossier.pk}/applicants/{applicant.pk}/": applicant,
    }


def test_every_patch_endpoint_saves_an_unchanged_object_without_changing_anything(api, records):
    assert len(records) >= 10
    for url, obj in records.items():
        before = snapshot(obj)
        empty = api.patch(url, {}, format="json")
        assert empty.status_code == 200, (url, empty.content)
        assert snapshot(obj) == before, f"PATCH {url} with an empty body changed the record"
        body = api.get(url).json() if not url.startswith("/api/dossiers/") else empty.json()
        echoed = api.patch(url, body, format="json")
        assert echoed.status_code == 200, (url, echoed.content)
        assert snapshot(obj) == before, f"PATCH {url} with its own GET body changed the record"


PAGES = {
    "clusters:cluster_edit": "/api/clusters/",
    "construction:obstacle_edit": "/api/obstacles/",
    "tenancy:project_edit": "/api/tenant-projects/",
    "tenancy:tenant_edit": "/api/tenants/",
    "environment:plant_edit": "/api/wwtps/",
    "environment:connection_edit": "/api/environment/connections/",
    "dossiers:applicant_edit": "/api/dossiers/",
}


def test_every_edit_page_saves_an_untouched_form_without_changing_anything(page, records):
    by_prefix = {url: obj for url, obj in records.items()}
    for name, api_prefix in PAGES.items():
        obj = next(o for url, o in by_prefix.items() if url.startswith(api_prefix) and type(o).__name__ != "Dossier")
        if api_prefix == "/api/dossiers/":
            obj = next(o for url, o in by_prefix.items() if "/applicants/" in url)
        url = reverse(name, args=[obj.pk])
        before = snapshot(obj)
        form = page.get(url).context["form"]
        response = page.post(url, browser_post(form))
        assert response.status_code == 302, (name, response.context and response.context["form"].errors)
        assert snapshot(obj) == before, f"saving the untouched {name} form changed the record"


def test_the_milestone_page_saves_untouched_milestones_without_changing_them(page, records):
    milestone = next(o for url, o in records.items() if url.startswith("/api/milestones/"))
    url = reverse("construction:milestone_edit", args=[milestone.cluster_id]) + f"?kind={milestone.kind}"
    before = snapshot(milestone)
    response = page.post(url, browser_post(page.get(url).context["form"]))
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert snapshot(milestone) == before
