"""One lifecycle: the rules every status machine of ICIS follows, written once.

A status machine is a `Machine`: its states (a `TextChoices`), where each state may go, and whether a
move needs a reason. `transition()` is the one function that moves an object: it checks the move
(known state, allowed from the current one), the date (not in the future, not before the current
status began), the reason and the version the editor read, then sets the status, its date and the
version, saves, and writes one typed row (a subclass of `StatusChangeBase`) with who, when, why, on
what authority and through which interface. `register()` writes the first row of a new object.

Each refusal has one wording, whatever the machine (`REFUSALS`), and a code API clients rely on:
`transition_not_allowed`, `invalid`, `future_date`, `date_before_current`, `required`.

core imports no domain app: the document a change rests on is named by its string model reference.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from . import channel, formats
from .concurrency import check_version

# The one wording of each refusal (English msgids; translated where raised).
REFUSALS = {
    "transition_not_allowed": gettext_noop("Cannot go from %(from)s to %(to)s; allowed: %(allowed)s."),
    "final": gettext_noop("none, %(from)s is final"),
    "invalid": gettext_noop("Unknown status '%(status)s'; known: %(known)s."),
    "future_date": gettext_noop("The date %(date)s is in the future; record a change once it has happened."),
    "date_before_current": gettext_noop("The date %(date)s is before the current status began (%(since)s)."),
    "date_required": gettext_noop("Give the date of the change."),
    "reason_required": gettext_noop("Say why the status changes."),
}


def fmt(day: datetime.date) -> str:
    return formats.date(day)


def error(field_name: str, message: str, code: str) -> ValidationError:
    """A refusal on one field, with a code API clients can rely on whatever the language."""
    return ValidationError({field_name: ValidationError(message, code=code)})


@dataclass(frozen=True)
class Machine:
    """A status machine: its states, the moves allowed from each, and the fields its forms use."""

    name: str
    states: type[models.TextChoices]
    moves: Mapping[str, Iterable[str]]
    # Form/API field names the refusals are attached to.
    to_field: str = "to"
    date_field: str = "date"
    reason_field: str = "reason"
    # Whether every move must say why (a status with legal weight); some machines ask it only on some moves.
    reason_required: bool = True
    reason_required_to: tuple[str, ...] = field(default=())
    reason_message: str = REFUSALS["reason_required"]

    def label(self, value: str) -> str:
        return str(self.states(value).label) if value in self.states.values else str(value or "∅")

    def allowed(self, current: str) -> list[str]:
        return [str(s) for s in self.moves.get(current, ())]

    def choices(self, current: str) -> list[tuple[str, str]]:
        """The moves open from `current`, as form choices."""
        return [(s, self.label(s)) for s in self.allowed(current)]

    def needs_reason(self, to: str) -> bool:
        return self.reason_required or to in self.reason_required_to

    # --- the checks, each with its one wording ---------------------------------------------------------

    def check_known(self, status: str, field_name: str | None = None) -> None:
        if status not in self.states.values:
            raise error(
                field_name or self.to_field,
                _(REFUSALS["invalid"]) % {"status": status, "known": ", ".join(self.states.values)},
                "invalid",
            )

    def check_move(self, current: str, to: str, field_name: str | None = None) -> None:
        self.check_known(to, field_name)
        if to in self.allowed(current):
            return
        raise error(field_name or self.to_field, self.refusal(current, to), "transition_not_allowed")

    def refusal(self, current: str, to: str) -> str:
        """“Cannot go from A to B; allowed: …” in the language of the request."""
        nexts = self.allowed(current)
        quoted_from = f"“{self.label(current)}”"
        if nexts:
            allowed = ", ".join(f"“{self.label(s)}” ({s})" for s in nexts)
        else:
            allowed = _(REFUSALS["final"]) % {"from": quoted_from}
        return _(REFUSALS["transition_not_allowed"]) % {
            "from": quoted_from,
            "to": f"“{self.label(to)}”",
            "allowed": allowed,
        }


def check_date(
    effective_on: datetime.date | None,
    *,
    since: datetime.date | None = None,
    field_name: str = "date",
    required: bool = True,
) -> None:
    """The date rules of every transition: given, not in the future, not before the current status began."""
    if effective_on is None:
        if required:
            raise error(field_name, _(REFUSALS["date_required"]), "required")
        return
    if effective_on > timezone.localdate():
        raise error(field_name, _(REFUSALS["future_date"]) % {"date": fmt(effective_on)}, "future_date")
    if since is not None and effective_on < since:
        raise error(
            field_name,
            _(REFUSALS["date_before_current"]) % {"date": fmt(effective_on), "since": fmt(since)},
            "date_before_current",
        )


def check_not_future(day: datetime.date | None, field_name: str = "date") -> None:
    """Only the future-date rule (for dates that are not a status's start)."""
    check_date(day, field_name=field_name, required=False)


def _default_save(obj, actor) -> None:
    obj._history_user = actor
    obj.save()


def transition(
    obj,
    machine: Machine,
    to: str,
    *,
    actor,
    effective_on: datetime.date | None,
    reason: str = "",
    document=None,
    expected_version: int | None = None,
    row_model: type[models.Model] | None = None,
    row_fields: Mapping | None = None,
    extra: Mapping | None = None,
    status_field: str = "status",
    since_field: str | None = "status_since",
    date_required: bool = True,
    save: Callable | None = None,
):
    """Move `obj` (locked by the caller, `select_for_update`) to `to`; the one way any status changes.

    Checks, in this order: the version the editor read, the move, the date, the reason. Then sets the
    status, the date it began (`since_field`), `extra` attributes, the version, saves (through `save`,
    default `obj.save()` with the actor in the history) and writes a `row_model` row (with `row_fields`,
    e.g. the owning object). Returns the typed row (None without `row_model`).
    """
    if expected_version is not None:
        check_version(obj, expected_version)
    current = getattr(obj, status_field)
    machine.check_move(current, to)
    since = getattr(obj, since_field, None) if since_field else None
    check_date(effective_on, since=since, field_name=machine.date_field, required=date_required)
    reason = (reason or "").strip()
    if machine.needs_reason(to) and not reason:
        raise error(machine.reason_field, _(machine.reason_message), "required")
    setattr(obj, status_field, to)
    if since_field:
        setattr(obj, since_field, effective_on)
    for key, value in (extra or {}).items():
        setattr(obj, key, value)
    if hasattr(obj, "version"):
        obj.version += 1
    obj._change_reason = reason
    (save or _default_save)(obj, actor)
    if row_model is None:
        return None
    return record(
        row_model,
        row_fields or {},
        from_status=current,
        to_status=to,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        document=document,
    )


def register(
    machine: Machine,
    status: str,
    *,
    actor,
    effective_on: datetime.date | None,
    row_model: type[models.Model],
    row_fields: Mapping,
    reason: str = "",
    document=None,
    field_name: str = "status",
    date_field: str = "status_date",
):
    """The first row of a new object's history (from nothing to `status`); the date may be unknown."""
    machine.check_known(status, field_name)
    check_date(effective_on, field_name=date_field, required=False)
    return record(
        row_model,
        row_fields,
        from_status="",
        to_status=status,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        document=document,
    )


def record(
    row_model: type[models.Model],
    row_fields: Mapping,
    *,
    from_status: str,
    to_status: str,
    actor,
    effective_on: datetime.date | None,
    reason: str = "",
    document=None,
):
    """Write one typed row of a move already checked (for services whose edit and move are one save)."""
    return row_model.objects.create(
        **row_fields,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        document=document,
        actor=actor,
        interface=channel.current(),
    )


# Newest first, undated rows (no source dates them) last on every database (a plain descending order puts
# NULLs first on PostgreSQL, last on SQLite): every status change model's default order.
NEWEST_FIRST = (models.F("effective_on").desc(nulls_last=True), "-id")


class StatusChangeBase(models.Model):
    """One step of a lifecycle: from, to, the date it took effect, why, on what document, who, and
    through which interface. `effective_on` is when it happened in the world (a 2017 decision entered
    today keeps 2017); `recorded_at` when it was entered. Subclasses add the owning object's foreign key
    and narrow `from_status`/`to_status` to their states' choices."""

    from_status = models.CharField(gettext_lazy("from"), max_length=30, blank=True)
    to_status = models.CharField(gettext_lazy("to"), max_length=30)
    effective_on = models.DateField(
        gettext_lazy("date"), null=True, blank=True, help_text=gettext_lazy("Blank when no source dates the change.")
    )
    reason = models.TextField(gettext_lazy("reason"), blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=gettext_lazy("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    interface = models.CharField(
        gettext_lazy("interface"), max_length=10, blank=True, choices=list(channel.LABELS.items())
    )
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = list(NEWEST_FIRST)

    def __str__(self):
        day = fmt(self.effective_on) if self.effective_on else "?"
        return f"{self.from_status or '∅'} → {self.to_status} ({day})"
