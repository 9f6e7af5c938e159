"""A small registry whose Form 03/04 figures were computed by hand (see EXPECTED_04 / EXPECTED_03).

Reporting period 2026-H1: 15/12/2025 – 14/06/2026 (D = 14/06/2026).

| cluster | kind | status on D (history) | area / planned / industrial ha | investor | commune |
| --- | --- | --- | --- | --- | --- |
| A | specialised | operating (established 2019-03-01 … operating 2023-01-01) | 50 / 48 / 40 | enterprise | 10273 |
| B | craft village | operating (established 2020-02-01 … operating 2024-05-01) | 20 / – / 15 | state body | 10273 |
| C | general | established 2025-12-15 (in the period, on its first day) | 30 / 30 / 24 | enterprise | 10183 |
| D | general | planned (2018) | – / 40 / – | – | 10273 |
| E | general | planned on D (established 2026-07-01, after D) | 25 / 25 / – | enterprise | 10030 |
| F | craft village | planned, flagged operating without establishment | 12 / – / 10 | – | 10030 |
| G | general | revoked 2021 | 15 / 15 / – | enterprise | 10183 |
| H | general | planned, undated; linked to 10273 by name suggestion only | – / 10 / – | – | 10273 (suggested) |
| I | general | proposed 2024-06-30 | – / – / – | – | – |
| J | general | registered planned 2026-08-01 (after D): not in the registry on D | 30 / 30 / – | – | 10273 |
| S | general | operating, synthetic (left out of every report) | 40 / 40 / 30 | – | 10273 |

Milestones: A detailed plan 2019-06-01, project approved 2019-09-01; B detailed plan 2020-05-01, project
approved 2026-07-01 (after D); C detailed plan 2026-05-01.

Tenant projects (status; land counted on D?): A: P1 10 ha FDI operating from 2024-01-01 (yes), P2 6 ha
building from 2025-01-01 (yes), P3 4 ha registered from 2026-07-01 (no, later); B: P4 3 ha operating,
approval 2023-05-01, no lease (yes), P5 2 ha left on 2026-01-01 (no); C: P6 5 ha FDI registered from
2026-02-01 (yes); F: P7 2 ha operating from 2016-01-01 (yes).

Wastewater plants: one serving B, under construction since 2025-01-01 (built or being built, not
meeting the standard); none for A, whose Form 02 says it has a compliant plant.

Section III counts the clusters with a tenant project holding land on D (A, B, C, F), whatever their
status; items 1–2 of Biểu 04 are the plan's totals (159 clusters, 3,204.31 ha).

Accepted 2026-H1 reports: Form 02 of A (120.5 / 100.25 bn, WWTP 1/1) and B (30 / 10.5, WWTP 1/0);
Form 01 of P1 (revenue 50.5, budget 5.25, 120 people) and P4 (20, 2, 30). Not counted: C's Form 02
and P2's Form 01 (submitted, not accepted), A's Form 02 and P1's Form 01 for 2025-Y (another period).
"""

import datetime
from decimal import Decimal

import pytest

from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterKind, ClusterStatus, CommuneBasis
from icis.construction import services as construction_services
from icis.construction.choices import MilestoneKind
from icis.environment.choices import PlantStatus
from icis.environment.tests.factories import make_plant
from icis.geo.models import Commune, Province
from icis.planning.models import DevelopmentPlan
from icis.tenancy import services as tenancy_services
from icis.tenancy.choices import ProjectStatus

d = datetime.date
DEFAULT_START = d(2018, 1, 1)
PATHS = {
    ClusterStatus.ESTABLISHED: [ClusterStatus.ESTABLISHED],
    ClusterStatus.UNDER_CONSTRUCTION: [ClusterStatus.ESTABLISHED, ClusterStatus.UNDER_CONSTRUCTION],
    ClusterStatus.OPERATING: [
        ClusterStatus.ESTABLISHED,
        ClusterStatus.UNDER_CONSTRUCTION,
        ClusterStatus.INFRASTRUCTURE_COMPLETE,
        ClusterStatus.OPERATING,
    ],
    ClusterStatus.REVOKED: [ClusterStatus.ESTABLISHED, ClusterStatus.REVOKED],
}

