"""Every write to the registry that has rules: page, API, commands and imports all call these."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from icis.core import formats
from icis.core.changes import apply_changes
from icis.core.concurrency import check_version
from icis.documents.models import Document
from icis.geo.models import Commune

from . import plausibility
from .choices import ALLOWED_TRANSITIONS, ClusterStatus, CommuneBasis
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


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A rule violation on one field, with a code API clients can rely on whatever the language."""
    return ValidationError({field: ValidationError(message, code=code)})


def status_label(value: str) -> str:
    return str(ClusterStatus(value).label) if value in ClusterStatus.values else value


def allowed_next(status: str) -> list[str]:
    return list(ALLOWED_TRANSITIONS.get(status, ()))


def _check_date(effective_on: datetime.date, field: str = "date") -> None:
    if effective_on > timezone.localdate():
        raise field_error(
            field,
            _("The date %(date)s is in the future; record a change once it has happened.")
            % {"date": formats.date(effective_on)},
            "future_date",
        )


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


def _set_links(manager, wanted: Iterable) -> bool:
    """Set a many-to-many link only if it differs, so an unchanged form writes no history."""
    wanted_ids = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) == wanted_ids:
        return False
    manager.set(list(wanted))
    return True


@transaction.atomic
def cluster_create(
    *,
    data: dict,
    actor,
    status: str = ClusterStatus.PLANNED,
    status_date: datetime.date | None = None,
    reason: str = "",
    document: Document | None = None,
    communes: Iterable[Commune] = (),
    commune_basis: str = CommuneBasis.STATED,
    legacy_communes: Iterable = (),
    sectors: Iterable = (),
    is_synthetic: bool = False,
    confirmed: bool = True,
) -> Cluster:
    """Register a cluster in the state the evidence shows, dated when that state began.

    `status_date` None means no source dates it; the cluster then counts in today's figures but
    not in any "as of" figure. Interactive callers pass the person's `confirmed` (figures that break a
    rule of Decree 32 are saved only once seen: see `plausibility`); imports and commands record them.
    """
    if status not in ClusterStatus.values:
        raise field_error("status", _("Unknown status '%(status)s'.") % {"status": status}, "invalid")
    if status_date is not None:
        _check_date(status_date, "status_date")
    cluster = Cluster(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    cluster.status = status
    cluster.status_since = status_date
    cluster.is_synthetic = is_synthetic
    cluster.full_clean()
    communes = list(communes)
    _check_plausible(cluster, communes, confirmed=confirmed)
    cluster._history_user = actor
    cluster.save()
    _set_communes(cluster, communes, commune_basis)
    cluster.legacy_communes.set(legacy_communes)
    cluster.sectors.set(sectors)
    StatusChange.objects.create(
        cluster=cluster,
        from_status="",
        to_status=status,
        effective_on=status_date,
        reason=reason or _("Registered"),
        document=document,
        actor=actor,
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


def _transition_error(current: str, to_status: str) -> ValidationError:
    nexts = allowed_next(current)
    if nexts:
        allowed = ", ".join(f"{s} ({status_label(s)})" for s in nexts)
        message = _("Cannot change status from %(from)s to %(to)s. Allowed next states: %(allowed)s.")
    else:
        allowed = ""
        message = _("Cannot change status from %(from)s to %(to)s: %(from)s is final, no next state is allowed.")
    return field_error("to", message % {"from": current, "to": to_status, "allowed": allowed}, "transition_not_allowed")


def _apply_transition(obj, *, to_status, effective_on, reason, document, actor, cluster, expansion=None):
    if to_status not in ClusterStatus.values:
        raise field_error(
            "to",
            _("Unknown status '%(status)s'. Known: %(known)s.")
            % {"status": to_status, "known": ", ".join(ClusterStatus.values)},
            "invalid",
        )
    if to_status not in ALLOWED_TRANSITIONS[obj.status]:
        raise _transition_error(obj.status, to_status)
    _check_date(effective_on)
    if obj.status_since and effective_on < obj.status_since:
        raise field_error(
            "date",
            _("The date %(date)s is before the current status began (%(since)s).")
            % {"date": formats.date(effective_on), "since": formats.date(obj.status_since)},
            "date_before_current",
        )
    if not (reason or "").strip():
        raise field_error("reason", _("Say why the status changes."), "required")
    previous = obj.status
    obj.status = to_status
    obj.status_since = effective_on
    obj.version += 1
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()
    StatusChange.objects.create(
        cluster=cluster,
        expansion=expansion,
        from_status=previous,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        document=document,
        actor=actor,
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
) -> Cluster:
    """The one way a cluster's status changes; records who, when, why and on what authority."""
    current = Cluster.objects.select_for_update().get(pk=cluster.pk)
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
    if status_date is not None:
        _check_date(status_date, "status_date")
    expansion = ClusterExpansion(cluster=cluster, **data)
    expansion.status = status
    expansion.status_since = status_date
    expansion.full_clean()
    expansion._history_user = actor
    expansion.save()
    StatusChange.objects.create(
        cluster=cluster,
        expansion=expansion,
        from_status="",
        to_status=status,
        effective_on=status_date,
        reason=reason or _("Expansion registered"),
        actor=actor,
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
