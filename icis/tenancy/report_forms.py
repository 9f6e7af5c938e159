"""Circular 14's Forms 01 and 02 (Appendix I, Biểu số 01 and 02) as data: the form's wording, and
each figure's signed label, unit, type and limits.

The Vietnamese strings are the signed text, word for word (`../shared/law/TT-14-2024-...txt`); a test
compares them with it. The English beside each is a gloss for the English UI, never printed alone.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from icis.core import formats


def _with_gloss(vietnamese: str, english) -> str:
    """The signed Vietnamese wording, with the English gloss beside it when the UI is English."""
    if english and (get_language() or "").startswith("en"):
        return f"{vietnamese} ({english})"
    return vietnamese


@dataclass(frozen=True)
class Figure:
    key: str
    number: str
    label_vi: str  # the signed wording
    unit_vi: str  # the signed unit ("" for none)
    label_en: object = ""
    kind: str = "decimal"  # decimal, int, flag
    maximum: Decimal | None = None

    @property
    def label(self) -> str:
        return _with_gloss(self.label_vi, self.label_en)

    @property
    def unit(self) -> str:
        return self.unit_vi


@dataclass(frozen=True)
class FormText:
    """The wording around a form's table, as Appendix I prints it."""

    code: str
    title: str
    sender: str
    recipients: str
    period: str
    deadlines: str
    signer: str
    signer_hint: str
    place_date: str = "…, ngày … tháng … năm …"
    footnote: str = ""


BN = "Tỷ đồng"
M = "Triệu đồng/người/tháng"
HA = "ha"
PEOPLE = "Người"
PROJECTS = "Dự án"
WORKS = "Công trình"
COLUMNS = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Ghi chú")
COLUMN_NUMBERS = ("(1)", "(2)", "(3)", "(4)", "(5)")
SIGNER = "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT CỦA ĐƠN VỊ BÁO CÁO"
SIGNER_HINT = "(Chữ ký, họ và tên, chức danh, dấu)"

TEXT_01 = FormText(
    code="01",
    title="Tình hình hoạt động của dự án đầu tư trong cụm công nghiệp",
    sender="Tổ chức, cá nhân đầu tư sản xuất kinh doanh trong cụm công nghiệp",
    recipients="Cơ quan thống kê cấp huyện, Ủy ban nhân dân cấp huyện",
    period="6 tháng/năm",
    deadlines="(Thời hạn gửi báo cáo: Báo cáo 6 tháng gửi trước ngày 20 tháng 6 hằng năm; "
    "Báo cáo năm gửi trước ngày 20 tháng 12 hằng năm)",
    signer=SIGNER,
    signer_hint=SIGNER_HINT,
)
TEXT_02 = FormText(
    code="02",
    title="Tình hình hoạt động của dự án đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp",
    sender="Chủ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp",
    recipients="Cơ quan thống kê cấp huyện, Ủy ban nhân dân cấp huyện, Sở Công Thương",
    period="6 tháng/năm",
    deadlines=TEXT_01.deadlines,
    signer=SIGNER,
    signer_hint=SIGNER_HINT,
)
TEXTS = {"01": TEXT_01, "02": TEXT_02}

