"""A national-size synthetic data set for the benchmark: bulk-written, reproducible, marked synthetic.

At scale 1: 1,500 clusters over 34 synthetic provinces, 60,000 tenant projects, 1,000,000 progress rows
(125,000 accepted progress reports and their 7 components each), milestones, Form 01 for every project
and Form 02 for every cluster with an investor, for the two Circular 14 periods around the day it is generated
(`report_periods`); wastewater plants with their samples
and violations, inspection plans, inspections and their violations (`oversight.py`).
`scale=10` multiplies the clusters and
everything under them by ten (each cluster's own history stays as long, as in a bigger country).

How the rows say they are synthetic (as `services.py` does for the registry): provinces and clusters
carry `is_synthetic`; unit codes start with "S", cluster codes with "SYN-"; names say "tổng hợp";
tenant projects are `is_illustrative`; investors, tenants and projects are named "… tổng hợp …";
reports and milestones carry the note in their remarks; Form 01/02 figures carry `"synthetic": true`.

Rows go in with `bulk_create` (no model `save()`, so no field-history rows: a history of invented
data would say nothing), in one transaction, then `ANALYZE` on PostgreSQL. The communes are the
registry generator's synthetic ones (`_units_payload`), isolated in `_write_units` so a loader of the
real 2025 commune list can take its place.
"""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from icis.accounts.models import Organisation
from icis.clusters import kept as clusters_kept
from icis.clusters.choices import ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.construction.choices import Component, MilestoneKind, ReportStatus
from icis.construction.models import ComponentProgress, Milestone, ProgressReport, ProgressState
from icis.construction.state import progress_state_refresh
from icis.core.text import fold, search_words
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict, Province
from icis.geo.services import admin_units_load
from icis.tenancy import kept as tenancy_kept
from icis.tenancy import periods as tenancy_periods
from icis.tenancy.choices import ProjectStatus, ReportForm, SubmissionStatus
from icis.tenancy.models import Submission, TenancyState, Tenant, TenantProject

from . import oversight
from . import services as registry

CLUSTERS_1X = 1500
PROVINCES = 34
COMMUNES_PER_PROVINCE = 98  # 34 × 98 = 3,332, about Vietnam's 3,321 communes since 2025-07-01
PROJECTS_1X = 60_000
PROGRESS_ROWS_1X = 1_000_000
COMPONENTS_PER_REPORT = 7
INVESTOR_SHARE = 0.7
INVESTOR_PREFIX = "Chủ đầu tư tổng hợp "
TAX_PREFIX = "99"  # synthetic tenants' tax codes: 99 and 8 digits
BATCH = 5000
STARTED = (ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.OPERATING)
HOLDING = (ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.OPERATING, ClusterStatus.UNDER_CONSTRUCTION)


@dataclass
class NationalResult:
    scale: int
    seed: int
    created: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _raw_delete(queryset) -> int:
    """Delete without collecting every row in Python: the bench database holds millions of them.
    Children are deleted first, so no foreign key is left dangling."""
    return queryset._raw_delete(queryset.db)


def national_delete() -> Counter:
    """Remove every synthetic row this module (or the registry generator) wrote, children first."""
    deleted = oversight.delete()
    clusters = Cluster.objects.filter(is_synthetic=True)
    provinces = Province.objects.filter(is_synthetic=True)
    steps = [
        ("submissions", Submission.objects.filter(cluster__in=clusters)),
        ("components", ComponentProgress.objects.filter(report__cluster__in=clusters)),
        ("progress_states", ProgressState.objects.filter(cluster__in=clusters)),
        ("progress_reports", ProgressReport.objects.filter(cluster__in=clusters)),
        ("milestones", Milestone.objects.filter(cluster__in=clusters)),
        ("tenancy_states", TenancyState.objects.filter(cluster__in=clusters)),
        ("tenant_projects", TenantProject.objects.filter(cluster__in=clusters)),
        ("tenants", Tenant.objects.filter(tax_code__startswith=TAX_PREFIX, name__contains="tổng hợp")),
        ("status_changes", StatusChange.objects.filter(cluster__in=clusters)),
        ("cluster_communes", ClusterCommune.objects.filter(cluster__in=clusters)),
        ("legacy_links", Cluster.legacy_communes.through.objects.filter(cluster__in=clusters)),
    ]
    for name, queryset in steps:
        deleted[name] += _raw_delete(queryset)
    deleted["clusters"] += _raw_delete(clusters)
    deleted["investors"] += _raw_delete(
        Organisation.objects.filter(name__startswith=INVESTOR_PREFIX, notes=registry.NOTE).exclude(
            pk__in=Cluster.objects.exclude(investor=None).values("investor_id")
        )
    )
    deleted["communes"] += _raw_delete(Commune.objects.filter(province__in=provinces))
    deleted["legacy_communes"] += _raw_delete(LegacyCommune.objects.filter(district__province__in=provinces))
    deleted["legacy_districts"] += _raw_delete(LegacyDistrict.objects.filter(province__in=provinces))
    deleted["provinces"] += _raw_delete(provinces)
    return deleted


