"""Biểu 03 (one commune) and Biểu 04 (the province) of Circular 14/2024: the 27 cumulative indicators
as the circular defines them, as of the last day of the reporting period, computed from the
development plan in force, the registry, the construction milestones, the tenant projects, the
wastewater plant register and the accepted Forms 01 and 02.

Every figure is computed over a queryset of clusters the caller has already restricted to the user's
scope (Biểu 04: the province; Biểu 03: the clusters a source places in the commune). The number of
queries does not grow with the number of clusters.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from icis.accounts.models import OrganisationKind
from icis.clusters.choices import ESTABLISHED_STATES, IN_PLAN_STATES, ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.construction.choices import MilestoneKind
from icis.construction.models import Milestone
from icis.core import formats
from icis.core.scoping import PROVINCE_WIDE, home_province_code, is_national, user_province_codes
from icis.environment import selectors as environment
from icis.environment.models import WastewaterPlant
from icis.geo.models import Commune, Province, province_settings
from icis.planning.selectors import current_plan, current_plans_total, totals_for
from icis.tenancy import periods
from icis.tenancy.choices import ProjectStatus, ReportForm, SubmissionStatus
from icis.tenancy.models import KEPT_FIGURES, Submission, Tenant, TenantProject
from icis.tenancy.selectors import occupied_by_cluster, occupying_on, rate

from . import catalogue
from .formatting import vi_number

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0")
# A cluster operating without an establishment decision (15.2) stops counting once it is revoked
# or taken out of the plan.
GONE = (ClusterStatus.REVOKED, ClusterStatus.REMOVED, ClusterStatus.CONVERTED_TO_PARK)


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
    reporting_unit: str  # the sender, filled in ("Sở Công Thương tỉnh Cao Bằng")
    recipients: str
    indicators: list[Indicator]
    remarks: list[tuple[str, str]] = field(default_factory=list)  # (Vietnamese, English)
    commune: Commune | None = None
    generated_on: datetime.date = field(default_factory=timezone.localdate)
    # Who signs, from the province's settings (Biểu 04 only; blank: the signed form's own wording).
    signer_title: str = ""
    signer_name: str = ""

    @property
    def text(self) -> catalogue.FormText:
        return catalogue.TEXTS[self.form]

    @property
    def as_of(self) -> datetime.date:
        return self.period.end

    @property
    def deadline(self) -> datetime.date:
        """The day the circular names after "trước ngày": the report is due before it."""
        return self.period.deadline(self.form)

    @property
    def deadline_text(self) -> str:
        return self.period.deadline_text(self.form)

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
    return formats.date(day)


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
            "name",
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


SIX_PLACES = Decimal("0.000001")


def _form01_totals(period: periods.Period, clusters: QuerySet) -> tuple[int, dict[str, tuple[Decimal, int]]]:
    """How many Forms 01 were accepted for the period, and per figure its total and how many left it out.

    One aggregate query over the figures each report keeps as numbers beside its JSON (`Submission.
    keep_figures`; on PostgreSQL a covering index holds them, so the period's accepted reports are read
    from the index alone): not a decode of every report's JSON. PostgreSQL sums exact numerics and gives
    the same numbers as `_sum` over the decoded forms; SQLite (the demo) sums floats of 15 significant
    digits, rounded back to 6 decimals: exact to the 2 decimals the form shows for totals under 10^13 (tests:
    tenancy/tests/test_kept_figures.py and test_review_attacks.py, synthetic/tests/test_national.py).
    """
    accepted = Submission.objects.filter(
        form=ReportForm.FORM_01,
        period=period.code,
        status=SubmissionStatus.ACCEPTED,
        cluster__in=clusters.order_by().values("pk"),
    ).order_by()
    figures = {}
    for column, key in KEPT_FIGURES.items():
        figures[f"{key}__sum"] = Sum(column)
        figures[f"{key}__n"] = Count(column)  # the reports that give it
    row = accepted.aggregate(n=Count("pk"), **figures)
    totals = {}
    for key in KEPT_FIGURES.values():
        total = Decimal(str(row[f"{key}__sum"] or 0)).quantize(SIX_PLACES).normalize()
        totals[key] = (total if total else ZERO, row["n"] - row[f"{key}__n"])
    return row["n"], totals


def _sum(figures: list[dict], key: str) -> tuple[Decimal, int]:
    """Total of one figure over the reports, and how many reports left it out."""
    values = [_dec(data[key]) for data in figures if data.get(key) is not None]
    return sum(values, ZERO), len(figures) - len(values)


def _wastewater_items(clusters: QuerySet, plants: QuerySet, day: datetime.date) -> dict[int, tuple[int, int]]:
    """Form 02 items 13–14 of each cluster on `day` as the environment module judges them from the plant
    register and the outlet samples: (built or being built, meets the standard), 1 or 0.

    `current=True` only makes the environment module keep every cluster of `clusters` (the caller has
    already decided which clusters existed on the day); the plants' status and samples are as of `day`.
    """
    rows = environment.cluster_rows(clusters, plants, day, current=True)
    return {row.cluster.pk: (row.item_13, row.item_14) for row in rows}


def _employees_note(tenants, investors) -> tuple[str, str]:
    (people01, got01, owed01), (people02, got02, owed02) = tenants, investors
    return (
        "Gồm lao động của các dự án đầu tư sản xuất kinh doanh (Biểu 01, chỉ tiêu 3: "
        f"{vi_number(people01)} người, từ {got01} Biểu 01 đã được chấp nhận, phải báo cáo: {owed01}) và của "
        f"chủ đầu tư xây dựng hạ tầng kỹ thuật (Biểu 02, chỉ tiêu 11: {vi_number(people02)} người, từ {got02} "
        f"Biểu 02 đã được chấp nhận, phải báo cáo: {owed02})",
        f"Employees of the tenant projects (Form 01 item 3: {people01}, from {got01} accepted Form 01 report(s), "
        f"{owed01} expected) and of the infrastructure investors (Form 02 item 11: {people02}, from {got02} "
        f"accepted Form 02 report(s), {owed02} expected)",
    )


def _wastewater_note(number: str, members, disagree, form02_count: int, day) -> tuple[str, str]:
    """What items 26–27 count, and where the accepted Forms 02 answer otherwise (the other source)."""
    form02_item = "13" if number == "26" else "14"
    vi = f"Theo sổ trạm xử lý nước thải và kết quả quan trắc nước thải đầu ra đến ngày {_dmy(day)}"
    en = f"From the wastewater plant register and outlet samples as of {_dmy(day)}"
    if disagree:
        listed_vi = "; ".join(f"{name}: Biểu 02 ghi {said}, sổ trạm XLNT: {ours}" for name, said, ours in disagree)
        listed_en = "; ".join(f"{name}: Form 02 says {said}, plant register {ours}" for name, said, ours in disagree)
        vi += (
            f". Biểu 02 (chỉ tiêu {form02_item}) đã được chấp nhận ghi khác: {listed_vi}; "
            f"tổng theo Biểu 02: {form02_count} cụm"
        )
        en += (
            f". Accepted Forms 02 (item {form02_item}) disagree: {listed_en}; "
            f"total by the Forms 02: {form02_count} cluster(s)"
        )
    return vi, en


def _compute(
    *, form: str, period: periods.Period, clusters: QuerySet, plan=None, plants: QuerySet | None = None
) -> tuple[list[Indicator], list[tuple[str, str]]]:
    day = period.end
    rows = [r for r in _cluster_rows(clusters, period) if r["status"] is not None]
    live = [r for r in rows if r["status"] not in GONE]
    cluster_ids = clusters.values("pk")

    in_plan = [r for r in rows if r["status"] in IN_PLAN_STATES]
    established = [r for r in rows if r["status"] in ESTABLISHED_STATES and not r["operating_without_establishment"]]
    established_ids = {r["pk"] for r in established}
    new = [r for r in rows if r["new_in_period"]]
    enterprise = [r for r in established if r["investor__kind"] == OrganisationKind.INVESTOR]
    detailed = [r for r in established if r["detailed_plan"]]
    project = [r for r in established if r["project_approved"]]

    # Section III: a cluster "đã hoạt động" is one with tenant projects ("đã có dự án đầu tư trong
    # cụm"): a project holding land on D (leased or approved, not ended), whatever the cluster's status.
    occupied = occupied_by_cluster(cluster_ids, day)
    operating = [r for r in live if r["pk"] in occupied]
    op_established = [r for r in operating if r["pk"] in established_ids]
    op_unestablished = [r for r in operating if r["pk"] not in established_ids]
    craft = [r for r in operating if r["kind"] == ClusterKind.CRAFT_VILLAGE]
    specialised = [r for r in operating if r["kind"] == ClusterKind.SPECIALISED]
    flagged_empty = [r for r in live if r["operating_without_establishment"] and r["pk"] not in occupied]

    # Occupancy (Decree 32 Art 2.7) on D: item 18 over every cluster, item 19 over those in operation.
    with_land = [r for r in operating if r["industrial_land_ha"]]
    land = sum((r["industrial_land_ha"] for r in with_land), ZERO)
    leased = sum((occupied.get(r["pk"], ZERO) for r in live), ZERO)
    leased_on_land = sum((occupied.get(r["pk"], ZERO) for r in with_land), ZERO)
    cluster_rates = [rate(occupied.get(r["pk"], ZERO), r["industrial_land_ha"]) for r in with_land]

    holding = occupying_on(day)
    projects = TenantProject.objects.filter(cluster__in=cluster_ids).aggregate(
        holding=Count("id", filter=holding),
        # the FDI tenants' ids as a (hashed) subquery: joining every project to its tenant for one flag
        # read the whole tenant table too (issue 16: 57 → 44 ms at national size)
        fdi=Count("id", filter=holding & Q(tenant_id__in=Tenant.objects.filter(is_fdi=True).values("pk"))),
        operating=Count("id", filter=holding & Q(status=ProjectStatus.OPERATING)),
        owe_form01=Count(
            "id",
            filter=(Q(lease_start__lte=day) | Q(approval_date__lte=day)) & ~Q(ended_on__lt=period.start),
        ),
    )
    form01_count, form01 = _form01_totals(period, clusters)
    form02 = dict(_submission_figures(ReportForm.FORM_02, period, clusters))
    owe_form02 = len([r for r in established if r["investor_id"]])
    plants = WastewaterPlant.objects.all() if plants is None else plants
    wastewater = _wastewater_items(clusters.filter(pk__in=[r["pk"] for r in live]), plants, day)

    values: dict[str, tuple] = {}  # number -> (value, note_vi, note_en)

    def count_and_area(count_number, area_number, members, count_note=("", "")):
        values[count_number] = (len(members), *count_note)
        total, missing = _area(members)
        values[area_number] = (total, *_unknown_area_note(missing))

    planned = [r["planned_area_ha"] if r["planned_area_ha"] is not None else r["area_ha"] for r in in_plan]
    known = [a for a in planned if a is not None]
    registry_area = sum(known, ZERO).quantize(TWO_PLACES)
    doc = (plan.document.number if plan.document_id else plan.name) if plan is not None else ""
    totals = totals_for(plan) if plan is not None and form == "04" else None
    if form == "04":
        if plan is None:
            gap = (
                "Chưa có phương án phát triển cụm công nghiệp đang có hiệu lực trong ICIS",
                "No plan in force in ICIS",
            )
            values["1"] = (None, *gap)
            values["2"] = (None, *gap)
        else:
            if totals.computed:
                # Counted from the plan's entries (withdrawn and deferred entries are not counted); the
                # document's own figures are named beside when they differ.
                stated_vi = stated_en = ""
                if totals.clusters_disagree:
                    stated_vi = f"; {doc} nêu {totals.stated_clusters} cụm"
                    stated_en = f"; {doc} states {totals.stated_clusters}"
                values["1"] = (
                    totals.clusters,
                    f"Tính từ danh mục cụm của {doc} (không tính cụm đưa ra khỏi phương án, cụm lùi sau kỳ "
                    f"phương án){stated_vi}; sổ đăng ký ICIS có {len(in_plan)} cụm thuộc phương án",
                    f"Counted from the entries of {doc} (withdrawn and deferred not counted){stated_en}; "
                    f"the ICIS registry holds {len(in_plan)} of the plan's clusters",
                )
                area_vi = area_en = ""
                if totals.area_disagrees:
                    area_vi = f"; {doc} nêu {vi_number(_dec(totals.stated_area_ha), 2)} ha"
                    area_en = f"; {doc} states {totals.stated_area_ha} ha"
                values["2"] = (
                    _dec(totals.area_ha).quantize(TWO_PLACES),
                    f"Tính từ danh mục cụm của {doc}{area_vi}; các cụm trong sổ đăng ký ICIS: "
                    f"{vi_number(registry_area, 2)} ha",
                    f"Counted from the entries of {doc}{area_en}; the clusters in the ICIS registry: "
                    f"{registry_area} ha",
                )
            else:
                values["1"] = (
                    totals.stated_clusters,
                    f"Theo {doc}; sổ đăng ký ICIS có {len(in_plan)} cụm thuộc phương án",
                    f"As {doc} states; the ICIS registry holds {len(in_plan)} of the plan's clusters",
                )
                values["2"] = (
                    _dec(totals.stated_area_ha).quantize(TWO_PLACES) if totals.stated_area_ha is not None else None,
                    f"Theo {doc}; các cụm trong sổ đăng ký ICIS: {vi_number(registry_area, 2)} ha",
                    f"As {doc} states; the clusters in the ICIS registry: {registry_area} ha",
                )
    else:
        source_vi = f" ({doc})" if doc else ""
        values["1"] = (
            len(in_plan),
            f"Các cụm thuộc phương án phát triển cụm công nghiệp{source_vi} trên địa bàn, theo sổ đăng ký ICIS; "
            "phương án chỉ nêu tổng số toàn tỉnh",
            "The plan's clusters located here, as the ICIS registry holds them; the plan gives province totals only",
        )
        values["2"] = (registry_area, *_unknown_area_note(len(planned) - len(known)))
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
    count_and_area(
        "15",
        "16",
        operating,
        (
            "Cụm đã có dự án đầu tư thuê đất hoặc được chấp thuận đầu tư tại ngày cuối kỳ, không phân biệt trạng thái",
            "Clusters with a tenant project holding land (lease or investment approval) on the period's last day, "
            "whatever their status",
        ),
    )
    count_and_area("15.1", "16.1", op_established)
    count_and_area(
        "15.2",
        "16.2",
        op_unestablished,
        (
            f"{len(flagged_empty)} cụm ghi là hoạt động khi chưa thành lập nhưng chưa có dự án nào trong sổ: "
            "không tính",
            f"{len(flagged_empty)} cluster(s) flagged as operating without establishment have no tenant project "
            "recorded: not counted",
        )
        if flagged_empty
        else ("", ""),
    )
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
        "Đất thuê, thuê lại hoặc đã có chủ trương đầu tư/GCNĐKĐT (khoản 7 Điều 2 Nghị định 32/2024/NĐ-CP), "
        "tại mọi cụm công nghiệp",
        "Land leased, sub-leased or covered by an investment approval or certificate (Decree 32 Art 2.7), "
        "in every cluster",
    )
    mean = (sum(cluster_rates, ZERO) / len(cluster_rates)).quantize(TWO_PLACES) if cluster_rates else None
    values["19"] = (
        rate(leased_on_land, land),
        *(
            (
                f"Bình quân theo diện tích (đất đã cho thuê của các cụm ở mục 17 / mục 17); trung bình cộng tỷ lệ "
                f"của {len(cluster_rates)} cụm: {vi_number(mean, 2)}%",
                f"Land-weighted (leased land of the item 17 clusters / item 17); simple mean of the "
                f"{len(cluster_rates)} clusters' rates: {mean}%",
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
    coverage01 = _coverage_note(form01_count, projects["owe_form01"], "01")
    for number, key in (("23", "revenue_bn_vnd"), ("24", "budget_paid_bn_vnd")):
        total, _left_out = form01[key]
        values[number] = (total.quantize(TWO_PLACES), *coverage01)
    tenant_people, _left_out = form01["employees"]
    investor_people, _left_out = _sum(list(form02.values()), "employees")
    values["25"] = (
        int(tenant_people + investor_people),
        *_employees_note(
            (int(tenant_people), form01_count, projects["owe_form01"]), (int(investor_people), len(form02), owe_form02)
        ),
    )
    names = {r["pk"]: r["name"] for r in live}
    for number, index, key in (("26", 0, "wwtp_built"), ("27", 1, "wwtp_compliant")):
        members = [pk for pk in names if wastewater.get(pk, (0, 0))[index] == 1]
        disagree = sorted(
            (names[pk], data[key], wastewater.get(pk, (0, 0))[index])
            for pk, data in form02.items()
            if pk in names and data.get(key) is not None and data[key] != wastewater.get(pk, (0, 0))[index]
        )
        form02_count = sum(1 for pk, data in form02.items() if pk in names and data.get(key) == 1)
        values[number] = (len(members), *_wastewater_note(number, members, disagree, form02_count, day))

    indicators = []
    for item in catalogue.items(form):
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
    if form == "04" and plan is not None:
        indicators[0].plan_value, indicators[1].plan_value = totals.cluster_figure, totals.area_figure

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


def form_03_04(
    *,
    period: periods.Period,
    clusters: QuerySet,
    communes: Iterable | None = None,
    plants: QuerySet | None = None,
    province_code: str | None = None,
) -> list[Indicator]:
    """The 27 indicators (with 15.1–15.4 and 16.1–16.4) over `clusters` as of `period.end`.

    `clusters` is already restricted to the user's scope; `communes` (GSO codes or Commune objects)
    narrows it to the clusters a source places in those communes (Biểu 03). Without communes it is
    Biểu 04, whose items 1–2 are the development plan's totals. `plants`: the wastewater plants the
    user may see (default all).

    D = the period's last day; "status" = the cluster's status on D (see `_cluster_rows`); "est." = item 3;
    "live" = in the registry on D, not revoked or removed; "in operation" = live with a tenant project
    holding land on D (the circular's "đã có dự án đầu tư trong cụm").

    | item | formula | source |
    | --- | --- | --- |
    | 1–2 | Biểu 04: the plan in force (cluster count, area); Biểu 03: the registry's clusters of the plan | plan |
    | 3 | status established … operating, and not flagged "operating without establishment" | registry |
    | 4 | Σ area of item 3 | registry |
    | 5–6 | clusters with a change to established dated in [period start, D]; Σ their area | registry |
    | 7–8 | est. clusters whose investor organisation is of kind "infrastructure investor"; Σ area | registry |
    | 9–10 | est. clusters with "detailed 1/500 plan approved" reached on or before D; Σ area | milestones |
    | 11–12 | est. clusters with "infrastructure project approved" reached on or before D; Σ area | milestones |
    | 13–14 | Σ Form 02 items 1 and 2, the period's accepted Forms 02 | Form 02 |
    | 15 | clusters in operation = 15.1 + 15.2 | tenant projects |
    | 15.1 / 15.2 | item 15 clusters that are / are not est. | tenant projects |
    | 15.3 / 15.4 | item 15 clusters of kind craft village / specialised | tenant projects |
    | 16, 16.x | Σ area of 15, 15.1–15.4 | tenant projects |
    | 17 | Σ industrial land of item 15 | registry |
    | 18 | Σ land of the tenant projects occupying on D (Decree 32 Art 2.7) in every live cluster | occupancy |
    | 19 | occupied land of item 15 clusters that have industrial land ÷ that land × 100 | occupancy |
    | 20–22 | tenant projects occupying land on D; of FDI tenants; whose status is operating | projects |
    | 23–24 | Σ Form 01 items 1 and 2, the period's accepted Forms 01 | Form 01 |
    | 25 | Σ Form 01 item 3 (tenants' employees) + Σ Form 02 item 11 (investors' employees) | Forms 01, 02 |
    | 26–27 | live clusters whose plants the environment module finds built or building / meeting the | plants |
    |       | standard on D; the note lists the accepted Forms 02 (items 13–14) that say otherwise | |

    Areas are the registry's current figures (areas are not dated); statuses and milestones are as of D.
    """
    clusters = _in_communes(clusters, communes)
    form = "04" if communes is None else "03"
    if province_code == NATIONAL:
        plan = current_plans_total()
    else:
        plan = current_plan(province_code or settings.ICIS_PROVINCE_CODE)
    indicators, _remarks = _compute(form=form, period=period, clusters=clusters, plan=plan, plants=plants)
    return indicators


def _in_communes(clusters: QuerySet, communes: Iterable | None) -> QuerySet:
    if communes is None:
        return clusters
    codes = [getattr(c, "code", c) for c in communes]
    stated = ClusterCommune.objects.filter(commune_id__in=codes, basis=CommuneBasis.STATED)
    # A cluster straddling communes is counted once, in its lead commune: not here when it leads elsewhere.
    led_elsewhere = ClusterCommune.objects.filter(is_lead=True, basis=CommuneBasis.STATED).exclude(commune_id__in=codes)
    return clusters.filter(pk__in=stated.values("cluster_id")).exclude(pk__in=led_elsewhere.values("cluster_id"))


def _without_lead(clusters: QuerySet) -> list[str]:
    """Clusters among `clusters` lying in several stated communes with no lead commune recorded: they are
    counted in each commune's Biểu 03 until one is set."""
    several = (
        ClusterCommune.objects.filter(basis=CommuneBasis.STATED, cluster__in=clusters.values("pk"))
        .values("cluster_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("cluster_id")
    )
    led = ClusterCommune.objects.filter(is_lead=True, basis=CommuneBasis.STATED).values("cluster_id")
    return list(clusters.filter(pk__in=several).exclude(pk__in=led).order_by("name").values_list("name", flat=True))


# The province code of the national roll-up (every province the user reaches, summed).
NATIONAL = "*"


def report_clusters(user, *, province_code: str | None = None) -> QuerySet:
    """The clusters a report covers: the user's scope within the province (the user's own by
    default; NATIONAL: every province), real clusters only."""
    clusters = Cluster.objects.restrict(user).filter(is_synthetic=False)
    if province_code == NATIONAL:
        return clusters
    return clusters.filter(province_id=province_code or home_province_code(user))


def form03_communes(user, *, province_code: str | None = None) -> QuerySet:
    """The communes whose Biểu 03 the user may generate: all of the province for national and
    province-wide roles (their own provinces), else the communes (or the provinces) of the user's scopes."""
    communes = Commune.objects.order_by("name")
    if province_code:
        communes = communes.filter(province_id=province_code)
    if user is None or not user.is_authenticated:
        return communes.none()
    if is_national(user):
        return communes
    if user.has_perm(PROVINCE_WIDE):
        return communes.filter(province_id__in=user_province_codes(user))
    scopes = user.scopes.all()
    return communes.filter(
        Q(code__in=scopes.exclude(commune__isnull=True).values("commune_id"))
        | Q(province_id__in=scopes.exclude(province__isnull=True).values("province_id"))
    )


def _lower_first(name: str) -> str:
    """ "Tỉnh Cao Bằng" → "tỉnh Cao Bằng", as it reads after "Ủy ban nhân dân" or "Sở Công Thương"."""
    return name[:1].lower() + name[1:]


def parties(form: str, province: Province, commune: Commune | None = None) -> tuple[str, str]:
    """Who sends the form and who receives it, in the signed wording filled in for the deploying province.

    Biểu 04: "Đơn vị gửi báo cáo: Sở Công Thương", "Đơn vị nhận báo cáo: Ủy ban nhân dân cấp tỉnh, Bộ
    Công Thương (Cục Công Thương địa phương)". Biểu 03 is sent by the commune People's Committee, which
    does the district's reporting since Decree 139/2025 Art 6, to the province and its DoIT. The province's
    settings (geo.ProvinceSettings) override the defaults filled in from its name.
    """
    province_name = _lower_first(province.name)
    chosen = province_settings(province)
    if form == "03":
        return (
            f"Ủy ban nhân dân {_lower_first(commune.name)}",
            chosen.form03_recipients or f"Ủy ban nhân dân {province_name}, Sở Công Thương {province_name}",
        )
    return (
        chosen.form04_sender or f"Sở Công Thương {province_name}",
        chosen.form04_recipients or f"Ủy ban nhân dân {province_name}, Bộ Công Thương (Cục Công Thương địa phương)",
    )


def signature(form: str, province: Province) -> tuple[str, str]:
    """Biểu 04's signer title and name from the province's settings (geo.ProvinceSettings; blank: the
    form's own wording). Biểu 03 is signed for the commune People's Committee ("TM. ỦY BAN NHÂN DÂN"),
    not by the province's signer: nothing to fill in. The place and day stay the form's blanks."""
    if form != "04":
        return "", ""
    chosen = province_settings(province)
    return chosen.signer_title.strip(), chosen.signer_name.strip()


def area_report(
    *, form: str, period: periods.Period, user, commune: Commune | None = None, province_code: str | None = None
) -> AreaReport:
    """Biểu 04 (commune None) for a province (`province_code`, default the user's own; NATIONAL: the
    roll-up of every province the user reaches), or Biểu 03 for `commune`, over what `user` reaches."""
    if commune is not None:
        province_code = commune.province_id
    province_code = province_code or home_province_code(user)
    if province_code == NATIONAL:
        return _national_report(period=period, user=user)
    clusters = report_clusters(user, province_code=province_code)
    plants = WastewaterPlant.objects.restrict(user)
    province = Province.objects.get(code=province_code)
    plan = current_plan(province.code)
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
        unled = _without_lead(clusters)
        if unled:
            names = ", ".join(unled)
            remarks.append(
                (
                    f"{len(unled)} cụm nằm trên nhiều xã, phường chưa xác định xã, phường báo cáo ({names}): "
                    "được tính ở mỗi xã, phường cho đến khi xác định.",
                    f"{len(unled)} cluster(s) lie in several communes with no lead commune recorded ({names}): "
                    "counted in each commune until one is set.",
                )
            )
    indicators, more = _compute(form=form, period=period, clusters=clusters, plan=plan, plants=plants)
    sender, recipients = parties(form, province, commune if form == "03" else None)
    signer_title, signer_name = signature(form, province)
    return AreaReport(
        form=form,
        period=period,
        area_name=commune.name if form == "03" else province.name,
        reporting_unit=sender,
        recipients=recipients,
        indicators=indicators,
        remarks=remarks + more,
        commune=commune if form == "03" else None,
        signer_title=signer_title,
        signer_name=signer_name,
    )


def _national_report(*, period: periods.Period, user) -> AreaReport:
    """Biểu 04 summed over every province: each count and area is the sum of the provinces' (their
    cluster sets are disjoint); item 19, a percentage, is computed from the summed land."""
    clusters = report_clusters(user, province_code=NATIONAL)
    plants = WastewaterPlant.objects.restrict(user)
    indicators, more = _compute(form="04", period=period, clusters=clusters, plan=current_plans_total(), plants=plants)
    return AreaReport(
        form="04",
        period=period,
        area_name="Toàn quốc (tổng hợp các tỉnh)",
        reporting_unit="Tổng hợp từ Biểu 04 của các Sở Công Thương (ICIS)",
        recipients="Bộ Công Thương (Cục Công Thương địa phương)",
        indicators=indicators,
        remarks=more,
        commune=None,
    )