EXPECTED_04 = {
    "1": 159,
    "2": Decimal("3204.31"),
    "3": 3,
    "4": Decimal("100.00"),
    "5": 1,
    "6": Decimal("30.00"),
    "7": 2,
    "8": Decimal("80.00"),
    "9": 3,
    "10": Decimal("100.00"),
    "11": 1,
    "12": Decimal("50.00"),
    "13": Decimal("150.50"),
    "14": Decimal("110.75"),
    "15": 4,
    "15.1": 3,
    "15.2": 1,
    "15.3": 2,
    "15.4": 1,
    "16": Decimal("112.00"),
    "16.1": Decimal("100.00"),
    "16.2": Decimal("12.00"),
    "16.3": Decimal("32.00"),
    "16.4": Decimal("50.00"),
    "17": Decimal("89.00"),
    "18": Decimal("26.00"),
    "19": Decimal("29.21"),
    "20": 5,
    "21": 2,
    "22": 3,
    "23": Decimal("70.50"),
    "24": Decimal("7.25"),
    "25": 170,
    "26": 1,
    "27": 0,
}
EXPECTED_03 = {  # Xã Phú Xuyên (10273): A, B, D (H is only suggested, J not yet registered, S synthetic)
    "1": 3,
    "2": Decimal("108.00"),
    "3": 2,
    "4": Decimal("70.00"),
    "5": 0,
    "6": Decimal("0.00"),
    "7": 1,
    "8": Decimal("50.00"),
    "9": 2,
    "10": Decimal("70.00"),
    "11": 1,
    "12": Decimal("50.00"),
    "13": Decimal("150.50"),
    "14": Decimal("110.75"),
    "15": 2,
    "15.1": 2,
    "15.2": 0,
    "15.3": 1,
    "15.4": 1,
    "16": Decimal("70.00"),
    "16.1": Decimal("70.00"),
    "16.2": Decimal("0.00"),
    "16.3": Decimal("20.00"),
    "16.4": Decimal("50.00"),
    "17": Decimal("55.00"),
    "18": Decimal("19.00"),
    "19": Decimal("34.55"),
    "20": 3,
    "21": 1,
    "22": 2,
    "23": Decimal("70.50"),
    "24": Decimal("7.25"),
    "25": 170,
    "26": 1,
    "27": 0,
}

FORM_02 = {
    "approved_investment_bn_vnd": 0,
    "disbursed_bn_vnd": 0,
    "land_ready_ha": 1,
    "land_leased_ha": 1,
    "occupancy_percent": 10,
    "projects_leased": 2,
    "projects_fdi": 1,
    "projects_operating": 1,
    "revenue_bn_vnd": 1,
    "budget_paid_bn_vnd": 1,
    "employees": 10,
    "avg_income_m_vnd": 8,
    "wwtp_built": 0,
    "wwtp_compliant": 0,
}
FORM_01 = {"revenue_bn_vnd": 0, "budget_paid_bn_vnd": 0, "employees": 0, "avg_income_m_vnd": 9}


def lifecycle(
    name,
    final,
    *,
    dates=(),
    start=DEFAULT_START,
    actor,
    communes=(),
    basis=CommuneBasis.STATED,
    synthetic=False,
    **fields,
):
    """A cluster registered planned on `start` and moved along the lifecycle to `final` on `dates`."""
    province = Province.objects.get(code="01")
    for key in ("area_ha", "planned_area_ha", "industrial_land_ha"):
        if fields.get(key) is not None:
            fields[key] = Decimal(str(fields[key]))
    cluster = cluster_services.cluster_create(
        data={"code": f"R-{name}", "name": f"Cụm {name}", "province": province, **fields},
        actor=actor,
        status=ClusterStatus.PLANNED if final != ClusterStatus.PROPOSED else final,
        status_date=start,
        reason="fixture",
        communes=[Commune.objects.get(code=c) for c in communes],
        commune_basis=basis,
        is_synthetic=synthetic,
    )
    for status, day in zip(PATHS.get(final, []), dates, strict=True):
        cluster = cluster_services.cluster_transition(
            cluster=cluster, to_status=status, effective_on=day, reason="fixture", actor=actor
        )
    return cluster


