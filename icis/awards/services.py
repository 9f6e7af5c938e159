"""Every write to commendation: the pages, the API and commands call these alike.

`nomination_create` registers an achievement (or names one already registered) and nominates it for a
form or title; `nomination_transition` is the one way a nomination's status changes. An achievement is
awarded once: the second award is refused naming the first (and the database refuses it too).
"""

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.core import formats, lifecycle
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.core.scoping import may_see_province
from icis.documents.models import Document

from .choices import DECIDING, NOMINATION_LIFECYCLE, NominationStatus, RecipientKind
from .models import Achievement, AwardTitle, Nomination, NominationStatusChange

ACHIEVEMENT_FIELDS = (
    "province",
    "recipient_kind",
    "organisation",
    "unit",
    "person_name",
    "position",
    "description",
    "period_start",
    "period_end",
)


def _require(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def _first_award_text(first: Nomination) -> str:
    decision = first.decision
    return _("“%(title)s” for %(year)s, decision %(decision)s of %(date)s") % {
        "title": first.title.name,
        "year": first.year,
        "decision": decision.number if decision else "—",
        "date": formats.date(first.awarded_on) if first.awarded_on else "—",
    }


def check_not_awarded(achievement: Achievement, *, field_name: str = "achievement", exclude_pk=None) -> None:
    """One award per achievement: refuse a second one, naming the first."""
    first = (
        Nomination.objects.filter(achievement=achievement, status=NominationStatus.AWARDED)
        .exclude(pk=exclude_pk)
        .select_related("title", "decision")
        .first()
    )
    if first is not None:
        raise field_error(
            field_name,
            _("This achievement was already awarded (%(first)s); one award per achievement.")
            % {"first": _first_award_text(first)},
            "already_awarded",
        )


def _check_achievement(data: Mapping, clusters, evidence, actor) -> None:
    province = data.get("province")
    if province is None:
        raise field_error("province", _("Name the province."), "required")
    if actor is not None and not may_see_province(actor, province.code):
        raise field_error("province", _("The province %(name)s is outside your scope.") % {"name": province}, "scope")
    kind = data.get("recipient_kind")
    if kind not in RecipientKind.values:
        raise field_error("recipient_kind", _("Say whether a collective or an individual is nominated."), "invalid")
    if kind == RecipientKind.INDIVIDUAL and not (data.get("person_name") or "").strip():
        raise field_error("person_name", _("Give the individual's full name."), "required")
    if not (data.get("unit") or "").strip():
        raise field_error("unit", _("Name the collective, or the individual's unit."), "required")
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        raise field_error("period_end", _("The period ends before it starts."), "invalid")
    lifecycle.check_not_future(start, "period_start")
    for cluster in clusters:
        if cluster.province_id != province.code:
            raise field_error(
                "clusters",
                _("The cluster %(cluster)s is not in %(province)s.") % {"cluster": cluster.name, "province": province},
                "other_province",
            )
    if actor is not None:
        reached = set(
            Cluster.objects.restrict(actor, "view").filter(pk__in=[c.pk for c in clusters]).values_list("pk", flat=True)
        )
        for cluster in clusters:
            if cluster.pk not in reached:
                raise field_error(
                    "clusters", _("The cluster %(cluster)s is outside your scope.") % {"cluster": cluster.name}, "scope"
                )
        _check_documents(evidence, actor, "evidence")


def _check_documents(documents, actor, field_name: str) -> None:
    if actor is None:
        return
    ids = [d.pk for d in documents if d is not None]
    seen = set(Document.objects.restrict(actor, "link").filter(pk__in=ids).values_list("pk", flat=True))
    for document in documents:
        if document is not None and document.pk not in seen:
            raise field_error(
                field_name, _("The document %(id)s is outside your scope.") % {"id": document.pk}, "scope"
            )


def _check_title(title: AwardTitle, kind: str) -> None:
    if not title.active:
        raise field_error("title", _("“%(title)s” is no longer in use.") % {"title": title.name}, "inactive")
    if not title.is_for(kind):
        raise field_error(
            "title",
            _("“%(title)s” is given to %(whom)s, not to this %(kind)s.")
            % {
                "title": title.name,
                "whom": title.get_recipients_display().lower(),
                "kind": RecipientKind(kind).label.lower(),
            },
            "wrong_recipient",
        )


def _check_year(year, achievement: Achievement) -> None:
    """The emulation year: within the achievement's period, or the year after it (when it is reviewed)."""
    if year is None or year < achievement.period_start.year or year > achievement.period_end.year + 1:
        raise field_error(
            "year",
            _("The emulation year must fall in the achievement's period (%(period)s) or follow it.")
            % {"period": achievement.period},
            "invalid",
        )


@transaction.atomic
def nomination_create(
    *,
    title: AwardTitle,
    year: int,
    actor,
    achievement: Achievement | None = None,
    achievement_data: Mapping | None = None,
    clusters=(),
    evidence=(),
    notes: str = "",
) -> Nomination:
    """Nominate an achievement for a form or title. Either name an `achievement` already registered (a
    new nomination of the same achievement: refused once it is awarded), or give `achievement_data`
    (with `clusters` and `evidence`) to register it."""
    _require(actor, "awards.add_nomination", _("Your role may not nominate for commendation."))
    if achievement is None:
        data = {name: (achievement_data or {}).get(name) for name in ACHIEVEMENT_FIELDS}
        for name in ("unit", "person_name", "position", "description"):
            data[name] = (data[name] or "").strip()
        clusters, evidence = list(clusters), list(evidence)
        _check_achievement(data, clusters, evidence, actor)
        achievement = Achievement(**data)
        achievement.full_clean()
        achievement._history_user = actor
        achievement.save()
        achievement.clusters.set(clusters)
        achievement.evidence.set(evidence)
    else:
        if actor is not None and not Achievement.objects.restrict(actor, "view").filter(pk=achievement.pk).exists():
            raise field_error("achievement", _("That achievement is outside your scope."), "scope")
        check_not_awarded(achievement)
    _check_title(title, achievement.recipient_kind)
    _check_year(year, achievement)
    nomination = Nomination(achievement=achievement, title=title, year=year, notes=(notes or "").strip())
    nomination.full_clean(exclude=["achievement"])
    nomination._history_user = actor
    nomination.save()
    lifecycle.register(
        NOMINATION_LIFECYCLE,
        NominationStatus.DRAFTED,
        actor=actor,
        effective_on=None,
        row_model=NominationStatusChange,
        row_fields={"nomination": nomination},
    )
    return nomination


# A nomination's text may be corrected until it is decided; the status moves only by `nomination_transition`.
EDITABLE = (NominationStatus.DRAFTED, NominationStatus.SUBMITTED)


@transaction.atomic
def nomination_update(
    *,
    nomination: Nomination,
    actor,
    title: AwardTitle,
    year: int,
    notes: str = "",
    achievement_data: Mapping,
    clusters,
    evidence,
    expected_version: int | None = None,
) -> Nomination:
    """Correct a nomination not yet decided: its form or title, year and notes, and the achievement it puts
    forward (with its clusters and evidence). What is given as it stands changes nothing; a cluster or
    document it already names is kept even if the editor could not name it; the achievement's text is not
    changed while another nomination of it is decided."""
    _require(actor, "awards.change_nomination", _("Your role may not change nominations."))
    current = Nomination.objects.select_for_update().select_related("title", "achievement").get(pk=nomination.pk)
    check_version(current, expected_version)
    if current.status not in EDITABLE:
        raise ValidationError(
            _("The nomination is %(status)s: only a drafted or submitted one can be corrected.")
            % {"status": current.get_status_display()},
            code="not_editable",
        )
    achievement = Achievement.objects.select_for_update().get(pk=current.achievement_id)
    data = {name: achievement_data.get(name) for name in ACHIEVEMENT_FIELDS}
    for name in ("unit", "person_name", "position", "description"):
        data[name] = (data[name] or "").strip()
    clusters, evidence = list(clusters), list(evidence)
    had_clusters = set(achievement.clusters.values_list("pk", flat=True))
    had_evidence = set(achievement.evidence.values_list("pk", flat=True))
    changed = {
        name
        for name, value in data.items()
        if getattr(achievement, achievement._meta.get_field(name).attname) != getattr(value, "pk", value)
    }
    clusters_changed = {c.pk for c in clusters} != had_clusters
    evidence_changed = {d.pk for d in evidence} != had_evidence
    if changed or clusters_changed or evidence_changed:
        decided = (
            Nomination.objects.filter(achievement=achievement)
            .exclude(pk=current.pk)
            .exclude(status__in=EDITABLE)
            .select_related("title")
            .first()
        )
        if decided is not None:
            raise field_error(
                "description",
                _(
                    "The achievement is also nominated for “%(title)s” (%(year)s), already %(status)s: "
                    "it stays as decided."
                )
                % {"title": decided.title.name, "year": decided.year, "status": decided.get_status_display().lower()},
                "decided",
            )
        # Only what is newly named must be in the editor's scope; the province must fit every cluster.
        _check_achievement(
            data,
            [c for c in clusters if c.pk not in had_clusters],
            [d for d in evidence if d.pk not in had_evidence],
            actor,
        )
        for cluster in clusters:
            if cluster.province_id != data["province"].code:
                raise field_error(
                    "clusters",
                    _("The cluster %(cluster)s is not in %(province)s.")
                    % {"cluster": cluster.name, "province": data["province"]},
                    "other_province",
                )
        if changed:
            for name in changed:
                setattr(achievement, name, data[name])
            achievement.full_clean()
            achievement.version += 1
            achievement._history_user = actor
            achievement.save()
        if clusters_changed:
            achievement.clusters.set(clusters)
        if evidence_changed:
            achievement.evidence.set(evidence)
    notes = (notes or "").strip()
    own = {"title_id": title.pk, "year": year, "notes": notes}
    kind_changed = "recipient_kind" in changed
    if any(getattr(current, k) != v for k, v in own.items()) or kind_changed:
        if current.title_id != title.pk or kind_changed:
            _check_title(title, achievement.recipient_kind)
        _check_year(year, achievement)
        current.title, current.year, current.notes = title, year, notes
        current.full_clean(exclude=["achievement"])
        current.version += 1
        _save(current, actor)
    return current


def _save(nomination: Nomination, actor) -> None:
    nomination._history_user = actor
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        # Two awards racing for one achievement: the constraint caught the second.
        check_not_awarded(nomination.achievement, field_name="to", exclude_pk=nomination.pk)
        raise


@transaction.atomic
def nomination_transition(
    *,
    nomination: Nomination,
    to_status: str,
    effective_on: datetime.date | None,
    actor,
    reason: str = "",
    decision: Document | None = None,
    expected_version: int | None = None,
) -> Nomination:
    """Move a nomination: submit a draft to DoIT; award it (with its decision), propose it upward or
    refuse it (with why). The DoIT Director awards only the titles they may; the others go upward first."""
    current = Nomination.objects.select_for_update().select_related("title", "achievement").get(pk=nomination.pk)
    if to_status in DECIDING:
        _require(actor, "awards.decide_nomination", _("Your role may not decide nominations."))
    else:
        _require(actor, "awards.change_nomination", _("Your role may not submit nominations."))
    NOMINATION_LIFECYCLE.check_move(current.status, to_status)
    title = current.title
    extra = {}
    if to_status == NominationStatus.PROPOSED and title.doit_decides:
        raise field_error(
            "to",
            _("The DoIT Director decides “%(title)s”: award or refuse it, there is nothing to propose upward.")
            % {"title": title.name},
            "doit_decides",
        )
    if to_status == NominationStatus.AWARDED:
        if current.status == NominationStatus.SUBMITTED and not title.doit_decides:
            raise field_error(
                "to",
                _("“%(title)s” is decided by %(authority)s: propose it upward, then record their decision.")
                % {"title": title.name, "authority": title.get_authority_display()},
                "needs_higher_authority",
            )
        if decision is None:
            raise field_error("decision", _("Name the document that awards it."), "required")
        _check_documents([decision], actor, "decision")
        check_not_awarded(current.achievement, field_name="to", exclude_pk=current.pk)
        if decision.issued_on and effective_on and decision.issued_on > effective_on:
            raise field_error(
                "date",
                _("The award cannot precede its decision (issued %(date)s).")
                % {"date": formats.date(decision.issued_on)},
                "before_decision",
            )
        extra = {"decision": decision, "awarded_on": effective_on}
    elif decision is not None:
        _check_documents([decision], actor, "decision")
    try:
        lifecycle.transition(
            current,
            NOMINATION_LIFECYCLE,
            to_status,
            actor=actor,
            effective_on=effective_on,
            reason=reason,
            document=decision,
            expected_version=expected_version,
            extra=extra,
            row_model=NominationStatusChange,
            row_fields={"nomination": current},
            save=_save,
        )
    except IntegrityError as error:
        raise ValidationError(_("The nomination could not be saved."), code="conflict") from error
    return current
