"""Field work offline (docs/inspections.md, "Field work offline"): the day's route an inspector's phone
downloads, and the sync that stores what was recorded on it without network.

The route lists the inspections whose team includes the inspector and whose day is the chosen one (the day
inspected, or the day due while none is set), with their subjects, the checklists of their topics (each
item with its current answer and that answer's version), the findings recorded so far, and the open
violations of earlier visits of the same subject (each with its version).

A sync is one operation of the phone's outbox, named by the `client_id` (a UUID) the phone gave it, so
sending it again after a lost answer stores nothing twice. An operation written against a record that the
office changed since the phone downloaded it (the version moved) is not applied: `Conflict` carries both
sides, and the person decides (keep mine: send again on the new version; keep theirs: drop the change).
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.concurrency import StaleVersion, changes_since

from . import selectors, services
from .choices import FOLLOW_UP_RESULTS, Answer, InspectionStatus, SubjectKind, Topic, ViolationStatus
from .models import ChecklistAnswer, ChecklistItem, Finding, FollowUp, Inspection, Violation

KINDS = ("answer", "finding", "follow_up")
# What each kind of operation needs the user to hold (checked before anything is looked up).
PERMISSIONS = {
    "answer": ("inspections.add_checklistanswer", "inspections.change_checklistanswer"),
    "finding": ("inspections.add_finding",),
    "follow_up": ("inspections.add_followup", "inspections.change_violation"),
}
PHOTO_PERMISSION = "inspections.add_evidence"
# Who may open the field page and download a route.
FIELD_PERMISSION = "inspections.add_finding"


class NotYours(Exception):
    """The record named is not one of the user's inspections (or not in their scope): answered as 404."""


@dataclass
class Conflict(Exception):
    """The office changed the record after the phone downloaded it: both sides, for the person to choose."""

    message: str
    mine: dict
    theirs: dict
    current_version: int
    changes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "status": "conflict",
            "detail": self.message,
            "mine": self.mine,
            "theirs": self.theirs,
            "current_version": self.current_version,
            "changes": self.changes,
        }


# --- the route -----------------------------------------------------------------------------------------


def own_inspections(user, action: str = "view"):
    """The inspections in `user`'s scope whose team includes them: the only ones the phone reads or writes."""
    return Inspection.objects.restrict(user, action).filter(team=user)


def day_q(day: datetime.date) -> models.Q:
    return models.Q(inspected_on=day) | models.Q(inspected_on__isnull=True, due_on=day)


def route(user, day: datetime.date) -> dict:
    """Everything the phone needs for `day`, as plain JSON."""
    inspections = (
        own_inspections(user)
        .filter(day_q(day))
        .exclude(status=InspectionStatus.CANCELLED)
        .select_related("cluster", "cluster__province", "cluster__investor", "organisation", "tenant", "plan")
        .prefetch_related("checklists__items", "answers", "findings__evidence")
        .order_by("id")
    )
    return {
        "day": day.isoformat(),
        "day_label": formats.date(day),
        "user": user.pk,
        "generated_at": timezone.now().isoformat(),
        "answers": [{"value": v, "label": str(label)} for v, label in Answer.choices],
        "results": [{"value": v, "label": str(ViolationStatus(v).label)} for v in FOLLOW_UP_RESULTS],
        "topics": [{"value": v, "label": str(label)} for v, label in Topic.choices],
        "inspections": [_inspection(i) for i in inspections],
    }