def file_report(form, period, actor, figures, *, cluster=None, project=None, accept=True):
    base = FORM_02 if form == "02" else FORM_01
    submission = tenancy_services.submission_save(
        form=form, period=period, actor=actor, data={**base, **figures}, cluster=cluster, tenant_project=project
    )
    submission = tenancy_services.submission_submit(submission=submission, actor=actor)
    if accept:
        submission = tenancy_services.submission_accept(submission=submission, actor=actor)
    return submission


@pytest.fixture
def registry(hanoi, boss):
    enterprise = Organisation.objects.create(name="Công ty CP Hạ tầng E", kind=OrganisationKind.INVESTOR)
    state = Organisation.objects.create(name="Ban QLDA huyện", kind=OrganisationKind.PUBLIC_INVESTOR)
    DevelopmentPlan.objects.create(
        province_id="01",
        name="Phương án phát triển CCN",
        horizon_year=2030,
        cluster_count=159,
        area_ha=Decimal("3204.31"),
    )
    operating_dates = (d(2019, 3, 1), d(2020, 1, 1), d(2022, 1, 1), d(2023, 1, 1))
    c = {}
    c["A"] = lifecycle(
        "A",
        ClusterStatus.OPERATING,
        dates=operating_dates,
        actor=boss,
        communes=["10273"],
        kind=ClusterKind.SPECIALISED,
        area_ha=50,
        planned_area_ha=48,
        industrial_land_ha=40,
        investor=enterprise,
    )
    c["B"] = lifecycle(
        "B",
        ClusterStatus.OPERATING,
        dates=(d(2020, 2, 1), d(2021, 1, 1), d(2023, 6, 1), d(2024, 5, 1)),
        actor=boss,
        communes=["10273"],
        kind=ClusterKind.CRAFT_VILLAGE,
        area_ha=20,
        industrial_land_ha=15,
        investor=state,
    )
    c["C"] = lifecycle(
        "C",
        ClusterStatus.ESTABLISHED,
        dates=(d(2025, 12, 15),),
        actor=boss,
        communes=["10183"],
        area_ha=30,
        planned_area_ha=30,
        industrial_land_ha=24,
        investor=enterprise,
    )
    c["D"] = lifecycle("D", ClusterStatus.PLANNED, actor=boss, communes=["10273"], planned_area_ha=40)
    c["E"] = lifecycle(
        "E",
        ClusterStatus.ESTABLISHED,
        dates=(d(2026, 7, 1),),
        actor=boss,
        communes=["10030"],
        area_ha=25,
        planned_area_ha=25,
        investor=enterprise,
    )
    c["F"] = lifecycle(
        "F",
        ClusterStatus.PLANNED,
        start=d(2015, 1, 1),
        actor=boss,
        communes=["10030"],
        kind=ClusterKind.CRAFT_VILLAGE,
        area_ha=12,
        industrial_land_ha=10,
        operating_without_establishment=True,
    )
    c["G"] = lifecycle(
        "G",
        ClusterStatus.REVOKED,
        dates=(d(2019, 1, 1), d(2021, 1, 1)),
        actor=boss,
        communes=["10183"],
        area_ha=15,
        planned_area_ha=15,
        investor=enterprise,
    )
    c["H"] = lifecycle(
        "H",
        ClusterStatus.PLANNED,
        start=None,
        actor=boss,
        communes=["10273"],
        basis=CommuneBasis.SUGGESTED,
        planned_area_ha=10,
    )
    c["I"] = lifecycle("I", ClusterStatus.PROPOSED, start=d(2024, 6, 30), actor=boss)
    c["J"] = lifecycle(
        "J", ClusterStatus.PLANNED, start=d(2026, 8, 1), actor=boss, communes=["10273"], area_ha=30, planned_area_ha=30
    )
    c["S"] = lifecycle(
        "S",
        ClusterStatus.OPERATING,
        dates=operating_dates,
        actor=boss,
        communes=["10273"],
        area_ha=40,
        planned_area_ha=40,
        industrial_land_ha=30,
        synthetic=True,
    )

    for cluster, kind, day in (
        (c["A"], MilestoneKind.DETAILED_PLAN, d(2019, 6, 1)),
        (c["A"], MilestoneKind.PROJECT_APPROVED, d(2019, 9, 1)),
        (c["B"], MilestoneKind.DETAILED_PLAN, d(2020, 5, 1)),
        (c["B"], MilestoneKind.PROJECT_APPROVED, d(2026, 7, 1)),
        (c["C"], MilestoneKind.DETAILED_PLAN, d(2026, 5, 1)),
    ):
        construction_services.milestone_set(cluster=cluster, kind=kind, actual_on=day, actor=boss)

    def tenant(name, tax_code, fdi=False):
        return tenancy_services.tenant_create(data={"name": name, "tax_code": tax_code, "is_fdi": fdi}, actor=boss)

    t1, t2, t3 = (
        tenant("Công ty FDI 1", "0100000001", True),
        tenant("Công ty 2", "0100000002"),
        tenant("Công ty 3", "0100000003"),
    )

    def project(cluster, who, land, status, **dates):
        return tenancy_services.project_create(
            data={"cluster": cluster, "tenant": who, "land_ha": Decimal(str(land)), "status": status, **dates},
            actor=boss,
        )

    p = {
        "P1": project(c["A"], t1, 10, ProjectStatus.OPERATING, lease_start=d(2024, 1, 1)),
        "P2": project(c["A"], t2, 6, ProjectStatus.BUILDING, lease_start=d(2025, 1, 1)),
        "P3": project(c["A"], t3, 4, ProjectStatus.REGISTERED, lease_start=d(2026, 7, 1)),
        "P4": project(c["B"], t2, 3, ProjectStatus.OPERATING, approval_date=d(2023, 5, 1)),
        "P5": project(c["B"], t3, 2, ProjectStatus.LEFT, lease_start=d(2020, 1, 1), ended_on=d(2026, 1, 1)),
        "P6": project(c["C"], t1, 5, ProjectStatus.REGISTERED, lease_start=d(2026, 2, 1)),
        "P7": project(c["F"], t3, 2, ProjectStatus.OPERATING, lease_start=d(2016, 1, 1)),
    }

    make_plant(c["B"], status=PlantStatus.UNDER_CONSTRUCTION, since="2025-01-01", actor=boss, name="Trạm XLNT B")

    wwtp = {"wwtp_built": 1, "wwtp_compliant": 1}
    file_report(
        "02", "2026-H1", boss, {"approved_investment_bn_vnd": 120.5, "disbursed_bn_vnd": 100.25, **wwtp}, cluster=c["A"]
    )
    file_report(
        "02",
        "2026-H1",
        boss,
        {"approved_investment_bn_vnd": 30, "disbursed_bn_vnd": 10.5, "wwtp_built": 1},
        cluster=c["B"],
    )
    file_report(
        "02", "2026-H1", boss, {"approved_investment_bn_vnd": 999, "wwtp_built": 1}, cluster=c["C"], accept=False
    )
    file_report("02", "2025-Y", boss, {"approved_investment_bn_vnd": 110, **wwtp}, cluster=c["A"])
    file_report(
        "01", "2026-H1", boss, {"revenue_bn_vnd": 50.5, "budget_paid_bn_vnd": 5.25, "employees": 120}, project=p["P1"]
    )
    file_report(
        "01", "2026-H1", boss, {"revenue_bn_vnd": 20, "budget_paid_bn_vnd": 2, "employees": 30}, project=p["P4"]
    )
    file_report("01", "2026-H1", boss, {"revenue_bn_vnd": 1000, "employees": 999}, project=p["P2"], accept=False)
    file_report("01", "2025-Y", boss, {"revenue_bn_vnd": 40, "employees": 100}, project=p["P1"])
    return {"clusters": c, "projects": p, "enterprise": enterprise}
