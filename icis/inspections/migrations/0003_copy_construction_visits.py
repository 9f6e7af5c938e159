"""The construction site visits of wave 1 become inspections of the topic construction (docs/inspections.md):

- each visit plan → an inspection plan (title, period and frequency in its notes, draft or approved with who
  approved it and when), in the province of its clusters;
- each planned visit → a planned inspection of the cluster (month and due date kept, its notes in the summary);
- each visit record → the inspection it was planned as (the first record of a planned visit) or an inspection
  of its own, done on the day visited by the inspector (the team), its findings a finding, its
  recommendations kept;
- each photo → evidence of that finding (the same stored file).

The construction tables are left as they are (their pages keep working); every copy names its source, so
running the copy again copies nothing twice. Reversing deletes the copies.
"""

import uuid

from django.conf import settings
from django.db import migrations


def _fmt(day):
    return day.strftime("%d/%m/%Y") if day else ""


def copy_visits(apps, schema_editor):
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
    copied = set(Inspection.objects.exclude(source="").values_list("source", flat=True))
    plans = {}
    for plan in VisitPlan.objects.order_by("id"):
        source = f"construction.VisitPlan:{plan.pk}"
        existing = InspectionPlan.objects.filter(source=source).first()
        if existing:
            plans[plan.pk] = existing
            continue
        first = PlannedVisit.objects.filter(plan=plan).select_related("cluster").order_by("id").first()
        province = first.cluster.province_id if first else settings.ICIS_PROVINCE_CODE
        approved = plan.status == "approved"
        copy = InspectionPlan.objects.create(
            province_id=province,
            year=plan.period_start.year,
            kind="yearly",
            title=plan.title,
            notes=(
                f"Kế hoạch thăm hiện trường xây dựng (sao chép): từ {_fmt(plan.period_start)} đến "
                f"{_fmt(plan.period_end)}, {plan.frequency_months} tháng một lần."
            ),
            status="approved" if approved else "draft",
            status_since=plan.approved_at.date() if approved and plan.approved_at else None,
            approved_by_id=plan.approved_by_id,
            source=source,
        )
        PlanStatusChange.objects.create(plan=copy, from_status="", to_status="draft", effective_on=None)
        if approved:
            PlanStatusChange.objects.create(
                plan=copy,
                from_status="draft",
                to_status="approved",
                effective_on=copy.status_since,
                actor_id=plan.approved_by_id,
            )
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
        inspection.source = f"{inspection.source};construction.VisitRecord:{record.pk}".lstrip(";")
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

    merged = set()
    for visit in PlannedVisit.objects.select_related("cluster").order_by("id"):
        source = f"construction.PlannedVisit:{visit.pk}"
        if any(s.split(";")[0] == source for s in copied):
            continue
        inspection = inspection_for(
            source,
            plan=plans[visit.plan_id],
            cluster_id=visit.cluster_id,
            planned_month=visit.due_on.month,
            due_on=visit.due_on,
            summary=visit.notes,
            status="planned",
        )
        first = VisitRecord.objects.filter(planned_visit=visit).order_by("visited_on", "id").first()
        if first:
            record_into(inspection, first)
            merged.add(first.pk)
    already = {s.split(":")[-1] for s in copied if "VisitRecord" in s}
    for record in VisitRecord.objects.exclude(pk__in=merged).order_by("id"):
        if str(record.pk) in already:
            continue
        plan = plans.get(record.planned_visit.plan_id) if record.planned_visit_id else None
        inspection = inspection_for(
            "",
            plan=plan,
            cluster_id=record.cluster_id,
            planned_month=record.visited_on.month,
            status="planned",
        )
        record_into(inspection, record)


def remove_copies(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    InspectionPlan = apps.get_model("inspections", "InspectionPlan")
    copies = Inspection.objects.filter(source__startswith="construction.")
    for model in ("Evidence", "Finding"):
        path = "finding__inspection__in" if model == "Evidence" else "inspection__in"
        apps.get_model("inspections", model).objects.filter(**{path: copies}).delete()
    copies.delete()
    InspectionPlan.objects.filter(source__startswith="construction.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_checklists_decree_32"),
        ("construction", "0003_progress_report_and_obstacle_status_history"),
    ]

    operations = [migrations.RunPython(copy_visits, remove_copies)]

