"""Every write to the registry that has rules: page, API, commands and imports all call these."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from icis.accounts.models import INVESTOR_KINDS
from icis.core import formats, lifecycle
from icis.core.changes import apply_changes
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.documents.models import Document
from icis.geo.models import Commune

from . import plausibility
from .choices import LIFECYCLE, ClusterStatus, CommuneBasis
from .models import Cluster, ClusterCommune, ClusterExpansion, StatusChange

# Fields that carry legal weight (they come from decisions and plans): only roles with
# `clusters.change_cluster_legal` change them. The rest is operational data an investor may keep up.
LEGAL_FIELDS = (
    "code",
    "name",
    "kind",
    "province",
    "legacy_district",
    "planned_area_ha",
    "area_ha",
    "industrial_land_ha",
    "boundary",
    "investor",
    "establishment_decision",
    "operating_without_establishment",
    "needs_verification",
    "verification_note",
    "communes",
    "legacy_communes",
)
EDITABLE_FIELDS = (
    "code",
    "name",
    "name_ascii",
    "kind",
    "province",
    "legacy_district",
    "planned_area_ha",
    "area_ha",
    "industrial_land_ha",
    "latitude",
    "longitude",
    "boundary",
    "investor",
    "establishment_decision",
    "operating_without_establishment",
    "needs_verification",
    "verification_note",
    "notes",
)


# Land that higher apps hold in a cluster (tenancy's leases), registered from their AppConfig.ready():
# each function gives the hectares of a cluster's industrial land in use.
_LAND_IN_USE: list[Callable[[Cluster], Decimal]] = []


def land_in_use_register(measure: Callable[[Cluster], Decimal]) -> None:
    if measure not in _LAND_IN_USE:
        _LAND_IN_USE.append(measure)


def check_industrial_land(cluster: Cluster) -> None:
    """Industrial land never drops below the land already leased (the lease check's mirror image)."""
    used = sum((measure(cluster) for measure in _LAND_IN_USE), Decimal(0))
    if not used:
        return
    total = cluster.industrial_land_ha
    if total is not None and total >= used:
        return
    values = {"cluster": cluster.name, "taken": _ha(used), "asked": _ha(total) if total is not None else ""}
    if total is None:
        message = _(
            "Tenant projects already take %(taken)s ha of industrial land in cluster %(cluster)s; the industrial "
            "land cannot be left blank."
        )
    else:
        message = _(
            "Tenant projects already take %(taken)s ha of industrial land in cluster %(cluster)s; the industrial "
            "land cannot drop to %(asked)s ha (at least %(taken)s ha)."
        )
    raise field_error("industrial_land_ha", message % values, "below_leased_land")


def _ha(value) -> str:
    return formats.area(value)


def status_label(value: str) -> str:
    return str(ClusterStatus(value).label) if value in ClusterStatus.values else value


def allowed_next(status: str) -> list[str]:
    return LIFECYCLE.allowed(status)


def _check_date(effective_on: datetime.date, field: str = "date") -> None:
    lifecycle.check_not_future(effective_on, field)


def _set_communes(cluster: Cluster, communes: Iterable[Commune], basis: str) -> bool:
    """Make the cluster's links of this basis exactly `communes`; returns whether anything changed.

    Links of the other basis are kept: saving the stated communes never drops a suggestion (a
    commune official's scope may rest on it). A suggested commune that is now stated is promoted.
    """
    wanted = {c.code: c for c in communes}
    changed = False
    for link in ClusterCommune.objects.filter(cluster=cluster, basis=basis).exclude(commune_id__in=wanted):
        link.delete()
        changed = True
    present = {link.commune_id: link for link in ClusterCommune.objects.filter(cluster=cluster)}
    for code in wanted:
        link = present.get(code)
        if link is None:
            ClusterCommune.objects.create(cluster=cluster, commune_id=code, basis=basis)
            changed = True
        elif link.basis != basis:
            link.basis = basis
            link.save()
            changed = True
    return changed


def check_communes_in_province(province, communes: Iterable[Commune]) -> None:
    """A cluster lies in communes of its own province: a commune of another province is refused on the
    communes field, each named with its province (page, API, import and command alike)."""
    if province is None:
        return
    code = getattr(province, "pk", province)
    strays = [c for c in communes if c.province_id != code]
    if not strays:
        return
    name = province.name if hasattr(province, "name") else code
    raise ValidationError(
        {
            "communes": ValidationError(
                _("Not communes of %(province)s, the cluster's province: %(names)s.")
                % {
                    "province": name,
                    "names": ", ".join(f"{c.name} ({c.code}, {c.province.name})" for c in strays),
                },
                code="commune_outside_province",
            )
        }
    )


KEEP = object()  # "leave the lead commune as it is" (the default of the services' `lead_commune`)


def _set_lead(cluster: Cluster, lead, *, actor=None) -> bool:
    """Record the commune that reports a cluster straddling several (`lead`, one of its stated
    communes; None: no lead); with KEEP, a cluster left in one stated commune gets it as its lead.
    Form 03 counts the cluster once, in its lead commune. Returns whether anything changed."""
    links = list(ClusterCommune.objects.filter(cluster=cluster))
    stated = [link for link in links if link.basis == CommuneBasis.STATED]
    current = next((link for link in links if link.is_lead), None)
    if lead is KEEP:
        if (current is not None and current.basis == CommuneBasis.STATED) or len(stated) != 1:
            return False
        wanted = stated[0]
    else:
        code = getattr(lead, "pk", lead)
        wanted = next((link for link in stated if link.commune_id == code), None) if code else None
        if code and wanted is None:
            raise field_error(
                "lead_commune", _("The lead commune must be one of the cluster's stated communes."), "not_a_commune"
            )
        if (current.pk if current else None) == (wanted.pk if wanted else None):
            return False
        if actor is not None and not actor.has_perm("clusters.change_cluster_legal"):
            raise PermissionDenied(
                _("Your role may not change these legal fields: %(fields)s. Ask the Department of Industry and Trade.")
                % {"fields": "lead_commune"}
            )
    ClusterCommune.objects.filter(cluster=cluster, is_lead=True).update(is_lead=False)
    if wanted is not None:
        wanted.is_lead = True
        wanted.save(update_fields=["is_lead"])
    return True


def lead_commune(cluster: Cluster):
    """The cluster's lead commune (a Commune) or None."""
    link = ClusterCommune.objects.filter(cluster=cluster, is_lead=True).select_related("commune").first()
    return link.commune if link else None


def _set_links(manager, wanted: Iterable) -> bool:
    """Set a many-to-many link only if it differs, so an unchanged form writes no history."""
    wanted_ids = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) == wanted_ids:
        return False
    manager.set(list(wanted))
    return True


