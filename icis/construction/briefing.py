"""The leaders' briefing (deliverable 8): per cluster, the frame DoIT officers use for the People's
Committee meeting, built from the records (never retyped), as a printable page, PDF and DOCX.

Layout follows the administrative-document format of Decree 30/2020/NĐ-CP (Appendix I): A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman (Liberation Serif has the same metrics)
13–14 pt, the issuing body top left, the national title and motto top right, number and date, title,
body, recipients and signature.
"""

import io
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.scoping import home_province_code
from icis.geo.models import province_settings

from .choices import MILESTONE_ORDER, MilestoneKind, ObstacleStatus, ReportStatus
from .models import Milestone, ProgressReport
from .selectors import (
    DUE_FIRST,
    Trail,
    _actual,
    _first_change,
    _fmt,
    _pct,
    cluster_construction,
    cluster_flags,
    forecast_completion,
    obstacle_list,
)
from .state import current_trails, state_values

# WeasyPrint logs every layout step at INFO; keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Legal formulas of Vietnamese official documents: they are Vietnamese in every UI language.
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_KIND = "BÁO CÁO"
RECIPIENTS_HEADING = "Nơi nhận:"
SIGNER_TITLE = "GIÁM ĐỐC"
FONT_STACK = '"Times New Roman", "Liberation Serif", "DejaVu Serif", serif'


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    empty: str = ""


@dataclass
class ClusterBriefing:
    name: str
    code: str
    sections: list[Section]


def _money(value) -> str:
    if value is None:
        return "—"
    return _("%(bn)s billion VND") % {"bn": formats.number(Decimal(str(value)) / 10**9, 1)}


def _obstacle_line(o, today) -> str:
    parts = [f"[{o.get_category_display()}] {o.description}"]
    if o.responsible:
        parts.append(_("responsible: %(who)s") % {"who": o.responsible})
    if o.due_on:
        parts.append(_("due %(date)s") % {"date": _fmt(o.due_on)})
    parts.append(o.get_status_display())
    if o.is_overdue(today):
        parts.append(_("OVERDUE"))
    parts.append(
        _("source: %(doc)s") % {"doc": o.source_document} if o.source_document_id else _("source: no document")
    )
    return "; ".join(str(p) for p in parts) + "."


def briefing_records(clusters, *, today) -> dict[int, dict]:
    """What `cluster_briefing` reads of each cluster, for all of them at once: five queries whatever
    their number (each cluster's latest accepted report with its components, milestones, obstacles and
    lifecycle dates), never a cluster's whole report history: the trail is the kept progress state
    (`clusters` read with `select_related("progress_state")`), the history read only for a cluster with
    an accepted report after `today`."""
    ids = [c.pk for c in clusters]
    scope = Cluster.objects.filter(pk__in=ids)
    # the kept progress state where it holds (no accepted report after today), else the reports' history
    rows = [state_values(c) for c in clusters]
    trails = current_trails(rows, today, settings.ICIS_FORECAST_REPORTS, scope=scope)
    # each cluster's newest accepted report, looked up once a cluster (an index scan on cluster, status,
    # date), not by testing every report of the clusters against its own cluster's newest
    newest = (
        ProgressReport.objects.filter(cluster=OuterRef("pk"), status=ReportStatus.ACCEPTED, report_date__lte=today)
        .order_by("-report_date", "-id")
        .values("pk")[:1]
    )
    latest = {
        r.cluster_id: r
        for r in ProgressReport.objects.filter(pk__in=scope.annotate(newest=Subquery(newest)).values("newest"))
        .order_by()
        .select_related("source_document")
        .prefetch_related("components")
    }
    milestones = {pk: [] for pk in ids}
    for m in Milestone.objects.filter(cluster_id__in=ids).select_related("planned_in", "evidence"):
        milestones[m.cluster_id].append(m)
    obstacles = {pk: [] for pk in ids}
    for o in obstacle_list().filter(cluster_id__in=ids).order_by("status", DUE_FIRST, "id"):
        obstacles[o.cluster_id].append(o)
    dates = {
        pk: (established, started)
        for pk, established, started in scope.annotate(
            established_on=_first_change(ClusterStatus.ESTABLISHED),
            started_on=_first_change(ClusterStatus.UNDER_CONSTRUCTION),
        ).values_list("pk", "established_on", "started_on")
    }
    records = {}
    for cluster in clusters:
        mine = sorted(milestones[cluster.pk], key=lambda m: MILESTONE_ORDER[m.kind])
        trail = trails.get(cluster.pk, Trail())
        established_on, started_change = dates[cluster.pk]
        started_on = started_change or _actual(mine, MilestoneKind.CONSTRUCTION_START)
        forecast = forecast_completion(trail, as_of=today)
        flags = cluster_flags(
            stage=cluster.status,
            established_on=established_on,
            started_on=started_on,
            points=trail,
            milestones=mine,
            forecast=forecast,
            as_of=today,
        )
        records[cluster.pk] = {
            "latest": latest.get(cluster.pk),
            "forecast": forecast,
            "flags": flags,
            "milestones": [{"milestone": m, "variance": m.variance_days(today)} for m in mine],
            "obstacles": obstacles[cluster.pk],
            "open_obstacles": [o for o in obstacles[cluster.pk] if o.status != ObstacleStatus.RESOLVED],
        }
    return records