def _subject(inspection: Inspection) -> list[list[str]]:
    cluster = inspection.cluster
    rows = [
        [_("Subject"), inspection.get_subject_kind_display()],
        [_("Cluster"), f"{cluster.name} ({cluster.code})"],
        [_("Province"), str(cluster.province)],
    ]
    if cluster.area_ha is not None:
        rows.append([_("Area"), formats.area(cluster.area_ha, unit=True)])
    if cluster.investor_id:
        rows.append([_("Infrastructure investor"), cluster.investor.name])
    if inspection.subject_kind == SubjectKind.TENANT and inspection.tenant_id:
        firm = inspection.tenant
        rows.append([_("Tenant firm"), f"{firm.name} ({firm.tax_code})"])
        if firm.contact_name or firm.phone:
            rows.append([_("Contact"), " · ".join(x for x in (firm.contact_name, firm.phone) if x)])
    if inspection.subject_kind == SubjectKind.INVESTOR and inspection.organisation_id:
        rows.append([_("Investor inspected"), inspection.organisation.name])
    if inspection.signs_of_violation:
        rows.append([_("Signs of violation"), inspection.signs_reason])
    return rows


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _inspection(inspection: Inspection) -> dict:
    answers = {a.item_id: a for a in inspection.answers.all()}
    checklists = []
    for checklist in inspection.checklists.all():
        items = []
        for item in checklist.items.all():
            answer = answers.get(item.pk)
            items.append(
                {
                    "id": item.pk,
                    "number": item.number,
                    "text": item.text,
                    "legal_basis": item.legal_basis,
                    "answer": None if answer is None else _answer_dict(answer),
                }
            )
        label = checklist.get_topic_display()
        checklists.append({"topic": checklist.topic, "label": label, "version": checklist.number, "items": items})
    return {
        "id": inspection.pk,
        "version": inspection.version,
        "title": inspection.subject_name,
        "status": inspection.status,
        "status_label": inspection.get_status_display(),
        "plan": inspection.plan.title if inspection.plan_id else "",
        "subject": _subject(inspection),
        "checklists": checklists,
        "findings": [_finding_dict(f) for f in inspection.findings.all()],
        "carried_forward": [_violation_dict(v, inspection) for v in selectors.carried_forward(inspection)],
    }


def _answer_dict(answer: ChecklistAnswer) -> dict:
    return {
        "answer": answer.answer,
        "label": answer.get_answer_display(),
        "note": answer.note,
        "version": answer.version,
        "client_id": str(answer.client_id),
    }


def _finding_dict(finding: Finding) -> dict:
    return {
        "id": finding.pk,
        "client_id": str(finding.client_id),
        "topic": finding.topic,
        "description": finding.description,
        "latitude": None if finding.latitude is None else float(finding.latitude),
        "longitude": None if finding.longitude is None else float(finding.longitude),
        "observed_at": _iso(finding.observed_at),
        "photos": len(finding.evidence.all()),
    }


def _violation_dict(violation: Violation, inspection: Inspection | None = None) -> dict:
    result = None
    if inspection is not None:
        result = next((f.result for f in violation.follow_ups.all() if f.inspection_id == inspection.pk), None)
    return {
        "id": violation.pk,
        "version": violation.version,
        "description": violation.description,
        "legal_basis": violation.legal_basis,
        "severity": violation.get_severity_display(),
        "corrective_action": violation.corrective_action,
        "responsible": violation.responsible,
        "deadline": violation.deadline.isoformat(),
        "deadline_label": formats.date(violation.deadline),
        "status": violation.status,
        "status_label": violation.get_status_display(),
        "found_on": formats.date(violation.inspection.inspected_on) if violation.inspection.inspected_on else "",
        "result": result,
    }


# --- the sync ------------------------------------------------------------------------------------------


def coordinate(value: float) -> Decimal:
    """A GPS coordinate as the models keep it: six decimals (about 0.1 m)."""
    return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def missing_permissions(user, kind: str, *, photo: bool = False) -> bool:
    needed = PERMISSIONS[kind] + ((PHOTO_PERMISSION,) if photo else ())
    return not user.has_perms(needed)


def _own(user, inspection_id) -> Inspection:
    inspection = own_inspections(user, "change").filter(pk=inspection_id).first()
    if inspection is None:
        raise NotYours
    return inspection


@transaction.atomic
def sync(*, user, kind: str, client_id: uuid.UUID, inspection_id: int, data: dict, photo=None) -> dict:
    """Store one operation of the phone's outbox; the same `client_id` again stores nothing new.
    Raises NotYours (404), Conflict (409) or ValidationError (400, nothing stored)."""
    inspection = _own(user, inspection_id)
    if kind == "answer":
        return _sync_answer(user, inspection, client_id, data)
    if kind == "finding":
        return _sync_finding(user, inspection, client_id, data, photo)
    return _sync_follow_up(user, inspection, client_id, data)


