"""Drafts of the procedure's official documents as DOCX, filled from the record, never retyped.

The layout follows Decree 30/2020/NĐ-CP (administrative documents): the issuing body and the national
motto side by side, the number and the place and date, the document title and its subject, the body,
then the recipients (Nơi nhận) and the signature block. The wording is data (`DraftTemplate`, per
province or the default). A draft for a step the dossier has already passed is refused, naming the
current step and its proof: drafting a letter for a step already done is an embarrassing failure.
"""

import io
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.core import formats

from . import ladder
from .models import Dossier, DraftTemplate
from .selectors import dossier_state
from .services import where_it_stands

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _area(value) -> str:
    """Hectares as a Vietnamese document writes them (37,78), "…" when not known."""
    return "…" if value is None else formats.area(value, language="vi")


def template_for(step: int, province_code: str | None) -> DraftTemplate | None:
    templates = DraftTemplate.objects.filter(step=step)
    return templates.filter(province_id=province_code).first() or templates.filter(province__isnull=True).first()


def steps_with_templates() -> list[int]:
    return sorted(set(DraftTemplate.objects.values_list("step", flat=True)))


def check_draftable(dossier: Dossier, step: int, state=None) -> None:
    """Refuse a draft for a step the dossier has already reached or passed, or on a closed dossier."""
    state = state or dossier_state(dossier)
    if not dossier.is_open:
        raise ValidationError(
            _("The dossier is closed (%(outcome)s): no document is drafted for it.")
            % {"outcome": dossier.get_outcome_display()},
            code="closed",
        )
    if step <= state.current_step:
        raise ValidationError(
            _("Step %(step)s (%(title)s) is already passed. %(where)s")
            % {
                "step": step,
                "title": ladder.step(step).title,
                "where": where_it_stands(state.current_step, state.current_record),
            },
            code="step_passed",
        )


def context(dossier: Dossier, state) -> dict[str, str]:
    """Every placeholder a template may use, from the record (text only)."""
    cluster: Cluster = dossier.cluster
    today = timezone.localdate()
    communes = [link.commune.name for link in cluster.commune_links.select_related("commune")]
    applicants = [a.organisation.name for a in dossier.applicants.select_related("organisation")]
    proofs = []
    for rung in state.rungs:
        if rung.head is not None and rung.head.document_id:
            document = rung.head.document
            proofs.append(
                f"{document.get_doc_type_display()} số {document.number} ngày {formats.date(rung.head.date)} "
                f"của {document.issuer}"
            )
    province = cluster.province
    return {
        "cluster": cluster.name,
        "cluster_code": cluster.code,
        "area_ha": _area(cluster.area_ha),
        "industrial_land_ha": _area(cluster.industrial_land_ha),
        "communes": ", ".join(communes) or "…",
        "legacy_district": cluster.legacy_district.name if cluster.legacy_district_id else "…",
        "province": province.name if province else "…",
        "investor": cluster.investor.name if cluster.investor_id else (", ".join(applicants) or "…"),
        "applicants": ", ".join(applicants) or "…",
        "opened_on": formats.date(dossier.opened_on) if dossier.opened_on else "…",
        "day": f"{today.day:02d}",
        "month": f"{today.month:02d}",
        "year": str(today.year),
        "references": "; ".join(proofs) or "…",
        "kind": "mở rộng" if dossier.kind == "expansion" else "thành lập",
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace `{name}` with its value; an unknown name stays as written, so a typo shows in the draft."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def draft_docx(dossier: Dossier, step: int) -> tuple[bytes, str]:
    """The DOCX of the draft for `step`, and its file name. Raises ValidationError when refused."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    if not 1 <= step <= ladder.LAST_STEP:
        raise ValidationError(_("The ladder has steps 1 to %(last)s.") % {"last": ladder.LAST_STEP}, code="invalid")
    state = dossier_state(dossier)
    check_draftable(dossier, step, state)
    template = template_for(step, dossier.cluster.province_id)
    if template is None:
        raise ValidationError(
            _("No draft template exists for step %(step)s (%(title)s).")
            % {"step": step, "title": ladder.step(step).title},
            code="no_template",
        )
    values = context(dossier, state)

    doc = Docx()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def cell_lines(cell, lines, *, bold_from=0, underline_last=False):
        cell.paragraphs[0].text = ""
        for index, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(line)
            run.bold = index >= bold_from
            if underline_last and index == len(lines) - 1:
                run.underline = True

    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    issuer_lines = fill(template.issuer, values).upper().split("\n")
    cell_lines(header.cell(0, 0), issuer_lines, bold_from=len(issuer_lines) - 1, underline_last=True)
    cell_lines(
        header.cell(0, 1),
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        bold_from=0,
        underline_last=True,
    )
    number = f"Số:       /{template.number_suffix}" if template.number_suffix else "Số:       "
    cell_lines(header.cell(1, 0), [number], bold_from=1)
    date_cell = header.cell(1, 1)
    date_cell.paragraphs[0].text = ""
    date_run = date_cell.paragraphs[0].add_run(
        f"{values['province'].replace('Thành phố ', '').replace('Tỉnh ', '')}, ngày {values['day']} tháng "
        f"{values['month']} năm {values['year']}"
    )
    date_run.italic = True
    date_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph()
    marker = doc.add_paragraph()
    marker.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marker_run = marker.add_run("DỰ THẢO (lập từ ICIS; kiểm tra trước khi trình ký)")
    marker_run.italic = True
    marker_run.font.size = Pt(11)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(fill(template.kind_title, values).upper()).bold = True
    subject = doc.add_paragraph()
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject.add_run(fill(template.subject, values)).bold = True
    if template.addressee:
        to = doc.add_paragraph()
        to.alignment = WD_ALIGN_PARAGRAPH.CENTER
        to.add_run(f"Kính gửi: {fill(template.addressee, values)}")
    for block in fill(template.body, values).split("\n\n"):
        paragraph = doc.add_paragraph(block.strip())
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)

    footer = doc.add_table(rows=1, cols=2)
    left = footer.cell(0, 0)
    left.paragraphs[0].text = ""
    heading = left.paragraphs[0].add_run("Nơi nhận:")
    heading.bold = True
    heading.italic = True
    heading.font.size = Pt(12)
    for line in fill(template.recipients, values).split("\n"):
        if line.strip():
            run = left.add_paragraph().add_run(line.strip())
            run.font.size = Pt(11)
    cell_lines(footer.cell(0, 1), [line for line in fill(template.signer_title, values).upper().split("\n") if line])

    buffer = io.BytesIO()
    doc.save(buffer)
    name = f"du-thao-buoc-{step}-{dossier.cluster.code}.docx"
    return buffer.getvalue(), name