def report_periods(today: datetime.date) -> tuple[str, str]:
    """The two Circular 14 periods Form 01/02 are generated for, oldest first: the latest period closed by
    `today` (the one Form 03/04 and the tenancy pages open on) and the one before it. The period whose Form
    01/02 are due by `today` (`periods.due`, the dashboard's "not sent" line) is always one of them: the
    latest closed once its deadline has passed, the one before during the days between the period's end
    and its deadline (15–19 June, 15–19 December)."""
    latest = tenancy_periods.latest_closed(today)
    before = f"{latest.year}-H1" if latest.kind == "Y" else f"{latest.year - 1}-Y"
    return (tenancy_periods.parse(before).code, latest.code)


def submitted_periods() -> tuple[str, ...]:
    """The periods of the synthetic Form 01/02 in the database, oldest first (Y after H1 of a year)."""
    codes = Submission.objects.filter(cluster__is_synthetic=True).values_list("period", flat=True).distinct()
    return tuple(sorted(set(codes), key=lambda code: (code[:4], code[5:] == "Y")))


def national_exists(clusters: int) -> bool:
    """Whether a national data set of `clusters` synthetic clusters, with its progress reports and its
    kept progress state, is already in the database (`generate_national_dataset --if-missing`)."""
    synthetic = Cluster.objects.filter(is_synthetic=True, code__startswith="SYN-")
    return (
        synthetic.count() == clusters
        and ProgressReport.objects.filter(cluster__in=synthetic).exists()
        and ProgressState.objects.filter(cluster__in=synthetic).exists()
    )


def _write_units(provinces: int, communes_per_province: int, result: NationalResult) -> None:
    """The administrative units: synthetic ones for now (see the module's docstring)."""
    for p in range(1, provinces + 1):
        Province.objects.create(
            code=registry.province_code(p), name=f"Tỉnh tổng hợp {p:02d} (dữ liệu tổng hợp)", is_synthetic=True
        )
        counts = admin_units_load(payload=registry._units_payload(p, communes_per_province))
        result.created["provinces"] += 1
        result.created["communes"] += counts["communes"]