def cluster_briefing(cluster, *, user, today=None, records: dict | None = None) -> ClusterBriefing:
    """One cluster's part of the briefing; `records` from `briefing_records` (else read for this cluster)."""
    today = today or timezone.localdate()
    c = records or cluster_construction(cluster, user=user, today=today)
    latest = c["latest"]
    investor = Section(_("1. Infrastructure investor"))
    investor.lines.append(str(cluster.investor) if cluster.investor_id else _("No investor recorded."))
    if cluster.establishment_decision_id:
        investor.lines.append(_("Establishment decision: %(doc)s.") % {"doc": cluster.establishment_decision})
    progress = Section(_("2. Progress"))
    if latest is None:
        progress.lines.append(_("No accepted progress report."))
    else:
        progress.lines.append(
            _("Overall physical progress %(percent)s%% (report of %(date)s).")
            % {"percent": _pct(latest.overall_percent), "date": _fmt(latest.report_date)}
        )
        parts = [f"{p.get_component_display()} {_pct(p.percent)}%" for p in latest.components.all()]
        if parts:
            progress.lines.append(_("By component: %(parts)s.") % {"parts": "; ".join(parts)})
        if latest.approved_capital_vnd or latest.disbursed_vnd:
            progress.lines.append(
                _("Capital: approved %(approved)s, disbursed %(disbursed)s; construction value %(value)s.")
                % {
                    "approved": _money(latest.approved_capital_vnd),
                    "disbursed": _money(latest.disbursed_vnd),
                    "value": _money(latest.construction_value_vnd),
                }
            )
        if latest.clearance_to_clear_ha is not None:
            progress.lines.append(
                _("Site clearance: %(cleared)s of %(total)s ha cleared, %(handed)s ha handed over.")
                % {
                    "cleared": latest.clearance_cleared_ha if latest.clearance_cleared_ha is not None else "—",
                    "total": latest.clearance_to_clear_ha,
                    "handed": latest.clearance_handed_over_ha if latest.clearance_handed_over_ha is not None else "—",
                }
            )
    progress.lines.append(_("Forecast: %(text)s") % {"text": c["forecast"].explanation})
    for flag in c["flags"]:
        progress.lines.append(f"{flag.label}: {flag.reason}")
    open_obstacles = c["open_obstacles"]
    obstacles = Section(
        _("3. Obstacles"),
        [_obstacle_line(o, today) for o in open_obstacles],
        empty=_("No open obstacle recorded."),
    )
    own = [o for o in open_obstacles if cluster.investor_id and o.responsible_organisation_id == cluster.investor_id]
    others = [o for o in open_obstacles if o not in own]
    causes = Section(_("4. Causes"), empty=_("No cause recorded."))
    if own:
        causes.lines.append(_("The investor's own responsibility:"))
        causes.lines += [f"– [{o.get_category_display()}] {o.description}" for o in own]
    if others:
        causes.lines.append(_("Other causes:"))
        causes.lines += [f"– [{o.get_category_display()}] {o.description} ({o.responsible})" for o in others]
    results = Section(_("5. Results"), empty=_("No milestone reached yet."))
    for row in c["milestones"]:
        m = row["milestone"]
        if m.actual_on:
            variance = row["variance"]
            text = _("%(milestone)s on %(date)s") % {"milestone": m.get_kind_display(), "date": _fmt(m.actual_on)}
            if variance:
                text += " " + (
                    _("(%(days)s days late)") % {"days": variance}
                    if variance > 0
                    else _("(%(days)s days early)") % {"days": -variance}
                )
            results.lines.append(text + ".")
    for o in c["obstacles"]:
        if o.status == ObstacleStatus.RESOLVED:
            results.lines.append(
                _("Resolved %(date)s: %(description)s — %(resolution)s")
                % {"date": _fmt(o.resolved_on), "description": o.description, "resolution": o.resolution}
            )
    upcoming = Section(_("6. Next milestones"), empty=_("No planned milestone outstanding."))
    for row in c["milestones"]:
        m = row["milestone"]
        if not m.actual_on and m.planned_on:
            text = _("%(milestone)s planned for %(date)s") % {
                "milestone": m.get_kind_display(),
                "date": _fmt(m.planned_on),
            }
            if row["variance"]:
                text += " " + _("(%(days)s days late)") % {"days": row["variance"]}
            upcoming.lines.append(text + ".")
    if c["forecast"].expected_on:
        upcoming.lines.append(_("Expected completion: %(date)s.") % {"date": _fmt(c["forecast"].expected_on)})
    asks = Section(
        _("7. What the People's Committee is asked to direct"),
        [
            f"{o.requested_direction}" + (f" ({_('source')}: {o.source_document})" if o.source_document_id else "")
            for o in open_obstacles
            if o.requested_direction.strip()
        ],
        empty=_("Nothing requested."),
    )
    return ClusterBriefing(cluster.name, cluster.code, [investor, progress, obstacles, causes, results, upcoming, asks])


