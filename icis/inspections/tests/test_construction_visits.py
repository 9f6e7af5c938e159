"""Construction's site visits are one kind of inspection (issue #14): the drafting helper on a plan, the old
pages sending users here without showing more, the visits on the construction page, the last data copy."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from icis.construction.models import PlannedVisit, VisitPhoto, VisitPlan, VisitRecord
from icis.construction.tests.factories import cluster_with_history
from icis.geo.models import Commune
from icis.inspections import selectors, services
from icis.inspections.models import Evidence, Finding, Inspection, InspectionPlan
from icis.testing import files

from .factories import approve, done, make_inspection, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date


def building(name, commune="10273"):
    return cluster_with_history(
        established_on="2019-01-01",
        started_on="2020-01-01",
        name=name,
        communes=[Commune.objects.get(code=commune)],
    )


@pytest.fixture
def sites(hanoi):
    return {"a": building("Cụm A xây"), "b": building("Cụm B xây", "10030")}


def dates(plan, cluster):
    return sorted(plan.inspections.filter(cluster=cluster).values_list("due_on", flat=True))


# --- drafting visits on a plan ----------------------------------------------------------------------------


def test_drafting_adds_a_construction_visit_per_cluster_under_construction_spread_over_the_first_interval(sites, boss):
    cluster_with_history(established_on="2019-01-01", name="chưa khởi công")
    plan = make_plan(boss)
    inspector = services.team_candidates().filter(is_superuser=True).first()
    created = services.plan_draft_construction_visits(
        plan=plan,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        frequency_months=3,
        team=[inspector],
        actor=boss,
    )
    assert len(created) == 8
    a, b = sorted((sites["a"], sites["b"]), key=lambda c: c.sort_name)
    assert dates(plan, a) == [D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1)]
    assert dates(plan, b) == [D(2026, 2, 1), D(2026, 5, 1), D(2026, 8, 1), D(2026, 11, 1)]
    entry = plan.inspections.get(cluster=a, due_on=D(2026, 4, 1))
    assert (
        [c.topic for c in entry.checklists.all()] == ["construction"]
        and entry.planned_month == 4
        and entry.status == "planned"
    )
    assert list(entry.team.all()) == [inspector] and entry.subject_kind == "cluster"
    # Again over the same months: nothing planned twice, and said so.
    with pytest.raises(ValidationError) as caught:
        services.plan_draft_construction_visits(
            plan=plan, period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), frequency_months=3, actor=boss
        )
    assert caught.value.error_dict["period_start"][0].code == "nothing_new"
    assert plan.inspections.count() == 8


@pytest.mark.parametrize(
    ("start", "end", "frequency", "field", "code"),
    [
        (D(2026, 6, 1), D(2026, 1, 1), 3, "period_end", "before_start"),
        (D(2025, 12, 1), D(2026, 3, 1), 3, "period_start", "outside_year"),
        (D(2026, 1, 1), D(2026, 3, 1), 25, "frequency_months", "out_of_range"),
    ],
)
def test_drafting_with_a_bad_period_or_frequency_adds_nothing(sites, boss, start, end, frequency, field, code):
    plan = make_plan(boss)
    with pytest.raises(ValidationError) as caught:
        services.plan_draft_construction_visits(
            plan=plan, period_start=start, period_end=end, frequency_months=frequency, actor=boss
        )
    assert caught.value.error_dict[field][0].code == code
    assert not plan.inspections.exists()


def test_drafting_on_an_approved_plan_or_another_province_adds_nothing(sites, boss):
    plan = make_plan(boss)
    make_inspection(boss, sites["a"], plan=plan, planned_month=1)
    approve(plan, boss)
    with pytest.raises(ValidationError) as caught:
        services.plan_draft_construction_visits(
            plan=plan, period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), actor=boss
        )
    assert caught.value.code == "not_editable"
    elsewhere = make_plan(boss, province="79", title="TP HCM")
    with pytest.raises(ValidationError) as caught:
        services.plan_draft_construction_visits(
            plan=elsewhere, period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), actor=boss
        )
    assert caught.value.error_dict["period_start"][0].code == "empty"
    assert plan.inspections.count() == 1 and not elsewhere.inspections.exists()


def test_the_drafting_page_plans_the_visits_and_needs_the_planning_permissions(sites, boss, world, client):
    plan = make_plan(boss)
    url = f"/inspections/plans/{plan.pk}/draft-visits/"
    client.force_login(world["users"]["doit-officer"])
    assert "draft-visits" in client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    form = client.get(url)
    assert form.status_code == 200 and form.context["form"].initial["frequency_months"] == 3
    bad = client.post(url, {"period_start": "31/12/2026", "period_end": "01/01/2026", "frequency_months": "3"})
    assert bad.status_code == 200 and bad.context["form"].errors["period_end"] and not plan.inspections.exists()
    response = client.post(url, {"period_start": "01/01/2026", "period_end": "30/06/2026", "frequency_months": "3"})
    assert response.status_code == 302 and response["Location"] == f"/inspections/plans/{plan.pk}/"
    assert plan.inspections.count() == 4
    for persona in ("commune-official", "inspector", "city-leader"):
        client.force_login(world["users"][persona])
        assert client.post(
            url, {"period_start": "01/07/2026", "period_end": "31/12/2026", "frequency_months": "3"}
        ).status_code in (403, 404)
    assert plan.inspections.count() == 4


# --- the old pages ----------------------------------------------------------------------------------------


@pytest.fixture
def old_visits(sites, boss):
    """A wave-1 plan with a visit to A (recorded, with a photo) and one to B, copied as the migrations do."""
    plan = VisitPlan.objects.create(
        title="Lịch thăm 2026", period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), frequency_months=3
    )
    to_a = PlannedVisit.objects.create(plan=plan, cluster=sites["a"], due_on=D(2026, 1, 10))
    to_b = PlannedVisit.objects.create(plan=plan, cluster=sites["b"], due_on=D(2026, 2, 10))
    record = VisitRecord.objects.create(
        cluster=sites["a"], planned_visit=to_a, visited_on=D(2026, 1, 8), inspector=boss, findings="San nền 60%"
    )
    photo = VisitPhoto(record=record, file=SimpleUploadedFile("a.png", files.png()), caption="Mặt bằng")
    photo.save()
    copy_again = importlib.import_module("icis.inspections.migrations.0005_copy_construction_visits_again")
    copy_again.copy_visits_again(apps, None)
    return {"plan": plan, "to_a": to_a, "to_b": to_b, "record": record, "photo": photo}


def test_the_old_pages_send_users_to_the_inspections_pages(page, old_visits, sites):
    copy = InspectionPlan.objects.get(source=f"construction.VisitPlan:{old_visits['plan'].pk}")
    assert page.get("/construction/visits/")["Location"] == "/inspections/plans/"
    assert page.get(f"/construction/visits/{old_visits['plan'].pk}/")["Location"] == f"/inspections/plans/{copy.pk}/"
    new = page.get(f"/construction/clusters/{sites['a'].pk}/visits/new/")
    assert (
        new.status_code == 302 and new["Location"] == f"/inspections/new/?cluster={sites['a'].pk}&topics=construction"
    )
    form = page.get(new["Location"]).context["form"]
    assert form.initial["topics"] == ["construction"] and form.initial["cluster"] == sites["a"].pk
    planned = Inspection.objects.get(source=f"construction.PlannedVisit:{old_visits['to_b'].pk}")
    by_visit = page.get(f"/construction/clusters/{sites['b'].pk}/visits/new/?visit={old_visits['to_b'].pk}")
    assert by_visit["Location"] == f"/inspections/{planned.pk}/"
    evidence = Evidence.objects.get(file=old_visits["photo"].file.name)
    photo = page.get(f"/construction/photos/{old_visits['photo'].pk}/")
    assert photo["Location"] == evidence.file.url and page.get(photo["Location"]).status_code == 200
    assert Client().get("/construction/visits/").status_code == 302  # anonymous: to the login page
    assert "/accounts/login/" in Client().get("/construction/visits/")["Location"]


def test_a_commune_official_redirected_gains_nothing(client, world, old_visits, sites):
    """The official of Phú Xuyên reaches cluster A only: the old pages answer 404 where the new ones would."""
    client.force_login(world["users"]["commune-official"])
    b = sites["b"]
    assert client.get(f"/construction/clusters/{b.pk}/visits/new/").status_code == 404
    assert client.get(f"/construction/clusters/{b.pk}/visits/new/?visit={old_visits['to_b'].pk}").status_code == 404
    # Cluster A's planned visit named under cluster B's address is not followed either.
    assert client.get(f"/construction/clusters/{b.pk}/visits/new/?visit={old_visits['to_a'].pk}").status_code == 404
    other = VisitRecord.objects.create(
        cluster=b, visited_on=D(2026, 1, 9), inspector=world["users"]["inspector"], findings="B"
    )
    photo_b = VisitPhoto(record=other, file=SimpleUploadedFile("b.png", files.png()))
    photo_b.save()
    assert client.get(f"/construction/photos/{photo_b.pk}/").status_code == 404
    a_photo = client.get(f"/construction/photos/{old_visits['photo'].pk}/")
    assert a_photo.status_code == 302 and client.get(a_photo["Location"]).status_code == 200
    for url in ("/construction/visits/", f"/construction/clusters/{sites['a'].pk}/visits/new/"):
        target = client.get(url)
        assert target.status_code == 302
        assert client.get(target["Location"]).status_code in (200, 403)  # the new page decides, as it always does


# --- the construction page --------------------------------------------------------------------------------


def test_the_construction_page_shows_construction_inspections_overdue_ones_first_and_no_other_topic(page, sites, boss):
    a = sites["a"]
    plan = make_plan(boss, year=2025, title="2025")
    late = make_inspection(boss, a, plan=plan, planned_month=2, due_on=D(2025, 2, 1))
    approve(plan, boss)
    visited = done(make_inspection(boss, a, planned_month=3, summary="x"), boss, D(2025, 3, 4))
    services.finding_create(inspection=visited, data={"topic": "construction", "description": "Đường 60%"}, actor=boss)
    environment = make_inspection(boss, a, planned_month=4, topics=("environment",))
    html = page.get(f"/construction/clusters/{a.pk}/").content.decode()
    panel = html[html.index('id="site-visits"') :]
    assert 'id="overdue-visits"' in panel and f"/inspections/{late.pk}/" in panel and "01/02/2025" in panel
    assert f"/inspections/{visited.pk}/" in panel and "Đường 60%" in panel and "04/03/2025" in panel
    assert f"/inspections/{environment.pk}/" not in panel
    assert Finding.objects.filter(inspection=visited).count() == 1


# --- the last data copy -----------------------------------------------------------------------------------


def test_the_last_copy_takes_what_was_written_since_and_nothing_twice(sites, boss):
    first = importlib.import_module("icis.inspections.migrations.0003_copy_construction_visits")
    last = importlib.import_module("icis.inspections.migrations.0005_copy_construction_visits_again")
    plan = VisitPlan.objects.create(
        title="Lịch 2026", period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), frequency_months=3
    )
    to_a = PlannedVisit.objects.create(plan=plan, cluster=sites["a"], due_on=D(2026, 1, 10))
    moved = PlannedVisit.objects.create(plan=plan, cluster=sites["b"], due_on=D(2026, 2, 10))
    removed = PlannedVisit.objects.create(plan=plan, cluster=sites["b"], due_on=D(2026, 5, 10))
    first.copy_visits(apps, None)
    assert Inspection.objects.count() == 3
    # Written in construction after 0003: a visit recorded on a copied planned visit, a moved and a removed
    # draft visit, the plan approved, a new plan with a visit, and an unplanned visit with a photo.
    removed_pk = removed.pk
    removed.delete()
    PlannedVisit.objects.filter(pk=moved.pk).update(due_on=D(2026, 3, 15))
    VisitPlan.objects.filter(pk=plan.pk).update(status="approved", approved_by=boss)
    VisitRecord.objects.create(
        cluster=sites["a"], planned_visit=to_a, visited_on=D(2026, 1, 9), inspector=boss, findings="Đường 60%"
    )
    later = VisitPlan.objects.create(
        title="Lịch bổ sung", period_start=D(2026, 6, 1), period_end=D(2026, 12, 31), frequency_months=3
    )
    PlannedVisit.objects.create(plan=later, cluster=sites["a"], due_on=D(2026, 7, 1))
    ad_hoc = VisitRecord.objects.create(
        cluster=sites["b"], visited_on=D(2026, 4, 2), inspector=boss, findings="Đột xuất"
    )
    VisitPhoto(record=ad_hoc, file=SimpleUploadedFile("b.png", files.png()), caption="Cổng").save()

    last.copy_visits_again(apps, None)
    counts = (
        InspectionPlan.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        Evidence.objects.count(),
    )
    last.copy_visits_again(apps, None)  # again: nothing twice
    assert (
        (
            InspectionPlan.objects.count(),
            Inspection.objects.count(),
            Finding.objects.count(),
            Evidence.objects.count(),
        )
        == counts
        == (2, 4, 2, 1)
    )

    copy = InspectionPlan.objects.get(source=f"construction.VisitPlan:{plan.pk}")
    assert copy.status == "approved" and copy.approved_by == boss
    recorded = Inspection.objects.get(source__startswith=f"construction.PlannedVisit:{to_a.pk};")
    assert recorded.status == "done" and recorded.inspected_on == D(2026, 1, 9)
    assert recorded.findings.get().description == "Đường 60%"
    assert Inspection.objects.get(source=f"construction.PlannedVisit:{moved.pk}").due_on == D(2026, 3, 15)
    assert not Inspection.objects.filter(source=f"construction.PlannedVisit:{removed_pk}").exists()
    assert InspectionPlan.objects.get(source=f"construction.VisitPlan:{later.pk}").inspections.count() == 1
    own = Inspection.objects.get(source=f"construction.VisitRecord:{ad_hoc.pk}")
    assert own.plan is None and own.cluster == sites["b"] and own.findings.get().evidence.get().caption == "Cổng"


def test_cluster_summary_last_inspection_is_the_latest_dated_on_every_database(sites, boss):
    # a done inspection whose day was cleared afterwards: NULL sorts first descending on PostgreSQL only
    undated = done(make_inspection(boss, sites["a"]), boss, D(2026, 1, 5))
    services.inspection_update(inspection=undated, data={"inspected_on": None}, actor=boss)
    dated = done(make_inspection(boss, sites["a"]), boss, D(2026, 2, 5))
    summary = selectors.cluster_summary(boss, sites["a"], D(2026, 3, 1))
    assert summary["last"] == dated
