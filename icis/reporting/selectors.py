"""Biểu 03 (one commune) and Biểu 04 (the province) of Circular 14/2024: the 27 cumulative indicators,
computed from the registry, the construction milestones, the tenant projects and the accepted
Forms 01 and 02, as of the last day of the reporting period.

Every figure is computed over a queryset of clusters the caller has already restricted to the user's
scope (Biểu 04: the province; Biểu 03: the clusters a source places in the commune). Five queries
whatever the number of clusters; Biểu 04 adds two for the development plan and its sources.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from icis.accounts.models import OrganisationKind
from icis.clusters.choices import ESTABLISHED_STATES, IN_PLAN_STATES, ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.construction.choices import MilestoneKind
from icis.construction.models import Milestone
from icis.core.scoping import is_unrestricted
from icis.geo.models import Commune, Province
from icis.planning.selectors import current_plan
from icis.tenancy import periods
from icis.tenancy.choices import ProjectStatus, ReportForm, SubmissionStatus
from icis.tenancy.models import Submission, TenantProject
from icis.tenancy.selectors import occupied_by_cluster, occupying_on, rate

from . import catalogue
from .formatting import vi_number

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0")
# A cluster operating without an establishment decision (15.2) stops counting once it is revoked
# or taken out of the plan.
GONE = (ClusterStatus.REVOKED, ClusterStatus.REMOVED)


@dataclass
class Indicator:
    """One line of the form: its number and label as the circular words them, the figure, and where
    it came from. `plan_value` is the development plan's headline figure (items 1–2 of Biểu 04)."""

    number: str
    label: str
    label_en: str
    unit: str
    unit_en: str
    value: int | Decimal | None
    source: str
    section: str
    note: str = ""
    note_en: str = ""
    plan_value: int | Decimal | None = None

    @property
    def is_sub_item(self) -> bool:
        return "." in self.number

    @property
    def source_label(self) -> str:
        return str(catalogue.SOURCE_LABELS[self.source])


@dataclass
class AreaReport:
    """A whole Biểu 03 or 04: the header the form carries, the indicators and general remarks."""

    form: str  # "03" or "04"
    period: periods.Period
    area_name: str
    reporting_unit: str
    recipients: str
    indicators: list[Indicator]
    remarks: list[tuple[str, str]] = field(default_factory=list)  # (Vietnamese, English)
    commune: Commune | None = None
    generated_on: datetime.date = field(default_factory=timezone.localdate)

    @property
    def as_of(self) -> datetime.date:
        return self.period.end

    @property
    def deadline(self) -> datetime.date:
        return self.period.deadline(self.form)

    @property
    def period_label_vi(self) -> str:
        return period_label_vi(self.period)

    @property
    def sections(self) -> list[tuple[catalogue.Section, list[Indicator]]]:
        return [(s, [i for i in self.indicators if i.section == s.code]) for s in catalogue.SECTIONS]

    def value(self, number: str):
        return next(i.value for i in self.indicators if i.number == number)


def period_label_vi(period: periods.Period) -> str:
    """The period as the form writes it (Vietnamese whatever the UI language)."""
    return f"6 tháng đầu năm {period.year}" if period.kind == "H1" else f"Năm {period.year}"


def _dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _dec(value) -> Decimal:
    return Decimal(str(value))


def _area(rows) -> tuple[Decimal, int]:
    """Total area (ha) of the rows and how many have none recorded."""
    known = [r["area_ha"] for r in rows if r["area_ha"] is not None]
    return sum(known, ZERO).quantize(TWO_PLACES), len(rows) - len(known)


def _unknown_area_note(missing: int) -> tuple[str, str]:
    if not missing:
        return "", ""
    return (
        f"{missing} cụm chưa có số liệu diện tích, không cộng vào",
        f"{missing} cluster(s) with no area recorded are not added in",
    )


def _coverage_note(received: int, expected: int, form: str) -> tuple[str, str]:
    return (
        f"Tổng hợp từ {received} Biểu {form} đã được chấp nhận (phải báo cáo: {expected})",
        f"From {received} accepted Form {form} report(s) ({expected} expected)",
    )


