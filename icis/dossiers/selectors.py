"""Reads of dossiers: where each stands on the ladder, its deadlines, and the investor selection."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ladder
from .calendar import WorkingCalendar
from .choices import CLOSING_OUTCOMES, STEP_STATE_COLOURS, SelectionOutcome, StepState
from .models import Anchor, Applicant, Dossier, DossierStep, ProcedureVersion, ScoringScheme


def dossier_list() -> QuerySet[Dossier]:
    """What every list of dossiers starts from: no query per row for the ladder state."""
    return Dossier.objects.select_related("cluster", "expansion").prefetch_related(
        Prefetch("steps", queryset=DossierStep.objects.select_related("document").order_by("step", "id"))
    )


def dossier_detail() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "cluster", "expansion", "chair_choice__organisation", "chair_document", "opened_by"
    ).prefetch_related(
        Prefetch(
            "steps", queryset=DossierStep.objects.select_related("document", "actor", "amends").order_by("step", "id")
        ),
        Prefetch("applicants", queryset=Applicant.objects.select_related("organisation", "scheme")),
    )


def _records(dossier: Dossier) -> list[DossierStep]:
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    if "steps" in cache:
        return list(dossier.steps.all())
    return list(DossierStep.objects.filter(dossier=dossier).select_related("document").order_by("step", "id"))


def head_records(dossier: Dossier, records: list[DossierStep] | None = None) -> dict[int, DossierStep]:
    """The latest word on each recorded step: the record no amendment has replaced."""
    records = _records(dossier) if records is None else records
    amended = {record.amends_id for record in records if record.amends_id}
    return {record.step: record for record in records if record.pk not in amended}


@dataclass
class Rung:
    """One step of one dossier's ladder, as the page and the API show it."""

    step: ladder.Step
    state: str
    rule: ladder.Rule | None = None
    head: DossierStep | None = None
    records: list[DossierStep] = field(default_factory=list)
    anchor_date: datetime.date | None = None
    due: datetime.date | None = None
    rule_text: str = ""
    late_days: int = 0
    overdue_days: int = 0
    skip_reason: str = ""
    caveats: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.step.number

    @property
    def amendments(self) -> list[DossierStep]:
        return [record for record in self.records if record.amends_id]

    @property
    def state_label(self) -> str:
        return str(StepState(self.state).label)

    @property
    def colour(self) -> str:
        return STEP_STATE_COLOURS[self.state]


@dataclass
class LadderState:
    dossier: Dossier
    rungs: list[Rung]
    current_step: int
    today: datetime.date
    procedure: ProcedureVersion | None = None

    @property
    def current(self) -> Rung | None:
        return self.rungs[self.current_step - 1] if self.current_step else None

    @property
    def current_record(self) -> DossierStep | None:
        return self.current.head if self.current else None

    @property
    def next(self) -> Rung | None:
        if self.current_step >= ladder.LAST_STEP or self.dossier.outcome in ("refused", "withdrawn"):
            return None
        return self.rungs[self.current_step]

    @property
    def overdue(self) -> list[Rung]:
        return [rung for rung in self.rungs if rung.state == StepState.OVERDUE]

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue)


# Procedure deadlines, as versioned data -------------------------------------------------------------


def procedure_versions() -> list[ProcedureVersion]:
    """Every version with its deadlines: two queries, however many dossiers are then placed."""
    return list(ProcedureVersion.objects.prefetch_related("deadlines").order_by("-effective_from"))


def procedure_on(day: datetime.date, versions: list[ProcedureVersion] | None = None) -> ProcedureVersion | None:
    """The version in force on `day`: the latest that took effect on or before it and had not ended."""
    for version in procedure_versions() if versions is None else versions:
        if version.effective_from <= day and (version.effective_to is None or version.effective_to >= day):
            return version
    return None