class LookalikeNames(ValidationError):
    """A new cluster's name looks like others' in its province: refused until the person confirms.
    Names only the clusters the actor may see; the others are counted ("another cluster"). The API
    answers 409 with `lookalikes` and `others` (icis.core.api.errors reads `api_status`, `api_extra`)."""

    api_status = 409

    def __init__(self, message, *, visible, hidden):
        super().__init__({"name": ValidationError(message, code="lookalike")})
        self.visible = visible
        self.hidden = hidden
        self.api_extra = {
            "lookalikes": [
                {"code": item.code, "name": item.name, "reason": str(item.reason), "same_commune": item.same_commune}
                for item in visible
            ],
            "others": hidden,
            "confirm_with": "confirm_lookalike",
        }


LOOKALIKE_HINT = gettext_noop("If it is another cluster, tick “It is another cluster” (API: confirm_lookalike).")


def check_lookalikes(cluster: Cluster, communes, *, actor, confirmed: bool) -> None:
    """Refuse an unconfirmed new cluster whose name is, or looks like, another's in the province (or an
    industrial park's a cluster became): the look-alikes the actor may see are named, the others counted."""
    if confirmed or not cluster.name or not cluster.province_id:
        return
    from .names import lookalikes

    found = lookalikes(cluster.name, cluster.province_id, [c.pk for c in communes], exclude_pk=cluster.pk)
    if not found:
        return
    seen = set(Cluster.objects.restrict(actor).filter(pk__in=[f.pk for f in found]).values_list("pk", flat=True))
    visible = [f for f in found if f.pk in seen]
    hidden = len(found) - len(visible)
    parts = [
        (
            _("%(name)s (%(code)s, %(reason)s, in the same commune)")
            if item.same_commune
            else _("%(name)s (%(code)s, %(reason)s)")
        )
        % {"name": item.name, "code": item.code, "reason": item.reason}
        for item in visible
    ]
    if hidden:
        parts.append(_("other clusters you cannot see: %(count)d") % {"count": hidden})
    message = _("A cluster with a name like this one is already registered: %(list)s.") % {"list": "; ".join(parts)}
    raise LookalikeNames(f"{message} {_(LOOKALIKE_HINT)}", visible=visible, hidden=hidden)


