"""Every write to dossiers: the page, the API and commands call these alike."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from icis.clusters import services as cluster_services
from icis.clusters.choices import ESTABLISHED_STATES, ClusterStatus
from icis.clusters.models import Cluster, ClusterExpansion
from icis.core import formats, lifecycle
from icis.core.changes import unchanged
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.documents import services as document_services
from icis.documents.models import Document

from . import calendar_data, ladder, selectors
from .choices import CLOSING_OUTCOMES, DOSSIER_LIFECYCLE, DossierKind, Outcome, SelectionOutcome
from .models import Applicant, Dossier, DossierStatusChange, DossierStep, PublicHoliday, WorkingDayOverride

RECORD_ANY_STEP = "dossiers.record_any_step"


def _require(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def _check_scope(actor, cluster: Cluster) -> None:
    if actor is not None and not Cluster.objects.restrict(actor, "change").filter(pk=cluster.pk).exists():
        raise PermissionDenied(_("The cluster %(cluster)s is outside your scope.") % {"cluster": cluster.name})


def _check_not_future(day: datetime.date, field: str) -> None:
    lifecycle.check_not_future(day, field)


def _d(day: datetime.date | None) -> str:
    return formats.date(day) if day else "—"


# Opening and closing ------------------------------------------------------------------------------


@transaction.atomic
def dossier_open(
    *,
    cluster: Cluster,
    kind: str,
    opened_on: datetime.date,
    actor,
    expansion: ClusterExpansion | None = None,
    note: str = "",
) -> Dossier:
    """Open a dossier on the day the commune received an investor's first letter (Art 10.1)."""
    _require(actor, "dossiers.add_dossier", _("Your role may not open dossiers."))
    _check_scope(actor, cluster)
    if kind not in DossierKind.values:
        raise field_error("kind", _("Unknown kind '%(kind)s'.") % {"kind": kind}, "invalid")
    if kind == DossierKind.ESTABLISH:
        if expansion is not None:
            raise field_error("expansion", _("An establishment dossier names no expansion."), "invalid")
        if cluster.status not in (ClusterStatus.PLANNED, *ESTABLISHED_STATES):
            raise field_error(
                "kind",
                _(
                    "The cluster is “%(status)s”: an establishment dossier is opened for a cluster in the "
                    "development plan (planned), or to record an older one of an established cluster."
                )
                % {"status": cluster.get_status_display()},
                "cluster_not_planned",
            )
        live = (
            Dossier.objects.filter(cluster=cluster, kind=DossierKind.ESTABLISH)
            .exclude(outcome__in=CLOSING_OUTCOMES)
            .first()
        )
        if live is not None:
            raise field_error(
                "kind",
                _("This cluster already has an establishment dossier (opened %(date)s): continue that one.")
                % {"date": _d(live.opened_on)},
                "duplicate",
            )
    else:
        if expansion is None:
            raise field_error("expansion", _("Name the expansion this dossier asks for."), "required")
        if expansion.cluster_id != cluster.pk:
            raise field_error("expansion", _("That expansion belongs to another cluster."), "invalid")
        live = Dossier.objects.filter(expansion=expansion).exclude(outcome__in=CLOSING_OUTCOMES).first()
        if live is not None:
            raise field_error(
                "expansion",
                _("This expansion already has a dossier (opened %(date)s): continue that one.")
                % {"date": _d(live.opened_on)},
                "duplicate",
            )
    _check_not_future(opened_on, "opened_on")
    dossier = Dossier(cluster=cluster, kind=kind, expansion=expansion, opened_on=opened_on, note=note, opened_by=actor)
    dossier.full_clean()
    dossier._history_user = actor
    dossier.save()
    return dossier