def briefing_content(clusters, *, user) -> dict:
    """The whole briefing, in a constant number of queries (eight) whatever the number of clusters."""
    today = timezone.localdate()
    order = {c.pk: index for index, c in enumerate(clusters)}
    clusters = sorted(
        Cluster.objects.filter(pk__in=list(order)).select_related(
            "investor", "establishment_decision", "progress_state"
        ),
        key=lambda c: order[c.pk],
    )
    records = briefing_records(clusters, today=today)
    provinces = {c.province_id for c in clusters}
    chosen = province_settings(provinces.pop() if len(provinces) == 1 else home_province_code(user))
    return {
        "parent": chosen.parent,
        "issuer": chosen.issuer,
        "national_title": NATIONAL_TITLE,
        "motto": MOTTO,
        "kind": DOCUMENT_KIND,
        "number": "Số:        /BC-SCT",
        "place_date": f"{chosen.place}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        "title": _(
            "Progress of infrastructure construction at industrial clusters, for the People's Committee meeting"
        ),
        "clusters": [cluster_briefing(c, user=user, today=today, records=records[c.pk]) for c in clusters],
        "recipients_heading": RECIPIENTS_HEADING,
        # Sent to the province's People's Committee, signed as the province's settings say (blank: "GIÁM ĐỐC").
        "recipients": [
            _("%(committee)s (to report);") % {"committee": f"Ủy ban nhân dân {chosen.province.name}"},
            _("Archive."),
        ],
        "signer_title": chosen.signer_title.strip().upper() or SIGNER_TITLE,
        "signer_name": chosen.signer_name.strip(),
        "generated": _("Drafted by ICIS from the records as of %(date)s; figures from accepted reports only.")
        % {"date": _fmt(today)},
        "font_stack": FONT_STACK,
    }


def filename(extension: str) -> str:
    return f"icis-briefing-{timezone.localdate().isoformat()}.{extension}"


def pdf_bytes(content: dict) -> bytes:
    import weasyprint  # imported here: it needs the system's Pango, and only this output uses it

    html = render_to_string("construction/briefing_document.html", {"content": content, "for_pdf": True})
    return weasyprint.HTML(string=html).write_pdf()


def pdf_response(content: dict, *, request) -> HttpResponse:
    try:
        data = pdf_bytes(content)
    except (ImportError, OSError):
        return HttpResponse(
            _("PDF output needs WeasyPrint and the Pango library on the server; use the printable page."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename("pdf")}"'
    return response


def docx_bytes(content: dict) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(6)

    def paragraph(cell_or_doc, text, *, bold=False, italic=False, size=None, align=None, underline=False):
        p = cell_or_doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        return p

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = ""
    center = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(left, content["parent"], size=13, align=center)
    paragraph(left, content["issuer"], bold=True, size=13, align=center)
    paragraph(left, "───────", size=13, align=center)
    paragraph(left, content["number"], size=13, align=center)
    paragraph(right, content["national_title"], bold=True, size=13, align=center)
    paragraph(right, content["motto"], bold=True, size=14, align=center)
    paragraph(right, "───────────────", size=13, align=center)
    paragraph(right, content["place_date"], italic=True, size=14, align=center)
    paragraph(document, "")
    paragraph(document, content["kind"], bold=True, size=14, align=center)
    paragraph(document, content["title"], bold=True, size=14, align=center)
    paragraph(document, "")
    for cluster in content["clusters"]:
        heading = paragraph(document, f"{cluster.name} ({cluster.code})", bold=True, size=14)
        heading.paragraph_format.space_before = Pt(12)
        for part in cluster.sections:
            paragraph(document, part.title, bold=True, size=14)
            for line in part.lines or [part.empty]:
                p = paragraph(document, line, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
                p.paragraph_format.first_line_indent = Mm(10)
                p.paragraph_format.space_after = Pt(3)
    paragraph(document, "")
    footer = document.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = ""
    paragraph(left, content["recipients_heading"], bold=True, italic=True, size=12)
    for line in content["recipients"]:
        paragraph(left, f"- {line}", size=11)
    paragraph(right, content["signer_title"], bold=True, size=14, align=center)
    if content["signer_name"]:
        for _space in range(4):  # room for the signature and the seal
            paragraph(right, "", size=14)
        paragraph(right, content["signer_name"], bold=True, size=14, align=center)
    paragraph(document, "")
    paragraph(document, content["generated"], italic=True, size=10)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_response(content: dict) -> HttpResponse:
    response = HttpResponse(
        docx_bytes(content), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename("docx")}"'
    return response
