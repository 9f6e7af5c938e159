"""The last copy of construction's site visits into inspections, as the visit pages and API writes close
(docs/inspections.md, "Construction visits became inspections").

0003 copied what existed then; this run copies what was written in construction since, and nothing twice:
- a visit plan not yet copied → an inspection plan, as 0003 does; one copied as a draft and approved since →
  its copy approved too (who, when, a status row), unless the copy has moved on;
- a planned visit not yet copied → a planned inspection; one copied and moved since while its plan is a draft →
  the copy's date follows, if the copy is still a planned draft entry; one removed from a draft plan since →
  its copy removed, if still a planned entry of a draft plan with nothing recorded on it;
- a visit record not yet copied → recorded into the inspection of its planned visit when that one is still
  planned with nothing recorded, else an inspection of its own (done on the day visited, the inspector as the
  team, the findings a finding with the photos as evidence).

Each copy names its source, so running this again changes nothing. Reversing leaves the copies (reversing
0003 removes them all).
"""

import uuid

from django.conf import settings
from django.db import migrations

PLANNED = "construction.PlannedVisit:"
RECORD = "construction.VisitRecord:"


def _fmt(day):
    return day.strftime("%d/%m/%Y") if day else ""


def _parts(source):
    return [part for part in (source or "").split(";") if part]