def _cluster_rows(clusters: QuerySet, period: periods.Period) -> list[dict]:
    """One query: each cluster's facts and its status on the period's last day.

    The status is the latest dated lifecycle change on or before that day. A cluster whose only
    status is its registration, undated because no source dates it, counts in that status
    (`undated` marks it for the remark); a cluster first dated after the day is left out.
    """
    day = period.end
    own = StatusChange.objects.filter(cluster=OuterRef("pk"), expansion__isnull=True)
    dated = own.filter(effective_on__lte=day).order_by("-effective_on", "-id").values("to_status")[:1]
    undated = own.filter(effective_on__isnull=True).order_by("id").values("to_status")[:1]
    established_in_period = own.filter(
        to_status=ClusterStatus.ESTABLISHED, effective_on__gte=period.start, effective_on__lte=day
    )

    def reached(kind):
        return Exists(Milestone.objects.filter(cluster=OuterRef("pk"), kind=kind, actual_on__lte=day))

    rows = (
        clusters.order_by()
        .annotate(
            dated_status=Subquery(dated),
            undated_status=Subquery(undated),
            new_in_period=Exists(established_in_period),
            detailed_plan=reached(MilestoneKind.DETAILED_PLAN),
            project_approved=reached(MilestoneKind.PROJECT_APPROVED),
        )
        .values(
            "pk",
            "kind",
            "area_ha",
            "planned_area_ha",
            "industrial_land_ha",
            "investor_id",
            "investor__kind",
            "operating_without_establishment",
            "dated_status",
            "undated_status",
            "new_in_period",
            "detailed_plan",
            "project_approved",
        )
    )
    out = []
    for row in rows:
        row["status"] = row["dated_status"] or row["undated_status"]
        row["undated"] = row["dated_status"] is None and row["undated_status"] is not None
        out.append(row)
    return out


def _submission_figures(form: str, period: periods.Period, clusters: QuerySet) -> list[tuple[int, dict]]:
    return list(
        Submission.objects.filter(
            form=form, period=period.code, status=SubmissionStatus.ACCEPTED, cluster__in=clusters.values("pk")
        )
        .order_by()
        .values_list("cluster_id", "data")
    )


def _sum(figures: list[dict], key: str) -> tuple[Decimal, int]:
    """Total of one figure over the reports, and how many reports left it out."""
    values = [_dec(data[key]) for data in figures if data.get(key) is not None]
    return sum(values, ZERO), len(figures) - len(values)