@transaction.atomic
def dossier_update(
    *, dossier: Dossier, actor, complete_on=..., note=..., expected_version: int | None = None
) -> Dossier:
    """Change the complete-dossier date (it restarts DoIT's 25 days) or the note."""
    _require(actor, "dossiers.change_dossier", _("Your role may not change dossiers."))
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    check_version(current, expected_version)
    if complete_on is not ...:
        if complete_on is not None:
            _check_not_future(complete_on, "complete_on")
            submission = selectors.head_records(current).get(3)
            if submission is None:
                raise field_error(
                    "complete_on",
                    _("Record the commune's submission to DoIT (step 3) before the date the dossier was complete."),
                    "step_3_missing",
                )
            if complete_on < submission.date:
                raise field_error(
                    "complete_on",
                    _("The dossier cannot be complete (%(date)s) before DoIT received it at step 3 (%(step3)s).")
                    % {"date": _d(complete_on), "step3": _d(submission.date)},
                    "before_submission",
                )
        current.complete_on = complete_on
    if note is not ...:
        current.note = note
    current.full_clean()
    current.version += 1
    current._history_user = actor
    current.save()
    return current


@transaction.atomic
def dossier_close(*, dossier: Dossier, outcome: str, on: datetime.date, actor, note: str = "") -> Dossier:
    """End a dossier without a decision: refused or withdrawn. (A decision closes it at step 10.)"""
    _require(actor, "dossiers.change_dossier", _("Your role may not close dossiers."))
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if outcome not in CLOSING_OUTCOMES:
        raise field_error(
            "outcome",
            _("A dossier is closed as refused or withdrawn; the decision (step 10) closes it otherwise."),
            "invalid",
        )
    # The one lifecycle: an ended dossier is final; the date is not in the future nor before it opened.
    DOSSIER_LIFECYCLE.check_move(current.outcome, outcome)
    lifecycle.check_date(on, since=current.opened_on, field_name=DOSSIER_LIFECYCLE.date_field)
    note = (note or "").strip()
    lifecycle.transition(
        current,
        DOSSIER_LIFECYCLE,
        outcome,
        actor=actor,
        effective_on=on,
        reason=note,
        status_field="outcome",
        since_field=None,
        extra={"closed_on": on, "note": f"{current.note}\n{note}".strip() if note else current.note},
        row_model=DossierStatusChange,
        row_fields={"dossier": current},
    )
    return current


# The ladder -----------------------------------------------------------------------------------------


def _proof(record: DossierStep) -> str:
    document = record.document
    return _("%(type)s %(number)s of %(date)s (%(issuer)s)") % {
        "type": document.get_doc_type_display().lower(),
        "number": document.number,
        "date": _d(record.date),
        "issuer": document.issuer,
    }


def where_it_stands(current: int, head: DossierStep | None) -> str:
    """The current step with its proof and the next valid step with its document type, in words."""
    if current == 0:
        first = ladder.step(1)
        return _(
            "No step is recorded yet. The next valid step is %(number)s (%(title)s), proved by a document of "
            "type “%(type)s”."
        ) % {"number": 1, "title": first.title, "type": first.document_type_label}
    now = ladder.step(current)
    text = _("The current step is %(number)s (%(title)s), proved by %(proof)s.") % {
        "number": current,
        "title": now.title,
        "proof": _proof(head),
    }
    if current == ladder.LAST_STEP:
        return f"{text} {_('The ladder is complete: there is no next step.')}"
    following = ladder.step(current + 1)
    return f"{text} " + _("The next valid step is %(number)s (%(title)s), proved by a document of type “%(type)s”.") % {
        "number": following.number,
        "title": following.title,
        "type": following.document_type_label,
    }


def _check_document(dossier: Dossier, step: ladder.Step, document: Document, actor) -> None:
    if document.doc_type not in step.document_types:
        raise field_error(
            "document",
            _("Step %(step)s (%(title)s) is proved by: %(expected)s. %(number)s is of type “%(actual)s”.")
            % {
                "step": step.number,
                "title": step.title,
                "expected": step.document_type_labels,
                "number": document.number,
                "actual": document.get_doc_type_display(),
            },
            "wrong_document_type",
        )
    linked = set(document.clusters.values_list("pk", flat=True))
    visible = actor is None or Document.objects.restrict(actor).filter(pk=document.pk).exists()
    if (linked and dossier.cluster_id not in linked) or not visible:
        raise field_error(
            "document",
            _(
                "Document %(number)s belongs to other clusters. Pick a document of this cluster or a general "
                "one (linked to no cluster), or enter the document here."
            )
            % {"number": document.number},
            "document_other_cluster",
        )