def procedure_rules(version: ProcedureVersion | None) -> dict[int, ladder.Rule]:
    """The version's deadlines by step, ready to count."""
    if version is None:
        return {}
    rules = {}
    for row in version.deadlines.all():
        rules[row.step] = ladder.Rule(
            anchor=row.anchor_step if row.anchor == Anchor.STEP else row.anchor,
            legs=tuple(ladder.Leg(leg["days"], leg["unit"]) for leg in row.legs),
            basis=row.basis,
            text_vi=row.text_vi,
            text_en=row.text_en,
            version=version.code,
            version_title=version.title,
        )
    return rules


def _anchor(rule: ladder.Rule, dossier: Dossier, heads: dict[int, DossierStep]) -> datetime.date | None:
    if rule.anchor == ladder.OPENED:
        return dossier.opened_on
    if rule.anchor == ladder.COMPLETE:
        if dossier.complete_on:
            return dossier.complete_on
        submission = heads.get(3)
        return submission.date if submission else None
    record = heads.get(rule.anchor)
    return record.date if record else None


def deadline(rule: ladder.Rule, start: datetime.date, calendar: WorkingCalendar) -> tuple[datetime.date, list]:
    """The due date of `rule` counted from `start`, and the end of each leg on the way."""
    day, ends = start, []
    for leg in rule.legs:
        if leg.unit == ladder.WORKING:
            day = calendar.add_working_days(day, leg.days)
        else:
            day = calendar.add_calendar_days(day, leg.days)
        ends.append(day)
    return day, ends


def dossier_state(
    dossier: Dossier,
    *,
    today: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
    versions: list[ProcedureVersion] | None = None,
) -> LadderState:
    """Every step of the ladder: done, skipped, overdue, due or pending, with its legal due date under
    the procedure version in force on the day the dossier was opened."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingCalendar.from_db()
    procedure = procedure_on(dossier.opened_on, versions)
    rules = procedure_rules(procedure)
    records = _records(dossier)
    heads = head_records(dossier, records)
    by_step: dict[int, list[DossierStep]] = defaultdict(list)
    for record in records:
        by_step[record.step].append(record)
    current = max(heads, default=0)
    skipped_because: dict[int, str] = {}
    previous = 0
    for number in sorted(heads):
        original = by_step[number][0]
        for gap in range(previous + 1, number):
            skipped_because[gap] = original.skip_reason
        previous = number

    rungs = []
    for step in ladder.LADDER:
        head = heads.get(step.number)
        rule = rules.get(step.number)
        rung = Rung(step=step, state=StepState.PENDING, rule=rule, head=head, records=by_step.get(step.number, []))
        if rule is not None:
            rung.anchor_date = _anchor(rule, dossier, heads)
            if rung.anchor_date is not None:
                rung.due, ends = deadline(rule, rung.anchor_date, calendar)
                rung.rule_text = rule.text(date=rung.anchor_date, mid=ends[0] if len(ends) > 1 else None)
                rung.caveats = calendar.caveats(rung.anchor_date, rung.due)
            else:
                rung.rule_text = rule.text(date=None, mid=None)
        if head is not None:
            rung.state = StepState.DONE
            if rung.due and head.date > rung.due:
                rung.late_days = (head.date - rung.due).days
        elif step.number < current:
            rung.state = StepState.SKIPPED
            rung.skip_reason = skipped_because.get(step.number, "")
        elif dossier.is_open and rung.due is not None:
            if today > rung.due:
                rung.state = StepState.OVERDUE
                rung.overdue_days = (today - rung.due).days
            else:
                rung.state = StepState.DUE
        rungs.append(rung)
    return LadderState(dossier=dossier, rungs=rungs, current_step=current, today=today, procedure=procedure)


def with_states(dossiers, *, today=None, calendar: WorkingCalendar | None = None) -> list[Dossier]:
    """The dossiers with `.state` set, sharing one calendar and the procedure versions (four queries
    for the whole list)."""
    calendar = calendar or WorkingCalendar.from_db()
    versions = procedure_versions()
    rows = list(dossiers)
    for dossier in rows:
        dossier.state = dossier_state(dossier, today=today, calendar=calendar, versions=versions)
    return rows


def overdue_ids(dossiers: QuerySet[Dossier], *, today=None) -> list[int]:
    open_ones = dossier_list().filter(pk__in=dossiers.filter(outcome="").values("pk"))
    return [dossier.pk for dossier in with_states(open_ones, today=today) if dossier.state.is_overdue]


# Investor selection --------------------------------------------------------------------------------


def live_dossier(cluster, kind: str) -> Dossier | None:
    """The cluster's latest dossier of `kind` that was not refused or withdrawn, with its applicants."""
    return (
        Dossier.objects.filter(cluster=cluster, kind=kind)
        .exclude(outcome__in=CLOSING_OUTCOMES)
        .prefetch_related(Prefetch("applicants", queryset=Applicant.objects.select_related("organisation", "scheme")))
        .order_by("-opened_on", "-id")
        .first()
    )


