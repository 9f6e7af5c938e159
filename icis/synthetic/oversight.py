"""Wastewater and inspections for the national synthetic data set, bulk-written and marked synthetic.

What a province's officers record about the clusters `national.py` generates, at a national size (1×):
- central wastewater treatment plants for about 60 % of the clusters that hold land (one cluster each, a
  few serving two neighbours), with their lifecycle, Kq/Kf and a quarterly monitoring requirement;
- quarterly outlet samples of 8 parameters since commissioning (at most the last six years), judged
  against QCVN 40:2011 by the same `Catalogue.judge` the service uses, a violation opened for every
  exceedance as `services.sample_record` would (measured, Cmax, description), closed once old;
  a missed quarter now and then, with its "report not received" violation;
- a yearly inspection plan per province for the last five years, approved; inspections of about a fifth
  of the established clusters, a tenth of the investors and 3 % of the firms each year, done when their
  month has passed; the checklist of 1–3 topics answered item by item; every "not compliant" answer a
  finding and a violation with its legal basis, deadline and remedy status.

Marked synthetic like the rest: plants, samples and violations say "tổng hợp" in their name or notes,
plans and inspections carry `source = SOURCE` and the note; they hang only off synthetic clusters, so
`delete()` finds them through those. Rows go in with `bulk_create` (no field history), one query per
batch; `national_generate` calls `generate()` in its transaction, and `generate_national_dataset
--if-missing` adds them to a data set generated before they existed.
"""

import calendar
import datetime
import random
import uuid
from collections import Counter, defaultdict
from decimal import Decimal

from django.utils import timezone

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.environment.choices import PlantStatus, ReceivingClass, SampleOrigin, SamplePoint, ViolationKind
from icis.environment.choices import ViolationStatus as PlantViolationStatus
from icis.environment.compliance import Catalogue, plain
from icis.environment.models import (
    MonitoringRequirement,
    PlantCluster,
    PlantPhase,
    PlantStatusChange,
    Sample,
    SampleValue,
    SampleVerdict,
    TenantConnection,
    WastewaterPlant,
)
from icis.environment.models import Violation as PlantViolation
from icis.environment.models import ViolationStatusChange as PlantViolationChange
from icis.geo.models import Province
from icis.inspections.choices import (
    Answer,
    InspectionStatus,
    PlanKind,
    PlanStatus,
    Severity,
    SubjectKind,
)
from icis.inspections.choices import ViolationStatus as InspectionViolationStatus
from icis.inspections.models import (
    ChecklistAnswer,
    ChecklistItem,
    ChecklistVersion,
    Finding,
    FollowUp,
    Inspection,
    InspectionPlan,
    InspectionStatusChange,
    PlanStatusChange,
)
from icis.inspections.models import Violation as InspectionViolation
from icis.inspections.models import ViolationStatusChange as InspectionViolationChange
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import TenantProject

from . import services as registry

SOURCE = "generate_national_dataset (dữ liệu tổng hợp)"
LAB = "Phòng thí nghiệm tổng hợp (dữ liệu tổng hợp)"
BATCH = 5000
HOLDING = (ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.OPERATING)
INSPECTED = (ClusterStatus.ESTABLISHED, *HOLDING)
PLANT_SHARE = 0.6  # clusters holding land with a central plant
SHARED_PLANT = 0.08  # plants that also serve a neighbouring cluster of the same province
SAMPLE_YEARS = 6
PARAMETERS = ("pH", "BOD5", "COD", "TSS", "NH4_N", "TN", "TP", "COLIFORM")
EXCEEDING_SAMPLES = 0.06  # outlet samples with one parameter over its limit
MISSED_QUARTERS = 0.03
PLAN_YEARS = 5
CLUSTER_SHARE, INVESTOR_SHARE, FIRM_SHARE = 0.2, 0.1, 0.03  # inspected a year
NOT_COMPLIANT, NOT_APPLICABLE = 0.08, 0.07


