"""One error shape for every importer: where (sheet, row as Excel numbers it, column letter, header as
written) and what (a message that quotes the cell and says how to put it right).

    {"sheet": "Danh sách", "row": 7, "column": "B", "header": "Mã số thuế", "message": "..."}

Importers may add keys of their own (the environment import adds "field" for its API), never drop these.
`describe` writes one as a sentence; `Problems` collects them up to a cap.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_PROBLEMS = 10_000


def problem_at(sheet: str = "", row: int | None = None, message: str = "", column: str = "", header: str = "") -> dict:
    return {"sheet": sheet, "row": row, "column": column, "header": header, "message": str(message)}


def describe(problem: dict) -> str:
    """'Sheet 'Danh sách', row 7, column B (Mã số thuế): message' — as much of the place as is known."""
    place = {
        "sheet": problem.get("sheet") or "",
        "row": problem.get("row"),
        "column": problem.get("column") or "",
        "header": problem.get("header") or "",
        "message": problem.get("message") or "",
    }
    if place["column"]:
        return _("Sheet '%(sheet)s', row %(row)s, column %(column)s (%(header)s): %(message)s") % place
    if place["row"]:
        return _("Sheet '%(sheet)s', row %(row)s: %(message)s") % place
    if place["sheet"]:
        return _("Sheet '%(sheet)s': %(message)s") % place
    return place["message"]


@dataclass
class Outcome:
    """What a check or an import found: errors (nothing is written while there is one), warnings (notes),
    a summary and the first rows as they would go in (the preview)."""

    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)
    total_rows: int = 0
    valid_rows: int = 0

    def add(self, problem: dict, *, warning: bool = False, limit: int = MAX_PROBLEMS) -> None:
        target = self.warnings if warning else self.errors
        if len(target) < limit:
            target.append(problem)
        elif len(target) == limit:
            target.append(
                problem_at(problem.get("sheet", ""), None, _("More problems were found; correct these first."))
            )