def _decide(dossier: Dossier, *, document: Document, on: datetime.date, actor) -> None:
    """Step 10: the decision moves the cluster (or the expansion) to established, in this transaction."""
    reason = _("Decision %(number)s recorded at step 10 of the dossier opened %(opened)s") % {
        "number": document.number,
        "opened": _d(dossier.opened_on),
    }
    _require(
        actor,
        "clusters.transition_cluster",
        _("Recording the decision changes the cluster's status; your role may not change it."),
    )
    if dossier.kind == DossierKind.ESTABLISH:
        cluster = Cluster.objects.get(pk=dossier.cluster_id)
        if cluster.status == ClusterStatus.PLANNED:
            cluster = cluster_services.cluster_transition(
                cluster=cluster,
                to_status=ClusterStatus.ESTABLISHED,
                effective_on=on,
                reason=reason,
                document=document,
                actor=actor,
            )
        elif cluster.status not in ESTABLISHED_STATES:
            raise field_error(
                "step",
                _("The cluster is “%(status)s”: only a planned cluster can be established by this decision.")
                % {"status": cluster.get_status_display()},
                "cluster_not_planned",
            )
        if cluster.establishment_decision_id is None:
            cluster_services.cluster_update(cluster=cluster, data={"establishment_decision": document}, actor=actor)
        dossier.outcome = Outcome.ESTABLISHED
    else:
        expansion = ClusterExpansion.objects.get(pk=dossier.expansion_id)
        if expansion.status == ClusterStatus.PLANNED:
            cluster_services.expansion_transition(
                expansion=expansion,
                to_status=ClusterStatus.ESTABLISHED,
                effective_on=on,
                reason=reason,
                document=document,
                actor=actor,
            )
        elif expansion.status not in ESTABLISHED_STATES:
            raise field_error(
                "step",
                _("The expansion is “%(status)s”: only a planned expansion can be decided.")
                % {"status": expansion.get_status_display()},
                "expansion_not_planned",
            )
        dossier.outcome = Outcome.EXPANDED
    dossier.closed_on = on
    # The decision ends the dossier: the move is checked by the one lifecycle and leaves its typed row.
    DOSSIER_LIFECYCLE.check_move(Outcome.OPEN, dossier.outcome, field_name="step")
    lifecycle.record(
        DossierStatusChange,
        {"dossier": dossier},
        from_status=Outcome.OPEN,
        to_status=dossier.outcome,
        actor=actor,
        effective_on=on,
        reason=reason,
        document=document,
    )


NEW_DOCUMENT_FIELDS = ("doc_type", "number", "issued_on", "issuer")