def copy_visits_again(apps, schema_editor):
    VisitPlan = apps.get_model("construction", "VisitPlan")
    PlannedVisit = apps.get_model("construction", "PlannedVisit")
    VisitRecord = apps.get_model("construction", "VisitRecord")
    VisitPhoto = apps.get_model("construction", "VisitPhoto")
    InspectionPlan = apps.get_model("inspections", "InspectionPlan")
    Inspection = apps.get_model("inspections", "Inspection")
    ChecklistVersion = apps.get_model("inspections", "ChecklistVersion")
    Finding = apps.get_model("inspections", "Finding")
    Evidence = apps.get_model("inspections", "Evidence")
    PlanStatusChange = apps.get_model("inspections", "PlanStatusChange")
    InspectionStatusChange = apps.get_model("inspections", "InspectionStatusChange")

    checklist = ChecklistVersion.objects.filter(topic="construction").order_by("-number").first()

    # What is copied already: planned visit id → its inspection, and the visit records recorded somewhere.
    by_planned, recorded = {}, set()
    for inspection in Inspection.objects.filter(source__startswith="construction.").order_by("id"):
        for part in _parts(inspection.source):
            if part.startswith(PLANNED):
                by_planned.setdefault(int(part.removeprefix(PLANNED)), inspection)
            elif part.startswith(RECORD):
                recorded.add(int(part.removeprefix(RECORD)))

    plans = {}
    for plan in VisitPlan.objects.order_by("id"):
        source = f"construction.VisitPlan:{plan.pk}"
        copy = InspectionPlan.objects.filter(source=source).first()
        if copy is None:
            first = PlannedVisit.objects.filter(plan=plan).select_related("cluster").order_by("id").first()
            copy = InspectionPlan.objects.create(
                province_id=first.cluster.province_id if first else settings.ICIS_PROVINCE_CODE,
                year=plan.period_start.year,
                kind="yearly",
                title=plan.title,
                notes=(
                    f"Kế hoạch thăm hiện trường xây dựng (sao chép): từ {_fmt(plan.period_start)} đến "
                    f"{_fmt(plan.period_end)}, {plan.frequency_months} tháng một lần."
                ),
                status="draft",
                source=source,
            )
            PlanStatusChange.objects.create(plan=copy, from_status="", to_status="draft", effective_on=None)
        plans[plan.pk] = copy

    def inspection_for(source, **fields):
        inspection = Inspection.objects.create(source=source, client_id=uuid.uuid4(), subject_kind="cluster", **fields)
        if checklist:
            inspection.checklists.add(checklist)
        InspectionStatusChange.objects.create(
            inspection=inspection, from_status="", to_status="planned", effective_on=None
        )
        return inspection

    def record_into(inspection, record):
        inspection.status = "done"
        inspection.status_since = record.visited_on
        inspection.inspected_on = record.visited_on
        inspection.recommendations = record.recommendations
        inspection.source = f"{inspection.source};{RECORD}{record.pk}".lstrip(";")
        inspection.save()
        inspection.team.add(record.inspector_id)
        InspectionStatusChange.objects.create(
            inspection=inspection,
            from_status="planned",
            to_status="done",
            effective_on=record.visited_on,
            actor_id=record.inspector_id,
        )
        finding = Finding.objects.create(
            inspection=inspection,
            client_id=uuid.uuid4(),
            topic="construction",
            description=record.findings,
            recorded_by_id=record.inspector_id,
        )
        for photo in VisitPhoto.objects.filter(record=record).order_by("id"):
            Evidence.objects.create(
                finding=finding, client_id=uuid.uuid4(), file=photo.file.name, caption=photo.caption
            )
        recorded.add(record.pk)

    def open_draft_entry(inspection):
        """Still only planned, nothing recorded on it, in a plan still a draft: safe to follow construction."""
        return (
            inspection.status == "planned"
            and not any(part.startswith(RECORD) for part in _parts(inspection.source))
            and inspection.plan_id is not None
            and InspectionPlan.objects.filter(pk=inspection.plan_id, status="draft").exists()
            and not Finding.objects.filter(inspection=inspection).exists()
        )

    existing = set()
    for visit in PlannedVisit.objects.select_related("plan").order_by("id"):
        existing.add(visit.pk)
        inspection = by_planned.get(visit.pk)
        if inspection is None:
            by_planned[visit.pk] = inspection_for(
                f"{PLANNED}{visit.pk}",
                plan=plans[visit.plan_id],
                cluster_id=visit.cluster_id,
                planned_month=visit.due_on.month,
                due_on=visit.due_on,
                summary=visit.notes,
                status="planned",
            )
        elif inspection.due_on != visit.due_on and open_draft_entry(inspection):
            inspection.due_on = visit.due_on
            inspection.planned_month = visit.due_on.month
            inspection.save()

    for visit_id, inspection in list(by_planned.items()):
        if visit_id not in existing and open_draft_entry(inspection):
            inspection.delete()
            del by_planned[visit_id]

    # Approved since it was copied (after its visits were moved or removed, which a draft allows).
    for plan in VisitPlan.objects.filter(status="approved").order_by("id"):
        copy = plans[plan.pk]
        if copy.status != "draft":
            continue
        copy.status = "approved"
        copy.status_since = plan.approved_at.date() if plan.approved_at else None
        copy.approved_by_id = plan.approved_by_id
        copy.save()
        PlanStatusChange.objects.create(
            plan=copy,
            from_status="draft",
            to_status="approved",
            effective_on=copy.status_since,
            actor_id=plan.approved_by_id,
        )

    for record in VisitRecord.objects.order_by("visited_on", "id"):
        if record.pk in recorded:
            continue
        planned = by_planned.get(record.planned_visit_id) if record.planned_visit_id else None
        if planned is not None:
            planned.refresh_from_db()
        if planned is not None and planned.status == "planned" and not any(
            part.startswith(RECORD) for part in _parts(planned.source)
        ):
            record_into(planned, record)
            continue
        inspection = inspection_for(
            "",
            plan=plans.get(record.planned_visit.plan_id) if record.planned_visit_id else None,
            cluster_id=record.cluster_id,
            planned_month=record.visited_on.month,
            status="planned",
        )
        record_into(inspection, record)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_inspector_team_scope"),
        ("construction", "0006_progress_state_latest_percent"),
    ]

    operations = [migrations.RunPython(copy_visits_again, migrations.RunPython.noop)]