def _bulk(model, rows, result: NationalResult, key: str) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    result.created[key] += len(rows)
    return created


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def national_generate(
    *,
    scale: int = 1,
    clusters: int | None = None,
    projects: int | None = None,
    progress_rows: int | None = None,
    provinces: int = PROVINCES,
    communes_per_province: int = COMMUNES_PER_PROVINCE,
    seed: int = registry.DEFAULT_SEED,
    replace: bool = False,
) -> NationalResult:
    """Write the data set in one transaction (all or nothing). Sizes default to scale × the 1× figures."""
    started = time.perf_counter()
    n_clusters = clusters or CLUSTERS_1X * scale
    n_projects = PROJECTS_1X * scale if projects is None else projects
    n_rows = PROGRESS_ROWS_1X * scale if progress_rows is None else progress_rows
    registry.check_arguments(clusters=n_clusters, provinces=provinces, communes_per_province=communes_per_province)
    result = NationalResult(scale=scale, seed=seed)
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    plans = registry.plan_clusters(
        clusters=n_clusters, provinces=provinces, communes_per_province=communes_per_province, seed=seed
    )
    with transaction.atomic():
        if registry.synthetic_registry_exists():
            if not replace:
                raise registry.SyntheticRegistryError(
                    "Synthetic data already exists; run again with --replace to delete it and generate afresh."
                )
            result.deleted = national_delete()
        _write_units(provinces, communes_per_province, result)
        province_by_code = {p.code: p for p in Province.objects.filter(is_synthetic=True)}
        district_by_code = {d.code: d for d in LegacyDistrict.objects.filter(province__is_synthetic=True)}
        district_names = {d.pk: d.name for d in district_by_code.values()}
        legacy_by_code = {c.code: c.pk for c in LegacyCommune.objects.filter(district__province__is_synthetic=True)}
        commune_by_code = {c.code: c.pk for c in Commune.objects.filter(province__is_synthetic=True)}

        investors = _bulk(
            Organisation,
            [
                Organisation(name=f"{INVESTOR_PREFIX}{n:05d} (dữ liệu tổng hợp)", kind="investor", notes=registry.NOTE)
                for n in range(1, max(n_clusters // 3, 1) + 1)
            ],
            result,
            "investors",
        )
        cluster_rows = []
        for plan in plans:
            district = district_by_code[registry.district_code(plan.province, plan.district)]
            has_investor = plan.path[-1] != ClusterStatus.PROPOSED and rng.random() < INVESTOR_SHARE
            name_ascii = fold(plan.name).title()
            cluster_rows.append(
                Cluster(
                    code=plan.code,
                    name=plan.name,
                    name_ascii=name_ascii,
                    kind=plan.kind,
                    province=province_by_code[registry.province_code(plan.province)],
                    legacy_district=district,
                    planned_area_ha=plan.area_ha,
                    area_ha=plan.area_ha,
                    industrial_land_ha=plan.industrial_land_ha,
                    latitude=plan.latitude,
                    longitude=plan.longitude,
                    investor=rng.choice(investors) if has_investor else None,
                    status=plan.path[-1],
                    status_since=plan.dates[-1],
                    needs_verification=plan.needs_verification,
                    is_synthetic=True,
                    notes=registry.NOTE,
                    sort_name=fold(plan.name),
                    search_text=search_words(
                        plan.code, plan.code.replace("-", ""), plan.name, name_ascii, district_names[district.pk]
                    ),
                )
            )
        made = _bulk(Cluster, cluster_rows, result, "clusters")
        if made and made[0].pk is None:  # databases that do not return ids from a bulk insert
            by_code = dict(Cluster.objects.filter(is_synthetic=True).values_list("code", "pk"))
            for cluster in made:
                cluster.pk = cluster.id = by_code[cluster.code]
        changes, communes, legacy = [], [], []
        legacy_through = Cluster.legacy_communes.through
        for cluster, plan in zip(made, plans, strict=True):
            previous = ""
            for status, day in zip(plan.path, plan.dates, strict=True):
                changes.append(
                    StatusChange(
                        cluster_id=cluster.pk,
                        from_status=previous,
                        to_status=status,
                        effective_on=day,
                        reason="Synthetic lifecycle step (generate_national_dataset); not real.",
                    )
                )
                previous = status
            communes.append(
                ClusterCommune(
                    cluster_id=cluster.pk,
                    commune_id=commune_by_code[registry.commune_code(plan.province, plan.commune)],
                    basis=CommuneBasis.STATED,
                )
            )
            legacy.append(
                legacy_through(
                    cluster_id=cluster.pk,
                    legacycommune_id=legacy_by_code[
                        registry.legacy_commune_code(plan.province, plan.district, plan.legacy_commune)
                    ],
                )
            )
        _bulk(StatusChange, changes, result, "status_changes")
        clusters_kept.refresh(Cluster.objects.filter(is_synthetic=True).values("pk"))  # bulk: no signal
        _bulk(ClusterCommune, communes, result, "cluster_communes")
        _bulk(legacy_through, legacy, result, "legacy_commune_links")

        # -- construction: monthly accepted reports ending last month, 7 components each, milestones
        started_clusters = [(c, p) for c, p in zip(made, plans, strict=True) if p.path[-1] in STARTED]
        reports_total = n_rows // (1 + COMPONENTS_PER_REPORT)
        per_cluster = max(reports_total // max(len(started_clusters), 1), 1) if reports_total else 0
        components = list(Component.values)
        reports, report_components, milestones = [], [], []
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        for cluster, plan in started_clusters:
            complete = plan.path[-1] != ClusterStatus.UNDER_CONSTRUCTION
            stalls = not complete and rng.random() < 0.2
            n = per_cluster
            start_index = last_month.year * 12 + last_month.month - 1 - (n - 1)
            target = Decimal(100) if complete else Decimal(rng.randint(20, 95))
            percent = Decimal(0)
            step = target / max(n - (n // 4 if stalls else 0), 1)
            for i in range(n):
                year, month0 = divmod(start_index + i, 12)
                on = _month_end(year, month0 + 1)
                if not (stalls and i >= n - n // 4):
                    percent = min(target, (percent + step * Decimal(rng.uniform(0.5, 1.5))).quantize(Decimal("0.01")))
                if i == n - 1 and complete:
                    percent = Decimal(100)
                reports.append(
                    ProgressReport(
                        cluster_id=cluster.pk,
                        report_date=on,
                        overall_percent=percent,
                        status=ReportStatus.ACCEPTED,
                        reviewed_at=now,
                        remarks=registry.NOTE,
                    )
                )
            first_on = reports[-n].report_date if n else today
            milestones += [
                Milestone(
                    cluster_id=cluster.pk,
                    kind=MilestoneKind.CONSTRUCTION_START,
                    planned_on=first_on - datetime.timedelta(days=30),
                    actual_on=first_on,
                    notes=registry.NOTE,
                ),
                Milestone(
                    cluster_id=cluster.pk,
                    kind=MilestoneKind.INFRASTRUCTURE_COMPLETE,
                    planned_on=first_on + datetime.timedelta(days=rng.randint(365, 3650)),
                    actual_on=reports[-1].report_date if complete else None,
                    notes=registry.NOTE,
                ),
            ]
        reports = _bulk(ProgressReport, reports, result, "progress_reports")
        if reports and reports[0].pk is None:
            ids = dict(
                ((c, d), pk)
                for c, d, pk in ProgressReport.objects.filter(cluster__is_synthetic=True).values_list(
                    "cluster_id", "report_date", "pk"
                )
            )
            for report in reports:
                report.pk = report.id = ids[(report.cluster_id, report.report_date)]
        for report in reports:
            for component in rng.sample(components, COMPONENTS_PER_REPORT):
                value = report.overall_percent + Decimal(rng.randint(-10, 10))
                report_components.append(
                    ComponentProgress(report_id=report.pk, component=component, percent=max(0, min(100, value)))
                )
            if len(report_components) >= 10 * BATCH:
                _bulk(ComponentProgress, report_components, result, "components")
                report_components = []
        _bulk(ComponentProgress, report_components, result, "components")
        _bulk(Milestone, milestones, result, "milestones")
        # bulk_create sends no signal: the kept progress state is rebuilt here (icis.construction.state)
        result.created["progress_states"] += progress_state_refresh(Cluster.objects.filter(is_synthetic=True))

        # -- tenants and their projects in clusters that hold land, Form 01 and Form 02
        holding = [(c, p) for c, p in zip(made, plans, strict=True) if p.path[-1] in HOLDING]
        n_tenants = max(int(n_projects * 0.8), 1) if n_projects else 0
        tenants = _bulk(
            Tenant,
            [
                Tenant(
                    name=f"Doanh nghiệp tổng hợp {n:07d} (dữ liệu tổng hợp)",
                    tax_code=f"{TAX_PREFIX}{n:08d}",
                    is_fdi=rng.random() < 0.15,
                    country="VN",
                    search_text=search_words(f"Doanh nghiệp tổng hợp {n:07d}", f"{TAX_PREFIX}{n:08d}"),
                )
                for n in range(1, n_tenants + 1)
            ],
            result,
            "tenants",
        )
        if tenants and tenants[0].pk is None:
            by_tax = dict(Tenant.objects.filter(tax_code__startswith=TAX_PREFIX).values_list("tax_code", "pk"))
            for tenant in tenants:
                tenant.pk = tenant.id = by_tax[tenant.tax_code]
        projects_rows = []
        per_holding = n_projects // max(len(holding), 1) if holding else 0
        extra = n_projects - per_holding * len(holding) if holding else 0
        for index, (cluster, plan) in enumerate(holding):
            count = per_holding + (1 if index < extra else 0)
            land = plan.industrial_land_ha or Decimal(10)
            share = (land * Decimal("0.9") / max(count, 1)).quantize(Decimal("0.0001"))
            for k in range(count):
                start = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 5000))
                left = rng.random() < 0.05
                projects_rows.append(
                    TenantProject(
                        cluster_id=cluster.pk,
                        tenant=tenants[(index * 7919 + k) % len(tenants)],
                        name=f"Dự án tổng hợp {cluster.code}-{k + 1:03d}",
                        land_ha=max(share, Decimal("0.0001")),
                        lease_start=start,
                        lease_end=start + datetime.timedelta(days=365 * 50),
                        status=ProjectStatus.LEFT if left else ProjectStatus.OPERATING,
                        ended_on=start + datetime.timedelta(days=rng.randint(400, 3000)) if left else None,
                        employees=rng.randint(5, 800),
                        is_illustrative=True,
                    )
                )
        projects_made = _bulk(TenantProject, projects_rows, result, "tenant_projects")
        if projects_made and projects_made[0].pk is None:
            by_name = dict(TenantProject.objects.filter(is_illustrative=True).values_list("name", "pk"))
            for project in projects_made:
                project.pk = project.id = by_name[project.name]
        result.created.update(
            _write_submissions(
                [(p.pk, p.cluster_id, p.ended_on, p.employees) for p in projects_made],
                [cluster.pk for cluster, _plan in holding if cluster.investor_id],
                report_periods(today),
                now,
                rng,
            )
        )
        # bulk_create sends no signal: the kept tenancy figures of these clusters are recomputed when read
        tenancy_kept.mark_stale(Cluster.objects.filter(is_synthetic=True).values_list("pk", flat=True))
        # -- wastewater plants, samples, violations; inspection plans, inspections, their violations
        result.created.update(oversight.generate(seed=seed, today=today))
    refresh_statistics()
    result.seconds = time.perf_counter() - started
    return result


def _write_submissions(projects, investor_clusters, periods: tuple[str, ...], now, rng) -> Counter:
    """Form 01 of every project still there and Form 02 of every cluster with an investor, for each period:
    `projects` as (pk, cluster_id, ended_on, employees), `investor_clusters` as cluster ids."""
    result = NationalResult(scale=1, seed=0)
    for period in periods:
        submissions = []
        for pk, cluster_id, ended_on, employees in projects:
            if ended_on is not None:
                continue
            submission = Submission(
                form=ReportForm.FORM_01,
                period=period,
                cluster_id=cluster_id,
                tenant_project_id=pk,
                status=SubmissionStatus.ACCEPTED,
                submitted_at=now,
                reviewed_at=now,
                data={
                    "revenue_bn_vnd": round(rng.uniform(1, 500), 2),
                    "budget_paid_bn_vnd": round(rng.uniform(0.1, 50), 2),
                    "employees": employees,
                    "synthetic": True,
                },
            )
            submission.keep_figures()  # bulk_create skips `save`
            submissions.append(submission)
            if len(submissions) >= 10 * BATCH:
                _bulk(Submission, submissions, result, "form01")
                submissions = []
        _bulk(Submission, submissions, result, "form01")
        submissions = [
            Submission(
                form=ReportForm.FORM_02,
                period=period,
                cluster_id=cluster_id,
                status=SubmissionStatus.ACCEPTED,
                submitted_at=now,
                reviewed_at=now,
                data={
                    "occupancy_percent": round(rng.uniform(20, 95), 2),
                    "employees": rng.randint(3, 40),
                    "wwtp_built": int(rng.random() < 0.6),
                    "wwtp_compliant": 0,
                    "synthetic": True,
                },
            )
            for cluster_id in investor_clusters
        ]
        _bulk(Submission, submissions, result, "form02")
    return result.created


def submissions_rewrite(*, today: datetime.date, seed: int = registry.DEFAULT_SEED) -> tuple[Counter, Counter]:
    """Replace the synthetic Form 01/02 of a data set generated for other periods by those of
    `report_periods(today)` (`generate_national_dataset --if-missing`), in one transaction; the rest of
    the data set is kept. Returns (deleted, created)."""
    rng = random.Random(seed)
    now = timezone.now()
    clusters = Cluster.objects.filter(is_synthetic=True)
    with transaction.atomic():
        deleted = Counter(submissions=_raw_delete(Submission.objects.filter(cluster__in=clusters)))
        projects = list(
            TenantProject.objects.filter(cluster__in=clusters, is_illustrative=True)
            .order_by("pk")
            .values_list("pk", "cluster_id", "ended_on", "employees")
        )
        investor_clusters = list(
            clusters.filter(status__in=HOLDING).exclude(investor=None).order_by("pk").values_list("pk", flat=True)
        )
        created = _write_submissions(projects, investor_clusters, report_periods(today), now, rng)
        tenancy_kept.mark_stale(clusters.values_list("pk", flat=True))
    refresh_statistics()
    return deleted, created


def refresh_statistics() -> None:
    """ANALYZE after a bulk load on PostgreSQL (see `services.refresh_planner_statistics`)."""
    if connection.vendor != "postgresql":
        return
    registry.refresh_planner_statistics()
    models = (
        ProgressReport,
        ProgressState,
        ComponentProgress,
        Milestone,
        Tenant,
        TenantProject,
        Submission,
        Organisation,
        *oversight.refresh_statistics_models(),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))