@transaction.atomic
def dossier_step_record(
    *,
    dossier: Dossier,
    step: int,
    actor,
    document: Document | None = None,
    new_document: dict | None = None,
    on: datetime.date | None = None,
    amends: DossierStep | None = None,
    skip_reason: str = "",
    note: str = "",
) -> DossierStep:
    """Record that the dossier reached `step`, proved by `document` (or a document entered now).

    The normal path is the step after the current one (the highest recorded). A step at or behind
    the current one is refused unless it amends that step's latest record; a jump over steps needs
    `skip_reason`. Step 10 moves the cluster or the expansion to established.
    """
    if not 1 <= step <= ladder.LAST_STEP:
        raise field_error("step", _("The ladder has steps 1 to %(last)s.") % {"last": ladder.LAST_STEP}, "invalid")
    rung = ladder.step(step)
    _require(actor, "dossiers.add_dossierstep", _("Your role may not record dossier steps."))
    if actor is not None and not actor.has_perm(RECORD_ANY_STEP) and step not in ladder.COMMUNE_STEPS:
        raise PermissionDenied(
            _(
                "Your role records only the commune's steps (%(steps)s: the public notice and the submission to "
                "DoIT). Step %(step)s (%(title)s) is recorded by the Department of Industry and Trade."
            )
            % {"steps": ", ".join(str(n) for n in ladder.COMMUNE_STEPS), "step": step, "title": rung.title}
        )
    current_dossier = Dossier.objects.select_for_update().select_related("cluster").get(pk=dossier.pk)
    _check_scope(actor, current_dossier.cluster)
    if current_dossier.outcome in CLOSING_OUTCOMES:
        raise field_error(
            "step",
            _("The dossier was closed on %(date)s (%(outcome)s): nothing more is recorded on it.")
            % {"date": _d(current_dossier.closed_on), "outcome": current_dossier.get_outcome_display()},
            "closed",
        )

    heads = selectors.head_records(current_dossier)
    current = max(heads, default=0)
    if amends is not None:
        if amends.dossier_id != current_dossier.pk:
            raise field_error("amends", _("That record belongs to another dossier."), "invalid")
        if amends.step != step:
            raise field_error(
                "amends",
                _("The record you amend is step %(its)s; an amendment must be of the same step (%(step)s).")
                % {"its": amends.step, "step": step},
                "other_step",
            )
        if heads.get(step) is not None and heads[step].pk != amends.pk:
            raise field_error(
                "amends",
                _("That record was already amended; amend its latest version (%(proof)s).")
                % {"proof": _proof(heads[step])},
                "already_amended",
            )
    elif step <= current:
        raise field_error(
            "step",
            _("Step %(step)s (%(title)s) is at or behind the current step.") % {"step": step, "title": rung.title}
            + " "
            + where_it_stands(current, heads.get(current))
            + " "
            + _("To correct or replace an earlier step, record it as an amendment naming the record it amends."),
            "step_behind",
        )
    elif step > current + 1 and not (skip_reason or "").strip():
        skipped = ", ".join(str(n) for n in range(current + 1, step))
        raise field_error(
            "skip_reason",
            _(
                "Step %(step)s jumps over step(s) %(skipped)s: say why they are skipped (e.g. an older dossier not "
                "digitised)."
            )
            % {"step": step, "skipped": skipped}
            + " "
            + where_it_stands(current, heads.get(current)),
            "skip_needs_reason",
        )

    if document is None and new_document is None:
        raise field_error("document", _("Each step is reached by recording its document: give one."), "required")
    created_here = False
    if document is None:
        _require(actor, "documents.add_document", _("Your role may not enter documents."))
        data = {key: new_document.get(key) for key in NEW_DOCUMENT_FIELDS}
        if data["issued_on"]:
            data["year"] = data["issued_on"].year
        document = document_services.document_create(data=data, actor=actor)
        created_here = True
    _check_document(current_dossier, rung, document, actor)
    on = on or document.issued_on
    if on is None:
        raise field_error("date", _("The document has no date issued: give the date the step was reached."), "required")
    _check_not_future(on, "date")
    if amends is None and current and step > 1 and on < heads[current].date:
        raise field_error(
            "date",
            _("The date %(date)s is before the current step %(current)s (%(previous)s): steps are recorded in order.")
            % {"date": _d(on), "current": current, "previous": _d(heads[current].date)},
            "date_before_previous",
        )
    if created_here:
        document.clusters.add(current_dossier.cluster)

    record = DossierStep(
        dossier=current_dossier,
        step=step,
        document=document,
        date=on,
        amends=amends,
        skip_reason=(skip_reason or "").strip() if amends is None and step > current + 1 else "",
        note=note,
        actor=actor,
    )
    record.full_clean(validate_constraints=False)
    record._history_user = actor
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise field_error(
            "step",
            _("Step %(step)s was recorded by someone else a moment ago: reload the dossier.") % {"step": step},
            "conflict",
        ) from None
    if step == ladder.DECISION_STEP and amends is None:
        _decide(current_dossier, document=document, on=on, actor=actor)
    current_dossier.version += 1
    current_dossier._history_user = actor
    current_dossier.save()
    return record


