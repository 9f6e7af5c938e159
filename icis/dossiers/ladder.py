"""The establishment ladder: the eleven steps a cluster's dossier climbs.

Each step says which kind of document proves it (the first listed is the one expected; the others
are accepted because offices use them for the same act).

The legal deadlines are not here: they are data (`ProcedureVersion` / `ProcedureDeadline`), one
version per legal text with its effective date, so an amending decree is a new version entered
without code. `Rule` is how one deadline is counted once read: a chain of legs ("15 days, then 5
working days") from an anchor (the investor's first letter, an earlier step, or the day DoIT had the
complete dossier). Under Decree 32/2024 Art 10, steps 4–8 carry no deadline; step 9's 25 days run from
the complete dossier (see docs/dossiers.md).
"""

from dataclasses import dataclass

from django.utils.translation import get_language

from icis.core import formats
from icis.documents.models import DocumentType

WORKING = "working"
CALENDAR = "calendar"

# Anchors a deadline can be counted from.
OPENED = "opened"  # the day the commune received the investor's first letter (Dossier.opened_on)
COMPLETE = "complete"  # the day DoIT received the complete dossier (Dossier.complete_on, else step 3's date)


@dataclass(frozen=True)
class Leg:
    days: int
    unit: str  # WORKING or CALENDAR


@dataclass(frozen=True)
class Rule:
    """A legal deadline: `legs` counted one after the other from `anchor`.

    `anchor` is OPENED, COMPLETE or the number of an earlier step. The texts say the rule in words,
    with `{date}` for the anchor's date and `{mid}` for the end of the first leg of a two-leg rule.
    """

    anchor: str | int
    legs: tuple[Leg, ...]
    basis: str
    text_vi: str
    text_en: str
    version: str = ""  # the code of the ProcedureVersion it comes from
    version_title: str = ""

    def text(self, **dates) -> str:
        template = self.text_vi if _vietnamese() else self.text_en
        return template.format(**{key: formats.date(value) if value else "…" for key, value in dates.items()})


@dataclass(frozen=True)
class Step:
    number: int
    title_vi: str
    title_en: str
    document_types: tuple[str, ...]
    # Who acts at this step; commune officials may record only the commune's steps.
    actor: str = "doit"

    @property
    def title(self) -> str:
        return self.title_vi if _vietnamese() else self.title_en

    @property
    def document_type(self) -> str:
        """The document type expected (others in `document_types` are accepted too)."""
        return self.document_types[0]

    @property
    def document_type_label(self) -> str:
        return str(DocumentType(self.document_type).label)

    @property
    def document_type_labels(self) -> str:
        return ", ".join(str(DocumentType(value).label) for value in self.document_types)

    @property
    def other_document_type_labels(self) -> str:
        """The other types accepted besides the expected one."""
        return ", ".join(str(DocumentType(value).label).lower() for value in self.document_types[1:])

    def __str__(self):
        return f"{self.number}. {self.title}"


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


D = DocumentType
LADDER: tuple[Step, ...] = (
    Step(
        1,
        "Có trong phương án phát triển CCN và danh mục thu hút đầu tư",
        "In the provincial cluster development plan and investment list",
        (D.DECISION, D.PLAN),
    ),
    Step(
        2,
        "UBND xã thông báo tiếp nhận hồ sơ đề nghị làm chủ đầu tư",
        "Commune's public notice inviting investor dossiers",
        (D.NOTICE,),
        actor="commune",
    ),
    Step(
        3,
        "Nhà đầu tư nộp hồ sơ; UBND xã trình Sở Công Thương",
        "Investor's report submitted; commune's submission to DoIT",
        (D.SUBMISSION, D.OFFICIAL_LETTER),
        actor="commune",
    ),
    Step(
        4,
        "Sở Công Thương lấy ý kiến các sở, ngành",
        "DoIT consults the departments",
        (D.OFFICIAL_LETTER,),
    ),
    Step(
        5,
        "Sở Công Thương đề nghị cử thành viên, đề xuất thành lập Hội đồng lựa chọn",
        "DoIT asks agencies to name council members and proposes the council",
        (D.OFFICIAL_LETTER, D.SUBMISSION),
    ),
    Step(
        6,
        "UBND tỉnh thành lập Hội đồng lựa chọn chủ đầu tư",
        "Province sets up the investor-selection council",
        (D.DECISION,),
    ),
    Step(
        7,
        "Ban hành tiêu chí chấm điểm",
        "Scoring criteria issued",
        (D.DECISION, D.OFFICIAL_LETTER),
    ),
    Step(
        8,
        "Hội đồng chấm điểm, báo cáo kết quả lựa chọn",
        "Council scores the applicants and reports the result",
        (D.REPORT,),
    ),
    Step(
        9,
        "Sở Công Thương thẩm định, báo cáo UBND tỉnh",
        "DoIT appraisal report to the province",
        (D.REPORT, D.SUBMISSION),
    ),
    Step(
        10,
        "Quyết định thành lập / mở rộng CCN",
        "Establishment (or expansion) decision",
        (D.DECISION,),
    ),
    Step(
        11,
        "Sau thành lập: quy hoạch chi tiết, đất đai, môi trường, khởi công",
        "After establishment: detailed plan, land, environment, construction start",
        (D.DECISION, D.PLAN, D.REPORT, D.OFFICIAL_LETTER),
    ),
)
del D

LAST_STEP = len(LADDER)
DECISION_STEP = 10
COMMUNE_STEPS = tuple(step.number for step in LADDER if step.actor == "commune")


def step(number: int) -> Step:
    if not 1 <= number <= LAST_STEP:
        raise ValueError(f"no step {number}: the ladder has steps 1 to {LAST_STEP}")
    return LADDER[number - 1]