def _quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _bulk(model, rows: list, created: Counter, key: str) -> list:
    made = model.objects.bulk_create(rows, batch_size=BATCH)
    created[key] += len(rows)
    if made and made[0].pk is None:  # a database that returns no ids from a bulk insert (MySQL)
        raise RuntimeError(f"{model.__name__}: the database returned no ids from bulk_create.")
    return made


def exists() -> bool:
    """Whether the synthetic clusters already have their plants and inspections."""
    synthetic = Cluster.objects.filter(is_synthetic=True)
    return (
        PlantCluster.objects.filter(cluster__in=synthetic).exists()
        and Inspection.objects.filter(cluster__in=synthetic, source=SOURCE).exists()
    )


def _raw_delete(queryset) -> int:
    return queryset._raw_delete(queryset.db)


def delete() -> Counter:
    """Every plant serving a synthetic cluster and every inspection of one, with what hangs off them; the
    synthetic provinces' inspection plans. Children first."""
    deleted = Counter()
    clusters = Cluster.objects.filter(is_synthetic=True)
    plants = WastewaterPlant.objects.filter(pk__in=PlantCluster.objects.filter(cluster__in=clusters).values("plant_id"))
    plant_ids = list(plants.values_list("pk", flat=True))
    inspections = Inspection.objects.filter(cluster__in=clusters)
    plans = InspectionPlan.objects.filter(province__in=Province.objects.filter(is_synthetic=True))
    steps = [
        ("inspection_follow_ups", FollowUp.objects.filter(inspection__in=inspections)),
        (
            "inspection_violation_changes",
            InspectionViolationChange.objects.filter(violation__inspection__in=inspections),
        ),
        ("inspection_violations", InspectionViolation.objects.filter(inspection__in=inspections)),
        ("findings", Finding.objects.filter(inspection__in=inspections)),
        ("checklist_answers", ChecklistAnswer.objects.filter(inspection__in=inspections)),
        ("inspection_changes", InspectionStatusChange.objects.filter(inspection__in=inspections)),
        ("inspection_topics", Inspection.checklists.through.objects.filter(inspection__in=inspections)),
        ("inspection_teams", Inspection.team.through.objects.filter(inspection__in=inspections)),
        ("inspections", inspections),
        ("inspection_plan_changes", PlanStatusChange.objects.filter(plan__in=plans)),
        ("inspection_plans", plans),
        ("plant_violation_changes", PlantViolationChange.objects.filter(violation__plant_id__in=plant_ids)),
        ("plant_violations", PlantViolation.objects.filter(plant_id__in=plant_ids)),
        ("sample_values", SampleValue.objects.filter(sample__plant_id__in=plant_ids)),
        ("sample_verdicts", SampleVerdict.objects.filter(sample__plant_id__in=plant_ids)),  # kept, derived
        ("samples", Sample.objects.filter(plant_id__in=plant_ids)),
        ("monitoring_requirements", MonitoringRequirement.objects.filter(plant_id__in=plant_ids)),
        ("plant_changes", PlantStatusChange.objects.filter(plant_id__in=plant_ids)),
        ("plant_phases", PlantPhase.objects.filter(plant_id__in=plant_ids)),
        ("plant_connections", TenantConnection.objects.filter(plant_id__in=plant_ids)),
        ("plant_links", PlantCluster.objects.filter(plant_id__in=plant_ids)),
        ("wastewater_plants", WastewaterPlant.objects.filter(pk__in=plant_ids)),
    ]
    for name, queryset in steps:
        deleted[name] += _raw_delete(queryset)
    return deleted


def generate(*, seed: int = registry.DEFAULT_SEED, today: datetime.date | None = None) -> Counter:
    """Write the plants, samples, violations and inspections of the synthetic clusters already there."""
    today = today or timezone.localdate()
    rng = random.Random(seed + 16)
    created = Counter()
    clusters = list(
        Cluster.objects.filter(is_synthetic=True)
        .order_by("pk")
        .values("pk", "code", "name", "status", "status_since", "province_id", "investor_id", "investor__name")
    )
    _environment(clusters, rng, today, created)
    _inspections(clusters, rng, today, created)
    return created