# Investor selection --------------------------------------------------------------------------------


def _apply_scores(applicant: Applicant, scores: dict) -> None:
    for field in Applicant.SCORE_FIELDS:
        key = f"{field}_score"
        if key in scores:
            value = scores[key]
            setattr(applicant, key, None if value in (None, "") else Decimal(str(value)))


@transaction.atomic
def applicant_add(*, dossier: Dossier, organisation, actor, scores: dict | None = None, note: str = "") -> Applicant:
    """An organisation asking to be the investor, with the council's scores when it has scored."""
    _require(actor, "dossiers.add_applicant", _("Your role may not record applicants."))
    _check_scope(actor, dossier.cluster)
    scheme = selectors.scheme_in_force(dossier.opened_on)
    if scheme is None:
        raise field_error(
            "organisation",
            _("No scoring scheme is in force on %(date)s (the dossier's opening): add one in the administration.")
            % {"date": _d(dossier.opened_on)},
            "no_scheme",
        )
    if Applicant.objects.filter(dossier=dossier, organisation=organisation).exists():
        raise field_error(
            "organisation",
            _("%(name)s is already an applicant in this dossier.") % {"name": organisation.name},
            "duplicate",
        )
    applicant = Applicant(dossier=dossier, organisation=organisation, scheme=scheme, note=note)
    for field in Applicant.SCORE_FIELDS:
        setattr(applicant, f"{field}_max", getattr(scheme, f"{field}_max"))
    _apply_scores(applicant, scores or {})
    applicant.full_clean()
    applicant._history_user = actor
    applicant.save()
    return applicant


@transaction.atomic
def applicant_score(
    *, applicant: Applicant, scores: dict, actor, note: str | None = None, expected_version: int | None = None
) -> Applicant:
    _require(actor, "dossiers.change_applicant", _("Your role may not record scores."))
    current = Applicant.objects.select_for_update().select_related("dossier__cluster").get(pk=applicant.pk)
    _check_scope(actor, current.dossier.cluster)
    check_version(current, expected_version)
    _apply_scores(current, scores)
    if note is not None:
        current.note = note
    current.full_clean()
    if unchanged(current):
        return current
    current.version += 1
    current._history_user = actor
    current.save()
    return current


@transaction.atomic
def dossier_chair_decide(
    *, dossier: Dossier, applicant: Applicant, note: str, actor, document: Document | None = None
) -> Dossier:
    """The council chair's choice between applicants tied at the highest qualifying total."""
    _require(actor, "dossiers.change_dossier", _("Your role may not record the chair's decision."))
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_scope(actor, current.cluster)
    result = selectors.selection_result(current, ignore_chair=True)
    if result["outcome"] != SelectionOutcome.TIE:
        raise field_error(
            "applicant",
            _("There is no tie to decide: %(result)s") % {"result": result["message"]},
            "no_tie",
        )
    if applicant.pk not in {a.pk for a in result["tied"]}:
        raise field_error(
            "applicant",
            _("%(name)s is not among the tied applicants (%(tied)s).")
            % {"name": applicant.organisation.name, "tied": ", ".join(a.organisation.name for a in result["tied"])},
            "not_tied",
        )
    if not (note or "").strip():
        raise field_error("note", _("Say what the chair decided and why (or cite the minutes)."), "required")
    current.chair_choice = applicant
    current.chair_note = note.strip()
    current.chair_document = document
    current.version += 1
    current._history_user = actor
    current.save()
    return current


# The calendar --------------------------------------------------------------------------------------


def holidays_load(*, payload: dict | None = None, dry_run: bool = False) -> dict:
    """Load the shipped holiday file (or `payload`); idempotent, never un-confirms a confirmed day."""
    with transaction.atomic():
        return calendar_data.load(
            payload or calendar_data.read(),
            holiday_model=PublicHoliday,
            override_model=WorkingDayOverride,
            dry_run=dry_run,
        )