def scheme_in_force(day: datetime.date) -> ScoringScheme | None:
    return (
        ScoringScheme.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .order_by("-effective_from")
        .first()
    )


def _names(applicants) -> str:
    return ", ".join(a.organisation.name for a in applicants)


def selection_result(dossier: Dossier, *, ignore_chair: bool = False) -> dict:
    """Who the council's scores select (Decree 32 Art 13.2): the highest qualifying total; a tie at
    the top goes to the council chair; nobody when no one reaches the qualifying total."""
    applicants = list(dossier.applicants.all())
    for applicant in applicants:
        applicant.rank = None
    scored = sorted((a for a in applicants if a.is_scored), key=lambda a: (-a.total, a.organisation.name.casefold()))
    for applicant in scored:
        applicant.rank = 1 + sum(1 for other in scored if other.total > applicant.total)
    unscored = [a for a in applicants if not a.is_scored]
    pass_mark = applicants[0].scheme.pass_mark if applicants else None
    result = {
        "outcome": None,
        "winner": None,
        "tied": [],
        "ranking": scored,
        "unscored": unscored,
        "applicants": scored + unscored,
        "pass_mark": pass_mark,
        "decided_by_chair": False,
        "message": "",
    }
    if not applicants:
        result.update(outcome=SelectionOutcome.NO_APPLICANTS, message=_("No applicant is recorded yet."))
        return result
    if unscored:
        result.update(
            outcome=SelectionOutcome.INCOMPLETE,
            message=_("Not yet scored: %(names)s. The result needs every applicant's four scores.")
            % {"names": _names(unscored)},
        )
        return result
    qualified = [a for a in scored if a.qualifies]
    if not qualified:
        best = scored[0].total
        result.update(
            outcome=SelectionOutcome.NO_QUALIFIED,
            message=_("Nobody reaches %(pass)s points (highest: %(best)s).")
            % {"pass": _points(pass_mark), "best": _points(best)},
        )
        return result
    top = qualified[0].total
    tied = [a for a in qualified if a.total == top]
    if len(tied) == 1:
        result.update(
            outcome=SelectionOutcome.WINNER,
            winner=tied[0],
            message=_("%(name)s is selected with %(total)s points (qualifying: %(pass)s).")
            % {"name": tied[0].organisation.name, "total": _points(top), "pass": _points(pass_mark)},
        )
        return result
    result["tied"] = tied
    chosen = next((a for a in tied if a.pk == dossier.chair_choice_id), None)
    if chosen is not None and not ignore_chair:
        result.update(
            outcome=SelectionOutcome.WINNER,
            winner=chosen,
            decided_by_chair=True,
            message=_("%(name)s is selected by the council chair's decision among %(tied)s, tied at %(total)s points.")
            % {"name": chosen.organisation.name, "tied": _names(tied), "total": _points(top)},
        )
        return result
    result.update(
        outcome=SelectionOutcome.TIE,
        message=_("Tie at %(total)s points between %(tied)s: needs the council chair's decision.")
        % {"total": _points(top), "tied": _names(tied)},
    )
    return result


def _points(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}"