FORM_01 = (
    Figure("revenue_bn_vnd", "1", "Doanh thu của dự án trong kỳ báo cáo", BN, gettext_lazy("Revenue")),
    Figure(
        "budget_paid_bn_vnd",
        "2",
        "Số nộp ngân sách nhà nước của dự án trong kỳ báo cáo",
        BN,
        gettext_lazy("Payments to the state budget"),
    ),
    Figure(
        "employees",
        "3",
        "Tổng số lao động (có hợp đồng lao động) làm việc tại dự án trong kỳ báo cáo",
        PEOPLE,
        gettext_lazy("Employees with labour contracts"),
        "int",
    ),
    Figure(
        "avg_income_m_vnd",
        "4",
        "Thu nhập bình quân người lao động của dự án trong kỳ báo cáo",
        M,
        gettext_lazy("Average income"),
    ),
)
FORM_02 = (
    Figure(
        "approved_investment_bn_vnd",
        "1",
        "Tổng mức đầu tư xây dựng hạ tầng kỹ thuật theo dự án đã được duyệt",
        BN,
        gettext_lazy("Total approved infrastructure investment"),
    ),
    Figure(
        "disbursed_bn_vnd",
        "2",
        "Tổng vốn đã đầu tư xây dựng hạ tầng kỹ thuật (tổng vốn lũy kế đã thanh toán)",
        BN,
        gettext_lazy("Cumulative disbursed"),
    ),
    Figure(
        "land_ready_ha",
        "3",
        "Diện tích đất công nghiệp của dự án đã xây dựng hạ tầng kỹ thuật (đủ điều kiện cho thuê)",
        HA,
        gettext_lazy("Industrial land ready to lease"),
    ),
    Figure(
        "land_leased_ha",
        "4",
        "Diện tích đất công nghiệp của dự án đã cho thuê",
        HA,
        gettext_lazy("Industrial land leased"),
    ),
    Figure(
        "occupancy_percent",
        "5",
        "Tỉ lệ lấp đầy của cụm công nghiệp",
        "%",
        gettext_lazy("Occupancy"),
        maximum=Decimal("100"),
    ),
    Figure(
        "projects_leased",
        "6",
        "Tổng số dự án đầu tư sản xuất kinh doanh đã thuê đất trong cụm công nghiệp",
        PROJECTS,
        gettext_lazy("Tenant projects that leased land"),
        "int",
    ),
    Figure(
        "projects_fdi",
        "7",
        "Số dự án đầu tư sản xuất kinh doanh có vốn đầu tư nước ngoài",
        PROJECTS,
        gettext_lazy("of which FDI"),
        "int",
    ),
    Figure(
        "projects_operating",
        "8",
        "Số dự án đầu tư sản xuất kinh doanh đang hoạt động trong cụm công nghiệp",
        PROJECTS,
        gettext_lazy("Tenant projects operating"),
        "int",
    ),
    Figure(
        "revenue_bn_vnd",
        "9",
        "Doanh thu của dự án đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp trong kỳ báo cáo",
        BN,
        gettext_lazy("Investor revenue"),
    ),
    Figure(
        "budget_paid_bn_vnd",
        "10",
        "Số nộp Ngân sách nhà nước của dự án đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp trong kỳ báo cáo",
        BN,
        gettext_lazy("Investor payments to the state budget"),
    ),
    Figure(
        "employees",
        "11",
        "Tổng số lao động (có hợp đồng lao động) làm việc tại dự án đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp",
        PEOPLE,
        gettext_lazy("Investor employees"),
        "int",
    ),
    Figure(
        "avg_income_m_vnd",
        "12",
        "Thu nhập bình quân người lao động của dự án đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp trong kỳ báo cáo",
        M,
        gettext_lazy("Average income"),
    ),
    Figure(
        "wwtp_built",
        "13",
        "Cụm công nghiệp đã hoặc đang đầu tư hệ thống xử lý nước thải tập trung (đã hoặc đang đầu tư ghi 1, "
        "chưa đầu tư ghi 0)",
        WORKS,
        gettext_lazy("Central wastewater plant built or under construction (1/0)"),
        "flag",
    ),
    Figure(
        "wwtp_compliant",
        "14",
        "Cụm công nghiệp có hệ thống xử lý nước thải tập trung đạt tiêu chuẩn môi trường (có ghi 1, không ghi 0)",
        WORKS,
        gettext_lazy("Central wastewater plant meets the standard (1/0)"),
        "flag",
    ),
)
FORMS = {"01": FORM_01, "02": FORM_02}
# No figure of either form comes near this (a trillion billion VND, a trillion people); above it a figure is a
# typing slip, a float would lose its digits, and Form 01's kept columns (`Submission.keep_figures`,
# numeric(30,10)) could not hold it.
CEILING = Decimal("1e12")


def clean_figures(form: str, data) -> tuple[dict, dict]:
    """(clean values, errors by key). Unknown keys, wrong types and out-of-range values are errors."""
    figures = {f.key: f for f in FORMS[form]}
    if not isinstance(data, dict):
        return {}, {"data": _('Give the figures as an object, e.g. {"revenue_bn_vnd": 12.5}.')}
    clean, errors = {}, {}
    for key in data:
        if key not in figures:
            errors[key] = _("Unknown figure '%(key)s' for form %(form)s. Known: %(known)s.") % {
                "key": key,
                "form": form,
                "known": ", ".join(figures),
            }
    for key, figure in figures.items():
        raw = data.get(key)
        if raw is None or raw == "":
            continue
        try:
            value = formats.parse_decimal(raw)  # 37,78 / 1.234,5 / 1,234.5 (icis/core/formats.py)
        except formats.NotANumber:
            errors[key] = _("'%(value)s' is not a number.") % {"value": raw}
            continue
        if value < 0:
            errors[key] = _("Cannot be negative.")
        elif figure.kind in ("int", "flag") and value != value.to_integral():
            errors[key] = _("Must be a whole number.")
        elif figure.kind == "flag" and value not in (0, 1):
            errors[key] = _("Write 1 for yes or 0 for no.")
        elif value > (limit := figure.maximum if figure.maximum is not None else CEILING):
            errors[key] = _("Cannot exceed %(max)s.") % {"max": formats.number(limit)}
        else:
            clean[key] = int(value) if figure.kind in ("int", "flag") else float(value)
    if form == "02" and not errors:
        if clean.get("projects_fdi", 0) > clean.get("projects_leased", clean.get("projects_fdi", 0)):
            errors["projects_fdi"] = _("FDI projects (item 7) cannot exceed the projects that leased land (item 6).")
        if clean.get("wwtp_compliant") == 1 and clean.get("wwtp_built") == 0:
            errors["wwtp_compliant"] = _("A plant cannot meet the standard (item 14) if none is built (item 13).")
    return clean, errors


def missing(form: str, clean: dict) -> list[str]:
    return [f.key for f in FORMS[form] if f.key not in clean]
