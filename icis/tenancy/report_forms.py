"""The figures of Circular 14's Forms 01 and 02, as data: label, unit, type and limits."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Figure:
    key: str
    number: str
    label: object
    unit: object
    kind: str = "decimal"  # decimal, int, flag
    maximum: Decimal | None = None


BN = gettext_lazy("VND bn")
M = gettext_lazy("VND m/person/month")
HA = gettext_lazy("ha")
PEOPLE = gettext_lazy("people")
PROJECTS = gettext_lazy("projects")

FORM_01 = (
    Figure("revenue_bn_vnd", "1", gettext_lazy("Revenue"), BN),
    Figure("budget_paid_bn_vnd", "2", gettext_lazy("Payments to the state budget"), BN),
    Figure("employees", "3", gettext_lazy("Employees with labour contracts"), PEOPLE, "int"),
    Figure("avg_income_m_vnd", "4", gettext_lazy("Average income"), M),
)
FORM_02 = (
    Figure("approved_investment_bn_vnd", "1", gettext_lazy("Total approved infrastructure investment"), BN),
    Figure("disbursed_bn_vnd", "2", gettext_lazy("Cumulative disbursed"), BN),
    Figure("land_ready_ha", "3", gettext_lazy("Industrial land ready to lease"), HA),
    Figure("land_leased_ha", "4", gettext_lazy("Industrial land leased"), HA),
    Figure("occupancy_percent", "5", gettext_lazy("Occupancy"), "%", maximum=Decimal("100")),
    Figure("projects_leased", "6", gettext_lazy("Tenant projects that leased land"), PROJECTS, "int"),
    Figure("projects_fdi", "7", gettext_lazy("of which FDI"), PROJECTS, "int"),
    Figure("projects_operating", "8", gettext_lazy("Tenant projects operating"), PROJECTS, "int"),
    Figure("revenue_bn_vnd", "9", gettext_lazy("Investor revenue"), BN),
    Figure("budget_paid_bn_vnd", "10", gettext_lazy("Investor payments to the state budget"), BN),
    Figure("employees", "11", gettext_lazy("Investor employees"), PEOPLE, "int"),
    Figure("avg_income_m_vnd", "12", gettext_lazy("Average income"), M),
    Figure("wwtp_built", "13", gettext_lazy("Central wastewater plant built or under construction (1/0)"), "", "flag"),
    Figure("wwtp_compliant", "14", gettext_lazy("Central wastewater plant meets the standard (1/0)"), "", "flag"),
)
FORMS = {"01": FORM_01, "02": FORM_02}


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
            value = Decimal(str(raw).replace(",", "."))
        except (InvalidOperation, ValueError):
            errors[key] = _("'%(value)s' is not a number.") % {"value": raw}
            continue
        if value < 0:
            errors[key] = _("Cannot be negative.")
        elif figure.kind in ("int", "flag") and value != value.to_integral():
            errors[key] = _("Must be a whole number.")
        elif figure.kind == "flag" and value not in (0, 1):
            errors[key] = _("Write 1 for yes or 0 for no.")
        elif figure.maximum is not None and value > figure.maximum:
            errors[key] = _("Cannot exceed %(max)s.") % {"max": figure.maximum}
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