# ---------------------------------------------------------------------------------------------- wastewater


def _plant_status(cluster_status: str, rng: random.Random) -> str:
    if cluster_status == ClusterStatus.UNDER_CONSTRUCTION:
        return PlantStatus.UNDER_CONSTRUCTION
    return PlantStatus.SUSPENDED if rng.random() < 0.05 else PlantStatus.OPERATING


def _environment(clusters: list[dict], rng: random.Random, today: datetime.date, created: Counter) -> None:
    catalogue = Catalogue.load()
    parameters = [catalogue.parameter(code) for code in PARAMETERS]
    if any(p is None for p in parameters):
        raise RuntimeError("The QCVN 40:2011 parameters are not loaded (environment migrations 0002 and 0004).")
    holding = [c for c in clusters if c["status"] in HOLDING]
    by_province = defaultdict(list)
    for cluster in holding:
        by_province[cluster["province_id"]].append(cluster)
    served = [c for c in holding if rng.random() < PLANT_SHARE]
    plants, links, changes = [], [], []
    for n, cluster in enumerate(served, start=1):
        status = _plant_status(cluster["status"], rng)
        since = cluster["status_since"] or today - datetime.timedelta(days=3000)
        built = status != PlantStatus.UNDER_CONSTRUCTION
        commissioned = since - datetime.timedelta(days=rng.randint(0, 400)) if built else None
        capacity = Decimal(rng.choice((300, 500, 800, 1000, 1500, 2000, 3000, 5000)))
        plants.append(
            WastewaterPlant(
                name=f"Trạm XLNT tổng hợp {n:05d} — {cluster['code']} (dữ liệu tổng hợp)",
                capacity_m3_day=capacity,
                technology="AAO + lắng + khử trùng (dữ liệu tổng hợp)",
                status=status,
                status_since=since if built else since + datetime.timedelta(days=30),
                commissioned_on=commissioned,
                receiving_water_body=f"Sông tổng hợp {cluster['province_id']} (dữ liệu tổng hợp)",
                receiving_class=ReceivingClass.A if rng.random() < 0.2 else ReceivingClass.B,
                receiving_body_kind="river",
                discharge_flow_m3_day=(capacity * Decimal(rng.uniform(0.4, 0.9))).quantize(Decimal("0.01"))
                if built
                else None,
                kq=Decimal(rng.choice(("0.9", "1.0", "1.1"))),
                kf=Decimal(rng.choice(("0.9", "1.0", "1.1"))),
                factors_basis="Giấy phép môi trường tổng hợp (dữ liệu tổng hợp)",
                continuous_monitoring=capacity >= 1000,
                continuous_connected=capacity >= 1000 and rng.random() < 0.7,
                operator_id=cluster["investor_id"],
                notes=registry.NOTE,
            )
        )
    plants = _bulk(WastewaterPlant, plants, created, "wastewater_plants")
    requirements = []
    for plant, cluster in zip(plants, served, strict=True):
        links.append(PlantCluster(plant_id=plant.pk, cluster_id=cluster["pk"]))
        if rng.random() < SHARED_PLANT:
            neighbours = [c for c in by_province[cluster["province_id"]] if c["pk"] != cluster["pk"]]
            if neighbours:
                links.append(PlantCluster(plant_id=plant.pk, cluster_id=rng.choice(neighbours)["pk"]))
        start = (plant.commissioned_on or plant.status_since) - datetime.timedelta(days=rng.randint(200, 700))
        path = [(PlantStatus.PLANNED, start - datetime.timedelta(days=180)), (PlantStatus.UNDER_CONSTRUCTION, start)]
        if plant.status != PlantStatus.UNDER_CONSTRUCTION:
            path.append((PlantStatus.OPERATING, plant.commissioned_on))
        if plant.status == PlantStatus.SUSPENDED:
            path.append((PlantStatus.SUSPENDED, plant.status_since))
        previous = ""
        for status, day in path:
            changes.append(
                PlantStatusChange(
                    plant_id=plant.pk, from_status=previous, to_status=status, effective_on=day, reason=registry.NOTE
                )
            )
            previous = status
        if plant.commissioned_on:
            requirements.append(
                MonitoringRequirement(
                    plant_id=plant.pk,
                    frequency_months=3,
                    grace_days=30,
                    starts_on=plant.commissioned_on,
                    notes=registry.NOTE,
                )
            )
    _bulk(PlantCluster, links, created, "plant_links")
    _bulk(PlantStatusChange, changes, created, "plant_changes")
    requirements = _bulk(MonitoringRequirement, requirements, created, "monitoring_requirements")
    _samples(plants, {r.plant_id: r for r in requirements}, parameters, catalogue, rng, today, created)