@transaction.atomic
def cluster_create(
    *,
    data: dict,
    actor,
    status: str | None = ClusterStatus.PLANNED,
    status_date: datetime.date | None = None,
    reason: str = "",
    document: Document | None = None,
    communes: Iterable[Commune] = (),
    commune_basis: str = CommuneBasis.STATED,
    legacy_communes: Iterable = (),
    sectors: Iterable = (),
    is_synthetic: bool = False,
    confirmed: bool = True,
    lookalike_confirmed: bool = True,
    lead_commune=KEEP,
    history: Iterable["PastChange"] = (),
) -> Cluster:
    """Register a cluster in the state the evidence shows, dated when that state began.

    `status_date` None means no source dates it; the cluster then counts in today's figures but
    not in any "as of" figure. Interactive callers pass the person's `confirmed` (figures that break a
    rule of Decree 32 are saved only once seen: see `plausibility`); imports and commands record them.
    Interactive callers also pass `lookalike_confirmed`: a name like another's in the province is
    refused until confirmed (`check_lookalikes`).

    `history`: the cluster's past transitions (PastChange), in any order; with them the registration row is
    the path's first step and each later step gets its own dated row (`history_path`). `status` None: the
    current status is the history's latest step; otherwise it must be.
    """
    history = list(history)
    path = None
    if history:
        if status is not None:
            if status not in ClusterStatus.values:
                LIFECYCLE.check_known(status, "status")
            current = PastChange(status, status_date, document, reason, place="status")
            if not any((h.to_status, h.effective_on) == (status, status_date) for h in history):
                history.append(current)
        path = history_path(history)
        last = path[-1]
        if status is not None and (last.to_status, last.effective_on) != (status, status_date):
            raise HistoryRefused(
                _(
                    "The current status (%(status)s since %(date)s) must be the latest step of the history; "
                    "the history goes on to %(last)s on %(last_date)s."
                )
                % {
                    "status": status_label(status),
                    "date": _day_or_unknown(status_date),
                    "last": status_label(last.to_status),
                    "last_date": _day_or_unknown(last.effective_on),
                },
                code="not_latest",
                place=last.place,
                field="status",
            )
        first = path[0]
        status, status_date = last.to_status, last.effective_on
        reason, document = first.reason, first.document
    status = ClusterStatus.PLANNED if status is None else status
    LIFECYCLE.check_known(status, "status")
    _check_date(status_date, "status_date")
    cluster = Cluster(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    check_investor_kind(cluster.investor)
    cluster.status = status
    cluster.status_since = status_date
    cluster.is_synthetic = is_synthetic
    cluster.full_clean()
    communes = list(communes)
    check_communes_in_province(cluster.province, communes)
    check_lookalikes(cluster, communes, actor=actor, confirmed=lookalike_confirmed)
    _check_plausible(cluster, communes, confirmed=confirmed)
    cluster._history_user = actor
    cluster.save()
    _set_communes(cluster, communes, commune_basis)
    _set_lead(cluster, lead_commune)
    cluster.legacy_communes.set(legacy_communes)
    cluster.sectors.set(sectors)
    if path is not None:
        _write_path(cluster, path, actor=actor, previous="")
        return cluster
    lifecycle.register(
        LIFECYCLE,
        status,
        actor=actor,
        effective_on=status_date,
        reason=reason or _("Registered"),
        document=document,
        row_model=StatusChange,
        row_fields={"cluster": cluster},
    )
    return cluster


@transaction.atomic
def cluster_update(
    *,
    cluster: Cluster,
    data: dict,
    actor,
    expected_version: int | None = None,
    communes: Iterable[Commune] | None = None,
    legacy_communes: Iterable | None = None,
    sectors: Iterable | None = None,
    confirmed: bool = True,
    lead_commune=KEEP,
) -> Cluster:
    """Change a cluster's own fields (never its status). Refuses a stale edit. An edit that touches a
    figure breaking a rule of Decree 32 needs `confirmed` (see `cluster_create`)."""
    current = Cluster.objects.select_for_update().get(pk=cluster.pk)
    check_version(current, expected_version)
    _check_legal(current, data, communes=communes, legacy_communes=legacy_communes, actor=actor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be changed here."), code="read_only") for f in sorted(unknown)}
        )
    land_before = current.industrial_land_ha
    changed = apply_changes(current, data)
    if "investor" in changed:
        check_investor_kind(current.investor)
    if communes is not None or "province" in changed:
        communes = list(communes) if communes is not None else None
        # A new province is checked against the links the edit keeps too: all of them, or the suggested
        # ones when the stated communes are given anew (see _set_communes).
        kept = []
        if "province" in changed:
            links = current.commune_links.select_related("commune__province")
            if communes is not None:
                links = links.exclude(basis=CommuneBasis.STATED)
            kept = [link.commune for link in links]
        check_communes_in_province(current.province, (communes or []) + kept)
    if PLAUSIBILITY_FIELDS & set(changed) or communes is not None:
        wanted = list(communes) if communes is not None else None
        _check_plausible(current, wanted, confirmed=confirmed or not (PLAUSIBILITY_FIELDS & set(changed)))
        communes = wanted
    if changed:
        current.full_clean()
        if current.industrial_land_ha != land_before:
            check_industrial_land(current)
        current.version += 1
        current._history_user = actor
        current.save()
    links_changed = False
    if communes is not None:
        links_changed |= _set_communes(current, communes, CommuneBasis.STATED)
    if lead_commune is not KEEP or links_changed:  # an edit that changes neither communes nor lead sets none
        links_changed |= _set_lead(current, lead_commune, actor=actor)
    if legacy_communes is not None:
        links_changed |= _set_links(current.legacy_communes, legacy_communes)
    if sectors is not None:
        links_changed |= _set_links(current.sectors, sectors)
    if links_changed and not changed:
        # A link-only edit still makes the record newer: other open forms must reload.
        Cluster.objects.filter(pk=current.pk).update(version=models.F("version") + 1)
        current.refresh_from_db(fields=["version"])
    return current


PLAUSIBILITY_FIELDS = {"area_ha", "industrial_land_ha", "kind"}
CONFIRM_HINT = gettext_noop(
    "Check the figure against its document; to keep it, tick “Save despite the warnings” (API: confirm_warnings)."
)


def _check_plausible(cluster: Cluster, communes, *, confirmed: bool) -> None:
    """Refuse unconfirmed figures that break a rule, naming it; confirmed ones are kept on the instance
    (`plausibility_warnings`) for the page to show."""
    if communes is None:
        communes = list(cluster.communes.all()) if cluster.pk else []
    found = plausibility.warnings_for(cluster, communes)
    cluster.plausibility_warnings = found
    if found and not confirmed:
        raise ValidationError(
            {
                w.field: ValidationError(
                    f"{w.message} {_(CONFIRM_HINT)}",
                    code=w.code,
                )
                for w in found
            }
        )


def check_investor_kind(investor) -> None:
    """A cluster's infrastructure investor is an organisation registered as one (not a department
    or a People's Committee); an investor kept from before is never refused."""
    if investor is not None and investor.kind not in INVESTOR_KINDS:
        raise ValidationError(
            {
                "investor": ValidationError(
                    _("%(name)s is registered as “%(kind)s”, not as an infrastructure investor.")
                    % {"name": investor.name, "kind": investor.get_kind_display()},
                    code="not_an_investor",
                )
            }
        )


def _check_legal(current: Cluster, data: dict, *, communes, legacy_communes, actor) -> None:
    if actor is None or actor.has_perm("clusters.change_cluster_legal"):
        return
    touched = [f for f in LEGAL_FIELDS if f in data and getattr(current, f) != data[f]]
    if communes is not None:
        stated = {link.commune_id for link in current.commune_links.all() if link.basis == CommuneBasis.STATED}
        if stated != {c.code for c in communes}:
            touched.append("communes")
    if legacy_communes is not None and set(current.legacy_communes.values_list("pk", flat=True)) != {
        c.pk for c in legacy_communes
    }:
        touched.append("legacy_communes")
    if touched:
        raise PermissionDenied(
            _("Your role may not change these legal fields: %(fields)s. Ask the Department of Industry and Trade.")
            % {"fields": ", ".join(touched)}
        )


def _apply_transition(obj, *, to_status, effective_on, reason, document, actor, cluster, expansion=None):
    lifecycle.transition(
        obj,
        LIFECYCLE,
        to_status,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        document=document,
        row_model=StatusChange,
        row_fields={"cluster": cluster, "expansion": expansion},
    )
    return obj


@transaction.atomic
def cluster_transition(
    *,
    cluster: Cluster,
    to_status: str,
    effective_on: datetime.date,
    reason: str,
    actor,
    document: Document | None = None,
    industrial_park_name: str = "",
) -> Cluster:
    """The one way a cluster's status changes; records who, when, why and on what authority.

    A conversion into an industrial park needs the converting decision (`document`) and the park's
    name; the record stays, named after the park it became."""
    current = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if to_status == ClusterStatus.CONVERTED_TO_PARK:
        LIFECYCLE.check_move(current.status, to_status)  # a move not allowed is refused as such first
        park = (industrial_park_name or "").strip()
        errors = {}
        if not park:
            errors["industrial_park_name"] = ValidationError(
                _("Give the name of the industrial park the cluster became."), code="required"
            )
        if document is None:
            errors["document"] = ValidationError(
                _("Name the decision that converts the cluster into an industrial park."), code="required"
            )
        if errors:
            raise ValidationError(errors)
        current.industrial_park_name = park
    return _apply_transition(
        current,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        document=document,
        actor=actor,
        cluster=current,
    )


@transaction.atomic
def expansion_create(
    *,
    cluster: Cluster,
    data: dict,
    actor,
    status: str = ClusterStatus.PLANNED,
    status_date: datetime.date | None = None,
    reason: str = "",
) -> ClusterExpansion:
    LIFECYCLE.check_known(status, "status")
    _check_date(status_date, "status_date")
    expansion = ClusterExpansion(cluster=cluster, **data)
    expansion.status = status
    expansion.status_since = status_date
    expansion.full_clean()
    expansion._history_user = actor
    expansion.save()
    lifecycle.register(
        LIFECYCLE,
        status,
        actor=actor,
        effective_on=status_date,
        reason=reason or _("Expansion registered"),
        row_model=StatusChange,
        row_fields={"cluster": cluster, "expansion": expansion},
    )
    return expansion


@transaction.atomic
def expansion_transition(
    *,
    expansion: ClusterExpansion,
    to_status: str,
    effective_on: datetime.date,
    reason: str,
    actor,
    document: Document | None = None,
) -> ClusterExpansion:
    if to_status == ClusterStatus.CONVERTED_TO_PARK:
        raise field_error("to", _("An expansion is not converted on its own: convert the cluster."), "not_allowed")
    current = ClusterExpansion.objects.select_for_update().get(pk=expansion.pk)
    return _apply_transition(
        current,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        document=document,
        actor=actor,
        cluster=current.cluster,
        expansion=current,
    )


# --------------------------------------------------------------------------------- a cluster's past, as recorded
@dataclass(frozen=True)
class PastChange:
    """One step of a cluster's recorded past: the state it entered, the day (None: no source dates it) and
    the deciding document. `place` says where the caller took it from (a row of a sheet, an item of a list)
    so that a refusal can name it."""

    to_status: str
    effective_on: datetime.date | None = None
    document: Document | None = None
    reason: str = ""
    place: object = None


# The order of the lifecycle, to place undated steps and break ties between steps of one day.
_RANK = {status: rank for rank, status in enumerate(ClusterStatus.values)}


class HistoryRefused(ValidationError):
    """A recorded past that is not a path of the lifecycle; `place` names the step at fault."""

    def __init__(self, message: str, *, code: str, place=None, field: str = "history"):
        super().__init__({field: ValidationError(message, code=code)})
        self.message_text, self.place, self.code = message, place, code


def _fits(before: str | None, to: str, after: str | None) -> bool:
    return (before is None or to in LIFECYCLE.allowed(before)) and (after is None or after in LIFECYCLE.allowed(to))


def history_path(entries: Iterable[PastChange]) -> list[PastChange]:
    """The steps, given in any order, as a path of the lifecycle: dated steps by date (steps of one day in
    lifecycle order), each undated step where the lifecycle lets it stand. Refuses (HistoryRefused, naming
    the step) an unknown state, a future date, a duplicate step, or steps that do not chain."""
    entries = list(entries)
    if not entries:
        raise HistoryRefused(_("Give at least the current status."), code="required")
    for entry in entries:
        if entry.to_status not in _RANK:
            raise HistoryRefused(
                _(lifecycle.REFUSALS["invalid"])
                % {"status": entry.to_status, "known": ", ".join(ClusterStatus.values)},
                code="invalid",
                place=entry.place,
            )
        if entry.effective_on is not None and entry.effective_on > timezone.localdate():
            raise HistoryRefused(
                _(lifecycle.REFUSALS["future_date"]) % {"date": formats.date(entry.effective_on)},
                code="future_date",
                place=entry.place,
            )
    seen: dict = {}
    for entry in entries:
        key = (entry.to_status, entry.effective_on)
        if key in seen:
            raise HistoryRefused(
                _("“%(status)s” on %(date)s is given twice.")
                % {"status": status_label(entry.to_status), "date": _day_or_unknown(entry.effective_on)},
                code="duplicate",
                place=entry.place,
            )
        seen[key] = entry
    path = sorted(
        (e for e in entries if e.effective_on is not None), key=lambda e: (e.effective_on, _RANK[e.to_status])
    )
    for entry in sorted((e for e in entries if e.effective_on is None), key=lambda e: _RANK[e.to_status]):
        for index in range(len(path) + 1):
            before = path[index - 1].to_status if index else None
            after = path[index].to_status if index < len(path) else None
            if _fits(before, entry.to_status, after):
                path.insert(index, entry)
                break
        else:
            path.append(entry)  # does not fit anywhere: the check below names it
    for previous, entry in zip(path, path[1:], strict=False):
        if entry.to_status not in LIFECYCLE.allowed(previous.to_status):
            raise HistoryRefused(
                LIFECYCLE.refusal(previous.to_status, entry.to_status)
                + " "
                + _("(%(from)s on %(from_date)s, then %(to)s on %(to_date)s)")
                % {
                    "from": status_label(previous.to_status),
                    "from_date": _day_or_unknown(previous.effective_on),
                    "to": status_label(entry.to_status),
                    "to_date": _day_or_unknown(entry.effective_on),
                },
                code="transition_not_allowed",
                place=entry.place,
            )
    return path


def _day_or_unknown(day) -> str:
    return formats.date(day) if day else _("an unknown date")


@transaction.atomic
def record_history(*, cluster: Cluster, entries: Iterable[PastChange], actor) -> Cluster:
    """Record a cluster's past transitions, given in any order, with their dates and deciding documents.

    The steps already recorded for the cluster (its registration, earlier transitions) are kept; a given step
    equal to one of them (same state, same day) is the same step. The new steps must come after the latest
    recorded one: together they must form a path of the lifecycle (`history_path`). The cluster's current
    status and the day it began are the path's last step. Interface and actor go on every row written.
    """
    current = Cluster.objects.select_for_update().get(pk=cluster.pk)
    # The steps in the order they were written, which is the path's order (every writer appends a step after
    # the latest one): an undated step has no place by date, and where NULL dates sort differs by database.
    recorded = list(StatusChange.objects.filter(cluster=current, expansion__isnull=True).order_by("id"))
    known = {(row.to_status, row.effective_on) for row in recorded}
    new = [entry for entry in entries if (entry.to_status, entry.effective_on) not in known]
    if not new:
        return current
    latest = recorded[-1] if recorded else None
    steps = [PastChange(latest.to_status, latest.effective_on)] if latest else []
    path = history_path(steps + new)
    if latest is not None and (path[0].to_status, path[0].effective_on) != (latest.to_status, latest.effective_on):
        raise HistoryRefused(
            _(
                "This step comes before the latest recorded status of %(cluster)s (%(status)s since %(date)s); "
                "only later steps can be added."
            )
            % {
                "cluster": current.code,
                "status": status_label(latest.to_status),
                "date": _day_or_unknown(latest.effective_on),
            },
            code="date_before_current",
            place=path[0].place,
        )
    _write_path(current, path[1:] if latest else path, actor=actor, previous=latest.to_status if latest else "")
    return current


def _write_path(cluster: Cluster, steps: list[PastChange], *, actor, previous: str) -> None:
    for step in steps:
        lifecycle.record(
            StatusChange,
            {"cluster": cluster},
            from_status=previous,
            to_status=step.to_status,
            actor=actor,
            effective_on=step.effective_on,
            reason=step.reason or (_("Registered") if not previous else _("Recorded from the evidence")),
            document=step.document,
        )
        previous = step.to_status
    last = steps[-1]
    if (cluster.status, cluster.status_since) != (last.to_status, last.effective_on):
        cluster.status, cluster.status_since = last.to_status, last.effective_on
        cluster.version += 1
        cluster._history_user = actor
        cluster._change_reason = _("Status history recorded")
        cluster.save()


@transaction.atomic
def cluster_set_lead_commune(*, cluster: Cluster, commune_code: str | None, actor) -> bool:
    """Make `commune_code` (one of the cluster's stated communes) the one that reports the cluster, or none
    (the registry import's way to `_set_lead`, under the cluster's row lock); returns whether anything changed."""
    Cluster.objects.select_for_update().filter(pk=cluster.pk).exists()
    return _set_lead(cluster, commune_code or None, actor=actor)