def _compute(*, period: periods.Period, clusters: QuerySet, plan=None) -> tuple[list[Indicator], list[tuple[str, str]]]:
    day = period.end
    rows = [r for r in _cluster_rows(clusters, period) if r["status"] is not None]
    cluster_ids = clusters.values("pk")

    in_plan = [r for r in rows if r["status"] in IN_PLAN_STATES]
    established = [r for r in rows if r["status"] in ESTABLISHED_STATES and not r["operating_without_establishment"]]
    new = [r for r in rows if r["new_in_period"]]
    enterprise = [r for r in established if r["investor__kind"] == OrganisationKind.INVESTOR]
    detailed = [r for r in established if r["detailed_plan"]]
    project = [r for r in established if r["project_approved"]]
    op_established = [r for r in established if r["status"] == ClusterStatus.OPERATING]
    op_unestablished = [r for r in rows if r["operating_without_establishment"] and r["status"] not in GONE]
    operating = op_established + op_unestablished
    craft = [r for r in operating if r["kind"] == ClusterKind.CRAFT_VILLAGE]
    specialised = [r for r in operating if r["kind"] == ClusterKind.SPECIALISED]

    # Occupancy (Decree 32 Art 2.7) of the operating clusters on the period's last day.
    occupied = occupied_by_cluster(cluster_ids, day)
    with_land = [r for r in operating if r["industrial_land_ha"]]
    land = sum((r["industrial_land_ha"] for r in with_land), ZERO)
    leased = sum((occupied.get(r["pk"], ZERO) for r in operating), ZERO)
    leased_on_land = sum((occupied.get(r["pk"], ZERO) for r in with_land), ZERO)
    cluster_rates = [rate(occupied.get(r["pk"], ZERO), r["industrial_land_ha"]) for r in with_land]

    holding = occupying_on(day)
    projects = TenantProject.objects.filter(cluster__in=cluster_ids).aggregate(
        holding=Count("id", filter=holding),
        fdi=Count("id", filter=holding & Q(tenant__is_fdi=True)),
        operating=Count("id", filter=holding & Q(status=ProjectStatus.OPERATING)),
        owe_form01=Count(
            "id",
            filter=(Q(lease_start__lte=day) | Q(approval_date__lte=day)) & ~Q(ended_on__lt=period.start),
        ),
    )
    form01 = [data for _cluster, data in _submission_figures(ReportForm.FORM_01, period, clusters)]
    form02 = dict(_submission_figures(ReportForm.FORM_02, period, clusters))
    owe_form02 = len([r for r in established if r["investor_id"]])

    values: dict[str, tuple] = {}  # number -> (value, note_vi, note_en)

    def count_and_area(count_number, area_number, members, count_note=("", "")):
        values[count_number] = (len(members), *count_note)
        total, missing = _area(members)
        values[area_number] = (total, *_unknown_area_note(missing))

    values["1"] = (len(in_plan), "", "")
    planned = [r["planned_area_ha"] if r["planned_area_ha"] is not None else r["area_ha"] for r in in_plan]
    known = [a for a in planned if a is not None]
    values["2"] = (sum(known, ZERO).quantize(TWO_PLACES), *_unknown_area_note(len(planned) - len(known)))
    count_and_area("3", "4", established)
    count_and_area("5", "6", new)
    count_and_area("7", "8", enterprise)
    count_and_area("9", "10", detailed)
    without_project = len(
        [r for r in established if r["status"] != ClusterStatus.ESTABLISHED and not r["project_approved"]]
    )
    count_and_area(
        "11",
        "12",
        project,
        (
            f"{without_project} cụm đã khởi công nhưng chưa ghi nhận mốc phê duyệt dự án",
            f"{without_project} cluster(s) past the start of construction have no project-approval milestone recorded",
        )
        if without_project
        else ("", ""),
    )
    for number, key in (("13", "approved_investment_bn_vnd"), ("14", "disbursed_bn_vnd")):
        total, _left_out = _sum(list(form02.values()), key)
        values[number] = (total.quantize(TWO_PLACES), *_coverage_note(len(form02), owe_form02, "02"))
    count_and_area("15", "16", operating)
    count_and_area("15.1", "16.1", op_established)
    count_and_area("15.2", "16.2", op_unestablished)
    count_and_area("15.3", "16.3", craft)
    count_and_area("15.4", "16.4", specialised)
    no_land = len(operating) - len(with_land)
    values["17"] = (
        land.quantize(TWO_PLACES),
        *(
            (f"{no_land} cụm chưa có số liệu đất công nghiệp", f"{no_land} cluster(s) with no industrial land recorded")
            if no_land
            else ("", "")
        ),
    )
    values["18"] = (
        leased.quantize(TWO_PLACES),
        "Đất thuê, thuê lại hoặc đã có chủ trương đầu tư/GCNĐKĐT",
        "Land leased, sub-leased or covered by an investment approval or certificate",
    )
    mean = (sum(cluster_rates, ZERO) / len(cluster_rates)).quantize(TWO_PLACES) if cluster_rates else None
    values["19"] = (
        rate(leased_on_land, land),
        *(
            (
                f"Bình quân theo diện tích (mục 18 / mục 17); trung bình cộng tỷ lệ của {len(cluster_rates)} cụm: "
                f"{vi_number(mean, 2)}%",
                f"Land-weighted (item 18 / item 17); simple mean of the {len(cluster_rates)} clusters' rates: {mean}%",
            )
            if mean is not None
            else ("", "")
        ),
    )
    values["20"] = (
        projects["holding"],
        "Dự án đang thuê đất hoặc đã được chấp thuận đầu tư",
        "Projects holding land (lease or investment approval)",
    )
    values["21"] = (projects["fdi"], "", "")
    values["22"] = (projects["operating"], "", "")
    coverage01 = _coverage_note(len(form01), projects["owe_form01"], "01")
    for number, key in (("23", "revenue_bn_vnd"), ("24", "budget_paid_bn_vnd")):
        total, _left_out = _sum(form01, key)
        values[number] = (total.quantize(TWO_PLACES), *coverage01)
    employees, _left_out = _sum(form01, "employees")
    values["25"] = (int(employees), *coverage01)
    coverage02 = _coverage_note(len(form02), owe_form02, "02")
    values["26"] = (sum(1 for data in form02.values() if data.get("wwtp_built") == 1), *coverage02)
    values["27"] = (sum(1 for data in form02.values() if data.get("wwtp_compliant") == 1), *coverage02)

    indicators = []
    for item in catalogue.ITEMS:
        value, note, note_en = values[item.number]
        indicators.append(
            Indicator(
                number=item.number,
                label=item.label,
                label_en=item.label_en,
                unit=item.unit[0],
                unit_en=item.unit[1],
                value=value,
                source=item.source,
                section=item.section,
                note=note,
                note_en=note_en,
            )
        )
    if plan is not None:
        doc = plan.document.number if plan.document_id else plan.name
        first, second = indicators[0], indicators[1]
        first.plan_value, second.plan_value = plan.cluster_count, plan.area_ha
        first.note = f"Phương án phát triển CCN ({doc}): {plan.cluster_count} cụm; sổ đăng ký ICIS: {first.value} cụm"
        first.note_en = f"Development plan ({doc}): {plan.cluster_count} clusters; ICIS registry: {first.value}"
        plan_area = vi_number(plan.area_ha, 2)
        second.note = "; ".join(filter(None, [f"Phương án phát triển CCN ({doc}): {plan_area} ha", second.note]))
        second.note_en = "; ".join(filter(None, [f"Development plan ({doc}): {plan.area_ha} ha", second.note_en]))

    remarks = []
    undated = sum(1 for r in rows if r["undated"])
    if undated:
        remarks.append(
            (
                f"{undated} cụm có trạng thái chưa có ngày theo nguồn; "
                "được tính theo trạng thái khi nhập vào sổ đăng ký.",
                f"{undated} cluster(s) have a status no source dates; "
                "they count in the status they were registered in.",
            )
        )
    return indicators, remarks