def _value(limit, kq, kf, exceed: bool, rng: random.Random) -> Decimal:
    """A plausible effluent value under the limit (Cmax = C × Kq × Kf where multiplied), or over it."""
    high = limit.value * kq * kf if (limit.multiplied and limit.value is not None) else limit.value
    low = limit.min_value
    if high is None:  # only a minimum
        value = low * Decimal(rng.uniform(0.5, 0.9) if exceed else rng.uniform(1.1, 2.0))
    elif exceed and low is not None:  # a range (pH): just outside one end
        value = high + Decimal(rng.uniform(0.3, 1.5)) if rng.random() < 0.5 else low - Decimal(rng.uniform(0.3, 1.5))
    elif exceed:
        value = high * Decimal(rng.uniform(1.1, 1.9))
    elif low is not None:
        value = low + (high - low) * Decimal(rng.uniform(0.2, 0.7))
    else:
        value = high * Decimal(rng.uniform(0.1, 0.85))
    return value.quantize(Decimal("0.01") if value >= 1 else Decimal("0.0001"))


def _samples(plants, requirements, parameters, catalogue, rng, today, created) -> None:
    first_year = today.year - SAMPLE_YEARS
    samples, plans = [], []  # plans: per sample, its (parameter, value) readings
    missed = []
    for plant in plants:
        requirement = requirements.get(plant.pk)
        if requirement is None:
            continue
        regulation = catalogue.regulation_for(plant, today)
        for year in range(max(first_year, requirement.starts_on.year), today.year + 1):
            for quarter in range(1, 5):
                end = _quarter_end(year, quarter)
                if end <= requirement.starts_on or end + datetime.timedelta(days=requirement.grace_days) >= today:
                    continue
                if rng.random() < MISSED_QUARTERS:
                    missed.append((plant, requirement, end))
                    continue
                day = end - datetime.timedelta(days=rng.randint(5, 60))
                exceed_index = rng.randrange(len(parameters)) if rng.random() < EXCEEDING_SAMPLES else None
                readings = []
                for index, parameter in enumerate(parameters):
                    limit, _why, _outcome = catalogue.limit_for(
                        regulation, parameter, plant.receiving_class, plant.judged_flow
                    )
                    if limit is None:
                        continue
                    readings.append((parameter, _value(limit, plant.kq, plant.kf, index == exceed_index, rng)))
                samples.append(
                    Sample(
                        plant_id=plant.pk,
                        sampled_on=day,
                        point=SamplePoint.OUTLET,
                        origin=SampleOrigin.PERIODIC,
                        lab=LAB,
                        notes=registry.NOTE,
                    )
                )
                plans.append((plant, readings))
    samples = _bulk(Sample, samples, created, "samples")
    values, violations = [], []
    for sample, (plant, readings) in zip(samples, plans, strict=True):
        for parameter, value in readings:
            values.append(SampleValue(sample_id=sample.pk, parameter_id=parameter.pk, value=value, unit=parameter.unit))
        if len(values) >= 10 * BATCH:
            _bulk(SampleValue, values, created, "sample_values")
            values = []
        judgement = catalogue.judge(
            plant=plant, day=sample.sampled_on, point=SamplePoint.OUTLET, values=[(p, v, "") for p, v in readings]
        )
        for verdict in judgement.exceeded:
            detected = sample.sampled_on + datetime.timedelta(days=rng.randint(10, 25))
            violations.append(
                _plant_violation(
                    plant,
                    kind=ViolationKind.EXCEEDANCE,
                    parameter_id=catalogue.parameter(verdict.parameter).pk,
                    sample_id=sample.pk,
                    measured=verdict.value,
                    limit=verdict.limit if verdict.limit is not None else verdict.limit_min,
                    unit=verdict.unit,
                    regulation_id=judgement.regulation.pk,
                    description=(
                        f"{verdict.parameter} {plain(verdict.value)} {verdict.unit} ngày "
                        f"{sample.sampled_on:%d/%m/%Y} vượt Cmax {plain(verdict.limit)} "
                        f"({judgement.regulation.code}, cột {judgement.column}). {registry.NOTE}"
                    ),
                    detected=detected,
                    today=today,
                    rng=rng,
                )
            )
    _bulk(SampleValue, values, created, "sample_values")
    for plant, requirement, end in missed:
        start = (
            _quarter_end(end.year, (end.month - 1) // 3) + datetime.timedelta(days=1)
            if end.month > 3
            else (datetime.date(end.year, 1, 1))
        )
        violations.append(
            _plant_violation(
                plant,
                kind=ViolationKind.REPORT_MISSING,
                requirement_id=requirement.pk,
                period_start=start,
                period_end=end,
                description=(
                    f"Không nhận được báo cáo quan trắc định kỳ kỳ {start:%d/%m/%Y}–{end:%d/%m/%Y}. {registry.NOTE}"
                ),
                detected=end + datetime.timedelta(days=requirement.grace_days + 1),
                today=today,
                rng=rng,
            )
        )
    violations = _bulk(PlantViolation, violations, created, "plant_violations")
    changes = []
    for violation in violations:
        changes.append(
            PlantViolationChange(
                violation_id=violation.pk, from_status="", to_status="open", effective_on=violation.detected_on
            )
        )
        if violation.status == PlantViolationStatus.CLOSED:
            changes.append(
                PlantViolationChange(
                    violation_id=violation.pk,
                    from_status="open",
                    to_status="closed",
                    effective_on=violation.closed_on,
                    reason=registry.NOTE,
                )
            )
    _bulk(PlantViolationChange, changes, created, "plant_violation_changes")


def _plant_violation(plant, *, detected, today, rng, **fields) -> PlantViolation:
    deadline = detected + datetime.timedelta(days=30)
    closed = deadline + datetime.timedelta(days=90) < today and rng.random() < 0.9
    closed_on = min(deadline + datetime.timedelta(days=rng.randint(-20, 60)), today) if closed else None
    closed_on = max(closed_on, detected) if closed_on else None
    return PlantViolation(
        plant_id=plant.pk,
        status=PlantViolationStatus.CLOSED if closed else PlantViolationStatus.OPEN,
        detected_on=detected,
        deadline=deadline,
        closed_on=closed_on,
        resolution=registry.NOTE if closed else "",
        **fields,
    )


# ---------------------------------------------------------------------------------------------- inspections


def _inspections(clusters: list[dict], rng: random.Random, today: datetime.date, created: Counter) -> None:
    inspected = [c for c in clusters if c["status"] in INSPECTED]
    by_province = defaultdict(list)
    for cluster in inspected:
        by_province[cluster["province_id"]].append(cluster)
    cluster_by_pk = {c["pk"]: c for c in inspected}
    firms = defaultdict(list)  # province → (cluster, tenant id, tenant name)
    for cluster_id, tenant_id, tenant_name in (
        TenantProject.objects.filter(cluster_id__in=list(cluster_by_pk), status=ProjectStatus.OPERATING)
        .order_by("pk")
        .values_list("cluster_id", "tenant_id", "tenant__name")
    ):
        firms[cluster_by_pk[cluster_id]["province_id"]].append((cluster_by_pk[cluster_id], tenant_id, tenant_name))
    checklists = {}
    for version in ChecklistVersion.objects.order_by("topic", "-number"):
        checklists.setdefault(version.topic, version)  # the latest version of each topic
    items = defaultdict(list)
    for item in ChecklistItem.objects.filter(checklist__in=list(checklists.values())).order_by("checklist", "number"):
        items[item.checklist_id].append(item)
    topics = sorted(checklists)
    years = range(today.year - PLAN_YEARS + 1, today.year + 1)
    plans = []
    for province in sorted(by_province):
        for year in years:
            plans.append(
                InspectionPlan(
                    province_id=province,
                    year=year,
                    kind=PlanKind.YEARLY,
                    title=f"Kế hoạch kiểm tra cụm công nghiệp năm {year} — tỉnh {province} (dữ liệu tổng hợp)",
                    notes=registry.NOTE,
                    status=PlanStatus.APPROVED,
                    status_since=datetime.date(year - 1, 12, 15),
                    source=SOURCE,
                )
            )
    plans = _bulk(InspectionPlan, plans, created, "inspection_plans")
    plan_changes = []
    for plan in plans:
        for from_status, to_status, day in (
            ("", PlanStatus.DRAFT, datetime.date(plan.year - 1, 11, 1)),
            (PlanStatus.DRAFT, PlanStatus.SUBMITTED, datetime.date(plan.year - 1, 12, 1)),
            (PlanStatus.SUBMITTED, PlanStatus.APPROVED, plan.status_since),
        ):
            plan_changes.append(
                PlanStatusChange(plan_id=plan.pk, from_status=from_status, to_status=to_status, effective_on=day)
            )
    _bulk(PlanStatusChange, plan_changes, created, "inspection_plan_changes")

    inspections = []
    for plan in plans:
        subjects = [
            (SubjectKind.CLUSTER, c, None, None) for c in by_province[plan.province_id] if rng.random() < CLUSTER_SHARE
        ]
        subjects += [
            (SubjectKind.INVESTOR, c, None, None)
            for c in by_province[plan.province_id]
            if c["investor_id"] and rng.random() < INVESTOR_SHARE
        ]
        subjects += [
            (SubjectKind.TENANT, c, tenant_id, name)
            for c, tenant_id, name in firms[plan.province_id]
            if rng.random() < FIRM_SHARE
        ]
        for kind, cluster, tenant_id, _name in subjects:
            month = rng.randint(1, 12)
            due = _month_end(plan.year, month)
            done = due < today and rng.random() > 0.03
            cancelled = due < today and not done
            inspected_on = due - datetime.timedelta(days=rng.randint(0, 25)) if done else None
            inspection = Inspection(
                client_id=_uuid(rng),
                plan_id=plan.pk,
                subject_kind=kind,
                cluster_id=cluster["pk"],
                organisation_id=cluster["investor_id"] if kind == SubjectKind.INVESTOR else None,
                tenant_id=tenant_id,
                planned_month=month,
                due_on=due,
                status=InspectionStatus.DONE
                if done
                else InspectionStatus.CANCELLED
                if cancelled
                else InspectionStatus.PLANNED,
                status_since=inspected_on or (due if cancelled else plan.status_since),
                inspected_on=inspected_on,
                summary=registry.NOTE if done else "",
                source=SOURCE,
            )
            inspection.topics_chosen = rng.sample(topics, rng.randint(1, min(3, len(topics))))
            inspection.subject = cluster["investor__name"] if kind == SubjectKind.INVESTOR else _name or cluster["name"]
            inspections.append(inspection)
    made = _bulk(Inspection, inspections, created, "inspections")
    through = Inspection.checklists.through
    _bulk(
        through,
        [
            through(inspection_id=i.pk, checklistversion_id=checklists[topic].pk)
            for i, source in zip(made, inspections, strict=True)
            for topic in source.topics_chosen
        ],
        created,
        "inspection_topics",
    )
    changes, answers, findings, pending = [], [], [], []
    for inspection, source in zip(made, inspections, strict=True):
        changes.append(
            InspectionStatusChange(inspection_id=inspection.pk, from_status="", to_status="planned", effective_on=None)
        )
        if inspection.status != InspectionStatus.PLANNED:
            changes.append(
                InspectionStatusChange(
                    inspection_id=inspection.pk,
                    from_status="planned",
                    to_status=inspection.status,
                    effective_on=inspection.status_since,
                    reason=registry.NOTE if inspection.status == InspectionStatus.CANCELLED else "",
                )
            )
        if inspection.status != InspectionStatus.DONE:
            continue
        for topic in source.topics_chosen:
            for item in items[checklists[topic].pk]:
                draw = rng.random()
                answer = (
                    Answer.NOT_COMPLIANT
                    if draw < NOT_COMPLIANT
                    else Answer.NOT_APPLICABLE
                    if draw < NOT_COMPLIANT + NOT_APPLICABLE
                    else Answer.COMPLIANT
                )
                answers.append(
                    ChecklistAnswer(client_id=_uuid(rng), inspection_id=inspection.pk, item_id=item.pk, answer=answer)
                )
                if answer == Answer.NOT_COMPLIANT:
                    findings.append(
                        Finding(
                            client_id=_uuid(rng),
                            inspection_id=inspection.pk,
                            item_id=item.pk,
                            topic=topic,
                            description=f"Chưa đáp ứng: {item.text[:200]} ({registry.NOTE})",
                        )
                    )
                    pending.append((inspection, source.subject, topic, item))
    _bulk(InspectionStatusChange, changes, created, "inspection_changes")
    _bulk(ChecklistAnswer, answers, created, "checklist_answers")
    findings = _bulk(Finding, findings, created, "findings")
    violations = []
    for finding, (inspection, subject, topic, item) in zip(findings, pending, strict=True):
        deadline = inspection.inspected_on + datetime.timedelta(days=rng.choice((30, 45, 60, 90)))
        if deadline + datetime.timedelta(days=60) < today:
            draw = rng.random()
            status = (
                InspectionViolationStatus.REMEDIED
                if draw < 0.8
                else InspectionViolationStatus.PARTLY_REMEDIED
                if draw < 0.9
                else InspectionViolationStatus.NOT_REMEDIED
            )
        else:
            status = InspectionViolationStatus.OPEN
        since = (
            deadline + datetime.timedelta(days=rng.randint(-10, 50)) if status != "open" else inspection.inspected_on
        )
        violations.append(
            InspectionViolation(
                client_id=_uuid(rng),
                inspection_id=inspection.pk,
                finding_id=finding.pk,
                topic=topic,
                description=f"Vi phạm (dữ liệu tổng hợp): {item.text[:200]}",
                legal_basis=item.legal_basis,
                severity=rng.choices((Severity.MINOR, Severity.SERIOUS, Severity.VERY_SERIOUS), (80, 17, 3))[0],
                corrective_action="Khắc phục theo kết luận kiểm tra (dữ liệu tổng hợp).",
                deadline=deadline,
                responsible=(subject or "—")[:255],
                status=status,
                status_since=min(since, today),
            )
        )
    violations = _bulk(InspectionViolation, violations, created, "inspection_violations")
    changes = []
    for violation, (inspection, *_rest) in zip(violations, pending, strict=True):
        changes.append(
            InspectionViolationChange(
                violation_id=violation.pk, from_status="", to_status="open", effective_on=inspection.inspected_on
            )
        )
        if violation.status != InspectionViolationStatus.OPEN:
            changes.append(
                InspectionViolationChange(
                    violation_id=violation.pk,
                    from_status="open",
                    to_status=violation.status,
                    effective_on=violation.status_since,
                    reason=registry.NOTE,
                )
            )
    _bulk(InspectionViolationChange, changes, created, "inspection_violation_changes")


def refresh_statistics_models() -> tuple:
    """The tables `national.refresh_statistics` should ANALYZE after this bulk load."""
    return (
        WastewaterPlant,
        PlantCluster,
        PlantStatusChange,
        MonitoringRequirement,
        Sample,
        SampleValue,
        PlantViolation,
        PlantViolationChange,
        InspectionPlan,
        Inspection,
        Inspection.checklists.through,
        ChecklistAnswer,
        Finding,
        InspectionViolation,
        InspectionViolationChange,
        InspectionStatusChange,
    )
