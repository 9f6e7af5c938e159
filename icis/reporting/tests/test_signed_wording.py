"""Biểu 03/04 carry the signed wording of Circular 14 Appendix I: every label, unit, section, column
head, title, sender, recipient, deadline line and signature block is compared with the law text
(`<repo>/../shared/law/`; the test skips, saying why, when the text is not there)."""

import io

import pytest
from openpyxl import load_workbook

from icis.geo.models import Commune
from icis.reporting import catalogue, export
from icis.reporting.selectors import area_report
from icis.tenancy import periods
from icis.testing.law import law_block, law_items, law_sections, law_text, squeeze

H1 = periods.parse("2026-H1")
BLOCKS = {"03": ("Biểu số 03.", "Biểu số 04."), "04": ("Biểu số 04.", "PHỤ LỤC II")}


def signed(form: str) -> list[str]:
    return law_block(law_text(), *BLOCKS[form])


def report_for(form, user):
    commune = Commune.objects.get(code="10273") if form == "03" else None
    return area_report(form=form, period=H1, user=user, commune=commune)


def sheet_rows(report) -> list[list]:
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(report))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def rendered_text(report) -> str:
    """The text WeasyPrint lays out on the PDF's pages, line by line as it breaks them."""
    import weasyprint

    document = weasyprint.HTML(string=export.pdf_html(report)).render()
    out = []

    def walk(box):
        if getattr(box, "text", None):
            out.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return "\n".join(out)


@pytest.mark.parametrize("form", ["03", "04"])
def test_every_indicator_is_worded_numbered_and_measured_as_signed(form):
    block = signed(form)
    items = law_items(block)
    ours = catalogue.items(form)
    assert [item.number for item in ours] == list(items)
    for item in ours:
        assert (item.label, item.unit[0]) == items[item.number], item.number
    assert {s.code: s.label for s in catalogue.SECTIONS} == law_sections(block)


@pytest.mark.parametrize("form", ["03", "04"])
def test_the_wording_around_the_table_is_the_signed_one(form):
    block = signed(form)
    text = catalogue.TEXTS[form]
    assert block[0] == f"Biểu số {form}. {text.title}"
    assert f"{catalogue.SENDER}: {text.sender}" in block
    assert f"{catalogue.RECIPIENTS}: {text.recipients}" in block
    assert f"{catalogue.PERIOD}: {text.period}" in block
    assert text.deadlines in block
    start = block.index("TT")
    assert list(catalogue.COLUMNS) == block[start : start + 5]
    start = block.index("(1)")
    assert list(catalogue.COLUMN_NUMBERS) == block[start : start + 5]
    assert squeeze(text.place_date + text.signer + text.signer_hint) in squeeze("".join(block))
    if text.footnote:
        assert text.footnote in block
    assert squeeze(catalogue.BASIS) in squeeze(law_text())


def test_the_two_forms_differ_only_where_the_signed_texts_do():
    law03, law04 = law_items(signed("03")), law_items(signed("04"))
    differ = {number for number in law04 if law03[number][0] != law04[number][0]}
    assert differ == set(catalogue.FORM_03_WORDING)


@pytest.mark.parametrize("form", ["03", "04"])
def test_the_xlsx_carries_every_signed_label(registry, boss, form):
    block = signed(form)
    rows = sheet_rows(report_for(form, boss))
    by_number = {row[0]: row for row in rows if row[0]}
    for number, (label, unit) in law_items(block).items():
        assert (by_number[number][1], by_number[number][2]) == (label, unit), number
    for code, label in law_sections(block).items():
        assert by_number[code][1] == label
    assert list(catalogue.COLUMNS) in rows and list(catalogue.COLUMN_NUMBERS) in rows
    text = catalogue.TEXTS[form]
    cells = [cell for row in rows for cell in row if cell]
    assert block[0] in cells
    for line in (text.place_date, text.signer, text.signer_hint, text.deadlines):
        assert line in cells


@pytest.mark.parametrize("form", ["03", "04"])
def test_the_pdf_carries_every_signed_label(registry, boss, form):
    block = signed(form)
    report = report_for(form, boss)
    laid_out = squeeze(rendered_text(report))
    for number, (label, _unit) in law_items(block).items():
        assert squeeze(label) in laid_out, number
    text = catalogue.TEXTS[form]
    for line in (block[0], *catalogue.COLUMNS, text.signer, text.signer_hint, text.deadlines):
        assert squeeze(line) in laid_out, line
    assert squeeze(report.deadline_text) in laid_out
    assert export.pdf_bytes(report).startswith(b"%PDF")


def test_the_api_labels_are_the_signed_wording(registry, api):
    items = law_items(signed("04"))
    body = api.get("/api/reports/form-04/", {"period": "2026-H1"}).json()
    assert {row["number"]: (row["label"], row["unit"]) for row in body["indicators"]} == items