def form_03_04(*, period: periods.Period, clusters: QuerySet, communes: Iterable | None = None) -> list[Indicator]:
    """The 27 indicators (with 15.1–15.4 and 16.1–16.4) over `clusters` as of `period.end`.

    `clusters` is already restricted to the user's scope; `communes` (GSO codes or Commune objects)
    narrows it to the clusters a source places in those communes (Biểu 03). Without communes it is
    Biểu 04 and items 1–2 carry the province's development-plan figures beside the registry's.

    D = the period's last day; "status" = the cluster's status on D (see `_cluster_rows`); "est." = item 3.

    | item | formula | source |
    | --- | --- | --- |
    | 1 | clusters whose status is in the plan (planned, established … operating) | registry |
    | 2 | Σ planned area of item 1 (the area where no planned area is recorded) | registry |
    | 3 | status established, under construction, infrastructure complete or operating, and not | registry |
    |   | flagged "operating without establishment" | |
    | 4 | Σ area of item 3 | registry |
    | 5 | clusters with a change to established dated in [period start, D] | registry |
    | 6 | Σ area of item 5 | registry |
    | 7 | est. clusters whose investor organisation is of kind "infrastructure investor" | registry |
    | 8 | Σ area of item 7 | registry |
    | 9 | est. clusters with "detailed 1/500 plan approved" reached on or before D | milestones |
    | 10 | Σ area of item 9 | milestones |
    | 11 | est. clusters with "infrastructure project approved" reached on or before D | milestones |
    | 12 | Σ area of item 11 | milestones |
    | 13 | Σ Form 02 item 1 (approved infrastructure investment), the period's accepted Forms 02 | Form 02 |
    | 14 | Σ Form 02 item 2 (cumulative disbursed), the same reports | Form 02 |
    | 15 | 15.1 + 15.2 | registry |
    | 15.1 | est. clusters whose status is operating | registry |
    | 15.2 | clusters flagged "operating without establishment", not revoked or removed | registry |
    | 15.3 | item 15 clusters of kind craft village | registry |
    | 15.4 | item 15 clusters of kind specialised | registry |
    | 16, 16.x | Σ area of 15, 15.1–15.4 | registry |
    | 17 | Σ industrial land of item 15 | registry |
    | 18 | Σ land of the tenant projects occupying on D (Decree 32 Art 2.7) in item 15 clusters | occupancy |
    | 19 | occupied land of item 15 clusters that have industrial land ÷ that land × 100 | occupancy |
    | 20 | tenant projects occupying land on D (leased or approved, not ended, not left) | projects |
    | 21 | item 20 projects of FDI tenants | projects |
    | 22 | item 20 projects whose status is operating | projects |
    | 23 | Σ Form 01 item 1 (revenue), the period's accepted Forms 01 | Form 01 |
    | 24 | Σ Form 01 item 2 (state-budget payments), the same reports | Form 01 |
    | 25 | Σ Form 01 item 3 (employees), the same reports | Form 01 |
    | 26 | the period's accepted Forms 02 with item 13 (WWTP built or under construction) = 1 | Form 02 |
    | 27 | the period's accepted Forms 02 with item 14 (WWTP meets the standard) = 1 | Form 02 |

    Areas are the registry's current figures (areas are not dated); statuses and milestones are as of D.
    """
    clusters = _in_communes(clusters, communes)
    plan = current_plan(settings.ICIS_PROVINCE_CODE) if communes is None else None
    indicators, _remarks = _compute(period=period, clusters=clusters, plan=plan)
    return indicators