def _sync_answer(user, inspection: Inspection, client_id, data) -> dict:
    item = ChecklistItem.objects.filter(pk=data["item"], checklist__in=inspection.checklists.all()).first()
    if item is None:
        raise ValidationError({"item": ValidationError(_("Not an item of this inspection's checklists."), "invalid")})
    mine = {"answer": data["answer"], "note": data.get("note", "")}
    row = ChecklistAnswer.objects.select_for_update().filter(inspection=inspection, item=item).first()
    if row is not None and (row.answer, row.note) == (mine["answer"], mine["note"]):
        return _stored("answer", client_id, row)  # already so: sent twice, or the office chose the same
    base = data.get("base_version") or 0
    if row is not None and row.version != base:
        raise Conflict(
            _("The office answered this item after you downloaded the route."),
            mine={**mine, "label": Answer(mine["answer"]).label},
            theirs={**_answer_dict(row), "by": _last_editor(row)},
            current_version=row.version,
            changes=_labelled(ChecklistAnswer, changes_since(row, base) if base else []),
        )
    row = services.answer_set(
        inspection=inspection,
        item=item,
        actor=user,
        client_id=client_id,
        expected_version=row.version if row is not None else None,
        **mine,
    )
    return _stored("answer", client_id, row)


def _sync_finding(user, inspection: Inspection, client_id, data, photo) -> dict:
    fields = {k: data[k] for k in ("description", "topic", "latitude", "longitude", "observed_at") if k in data}
    if data.get("item"):
        item = ChecklistItem.objects.filter(pk=data["item"], checklist__in=inspection.checklists.all()).first()
        if item is None:
            raise ValidationError(
                {"item": ValidationError(_("Not an item of this inspection's checklists."), "invalid")}
            )
        fields["item"] = item
        fields.setdefault("topic", item.checklist.topic)
    if not fields.get("topic"):
        first = inspection.checklists.first()
        fields["topic"] = first.topic if first else Topic.CONSTRUCTION
    existing = Finding.objects.filter(client_id=client_id).first()
    if existing is not None and existing.inspection_id != inspection.pk:
        raise NotYours  # a client id another inspection owns: never reveal or touch it
    finding = services.finding_create(inspection=inspection, data=fields, actor=user, client_id=client_id)
    if photo is not None:
        photo_id = data.get("photo_client_id") or uuid.uuid5(client_id, "photo")
        services.evidence_add(
            finding=finding,
            file=photo,
            actor=user,
            caption=data.get("caption", ""),
            latitude=fields.get("latitude"),
            longitude=fields.get("longitude"),
            taken_at=fields.get("observed_at"),
            client_id=photo_id,
        )
    return _stored("finding", client_id, finding)


def _sync_follow_up(user, inspection: Inspection, client_id, data) -> dict:
    done = FollowUp.objects.filter(client_id=client_id).first()
    if done is not None:
        if done.inspection_id != inspection.pk:
            raise NotYours
        return _stored("follow_up", client_id, done)
    violation = Violation.objects.restrict(user, "change").filter(pk=data["violation"]).first()
    if violation is None:
        raise NotYours
    mine = {"result": data["result"], "note": data.get("note", "")}
    base = data.get("base_version")
    try:
        follow_up = services.follow_up_record(
            inspection=inspection,
            violation=violation,
            actor=user,
            client_id=client_id,
            expected_version=base,
            **mine,
        )
    except StaleVersion as stale:
        violation.refresh_from_db()
        raise Conflict(
            _("The office changed this violation after you downloaded the route."),
            mine={**mine, "label": ViolationStatus(mine["result"]).label},
            theirs={**_violation_dict(violation), "by": _last_editor(violation)},
            current_version=stale.current_version,
            changes=_labelled(Violation, stale.changes),
        ) from None
    return _stored("follow_up", client_id, follow_up)


def _labelled(model, changes: list[dict]) -> list[dict]:
    """The changes with the field's name as people read it."""
    names = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    return [{**change, "label": names.get(change["field"], change["field"])} for change in changes]


def _last_editor(obj) -> str | None:
    latest = obj.history.order_by("-history_date", "-history_id").first()
    return latest.history_user.username if latest is not None and latest.history_user_id else None


def _stored(kind: str, client_id, obj) -> dict:
    return {
        "status": "stored",
        "kind": kind,
        "client_id": str(client_id),
        "id": obj.pk,
        "version": getattr(obj, "version", None),
    }