def _in_communes(clusters: QuerySet, communes: Iterable | None) -> QuerySet:
    if communes is None:
        return clusters
    codes = [getattr(c, "code", c) for c in communes]
    stated = ClusterCommune.objects.filter(commune_id__in=codes, basis=CommuneBasis.STATED)
    return clusters.filter(pk__in=stated.values("cluster_id"))


def report_clusters(user, *, province_code: str | None = None) -> QuerySet:
    """The clusters a report covers: the user's scope within the province, real clusters only."""
    province_code = province_code or settings.ICIS_PROVINCE_CODE
    return Cluster.objects.restrict(user).filter(province_id=province_code, is_synthetic=False)


def form03_communes(user, *, province_code: str | None = None) -> QuerySet:
    """The communes whose Biểu 03 the user may generate: all of the province for city-wide roles,
    else the communes (or the provinces) of the user's scopes."""
    province_code = province_code or settings.ICIS_PROVINCE_CODE
    communes = Commune.objects.filter(province_id=province_code).order_by("name")
    if user is None or not user.is_authenticated:
        return communes.none()
    if is_unrestricted(user):
        return communes
    scopes = user.scopes.all()
    return communes.filter(
        Q(code__in=scopes.exclude(commune__isnull=True).values("commune_id"))
        | Q(province_id__in=scopes.exclude(province__isnull=True).values("province_id"))
    )


def area_report(*, form: str, period: periods.Period, user, commune: Commune | None = None) -> AreaReport:
    """Biểu 04 (commune None) for the province, or Biểu 03 for `commune`, over what `user` reaches."""
    clusters = report_clusters(user)
    province = Province.objects.get(code=settings.ICIS_PROVINCE_CODE)
    remarks = []
    if form == "03":
        suggested = ClusterCommune.objects.filter(
            commune=commune, basis=CommuneBasis.SUGGESTED, cluster__in=clusters.values("pk")
        ).count()
        clusters = _in_communes(clusters, [commune])
        if suggested:
            remarks.append(
                (
                    f"{suggested} cụm chỉ được gợi ý thuộc {commune.name} theo tên, "
                    "chưa có nguồn xác nhận: không tính.",
                    f"{suggested} cluster(s) are only suggested, from their name, to lie in {commune.name}: "
                    "not counted.",
                )
            )
        indicators, more = _compute(period=period, clusters=clusters)
        return AreaReport(
            form="03",
            period=period,
            area_name=commune.name,
            reporting_unit=f"UBND {commune.name}",
            recipients=f"UBND {province.name}; Sở Công Thương",
            indicators=indicators,
            remarks=remarks + more,
            commune=commune,
        )
    indicators, more = _compute(period=period, clusters=clusters, plan=current_plan(province.code))
    return AreaReport(
        form="04",
        period=period,
        area_name=province.name,
        reporting_unit=f"Sở Công Thương {province.name}",
        recipients=f"Bộ Công Thương; UBND {province.name}",
        indicators=indicators,
        remarks=remarks + more,
    )
