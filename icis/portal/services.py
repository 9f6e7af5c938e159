"""Writes of the portal: publishing a cluster, receiving an enquiry (with its challenge), moving it along
the pipeline (a signed lease becomes a tenant project through the tenancy services), and erasing the
enquirers' personal data after the province's retention period."""

import datetime
import random
import secrets
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster, Sector
from icis.core import lifecycle
from icis.core.changes import unchanged
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.core.scoping import choices_in_scope
from icis.geo.models import Province, ProvinceSettings
from icis.tenancy import services as tenancy_services
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import Tenant

from . import selectors
from .choices import CLOSING_STATES, ENQUIRY_LIFECYCLE, EnquiryStatus, FieldGroup
from .models import ClusterLand, Enquiry, EnquiryStatusChange, Publication

PUBLICATION_FIELDS = (
    "field_groups",
    "incentives",
    "incentives_en",
    "lease_terms",
    "lease_terms_en",
    "lease_price_vnd_m2_year",
    "contact_name",
    "contact_phone",
    "contact_email",
    "power_capacity_kva",
    "water_m3_day",
    "wastewater_capacity_m3_day",
)
ENQUIRY_FIELDS = (
    "area_ha",
    "sector",
    "province",
    "wastewater_m3_day",
    "power_kva",
    "start_by",
    "company",
    "contact_name",
    "email",
    "phone",
    "message",
)
DEFAULT_RETENTION_DAYS = 365
CHALLENGE_SALT = "icis.portal.challenge"
CHALLENGE_MAX_AGE = 2 * 3600


def _changed() -> None:
    """Public answers are rebuilt: now (this request's own next read) and once the transaction commits."""
    selectors.bump_generation()
    transaction.on_commit(selectors.bump_generation)


# --- publishing ----------------------------------------------------------------------------------------------


def _check_groups(groups) -> list[str]:
    groups = list(dict.fromkeys(groups or []))
    unknown = [g for g in groups if g not in FieldGroup.values]
    if unknown:
        raise field_error(
            "field_groups",
            _("Unknown field group(s) %(unknown)s; known: %(known)s.")
            % {"unknown": ", ".join(map(str, unknown)), "known": ", ".join(FieldGroup.values)},
            "invalid",
        )
    return [g for g in FieldGroup.values if g in groups]


@transaction.atomic
def publication_save(
    *, cluster: Cluster, data: dict, publish: bool, actor, expected_version: int | None = None
) -> Publication:
    """Set what of `cluster` the portal shows and publish it (`publish`) or keep it unpublished. Who
    published and when are recorded at each publishing; the readiness summary is refreshed."""
    current = Publication.objects.select_for_update().filter(cluster=cluster).first()
    if current is None:
        current = Publication(cluster=cluster)
    else:
        check_version(current, expected_version)
    data = {k: v for k, v in data.items() if k in PUBLICATION_FIELDS}
    if "field_groups" in data:
        data["field_groups"] = _check_groups(data["field_groups"])
    for key, value in data.items():
        setattr(current, key, value)
    if publish and not current.field_groups:
        raise field_error("field_groups", _("Choose at least one field group to publish."), "required")
    if publish and cluster.status not in selectors.OPEN_TO_INVESTORS:
        raise field_error(
            "field_groups",
            _("Only an established cluster (or one further along) can be offered to investors; this one is %(status)s.")
            % {"status": cluster.get_status_display()},
            "not_open",
        )
    was_published = current.is_published
    current.is_published = publish
    if publish and (not was_published or not unchanged(current)):
        current.published_by = actor
        current.published_at = timezone.now()
    if current.pk is not None and unchanged(current):
        return current
    current.readiness = selectors.readiness_summary(cluster)
    current.readiness_as_of = timezone.localdate()
    if current.pk is not None:
        current.version += 1
    current.full_clean()
    current._history_user = actor
    current.save()
    land_refresh(cluster_ids=[cluster.pk])
    return current


def readiness_refresh(*, day: datetime.date | None = None) -> int:
    """Recompute the readiness summary and the kept occupied land of every published cluster (the
    `portal_refresh` command, run daily by the job worker: docs/jobs.md)."""
    day = day or timezone.localdate()
    publications = list(Publication.objects.filter(is_published=True))
    summaries = selectors.readiness_by_cluster([p.cluster_id for p in publications], day)
    for publication in publications:
        publication.readiness = summaries[publication.cluster_id]
        publication.readiness_as_of = day
        publication.save(update_fields=["readiness", "readiness_as_of", "updated_at"])
    land_refresh(cluster_ids=[p.cluster_id for p in publications], day=day)
    selectors.bump_generation()
    return len(publications)


def land_refresh(*, cluster_ids: list[int], day: datetime.date | None = None) -> None:
    """Recompute the kept occupied land (`ClusterLand`) of `cluster_ids` on `day` (default today), exactly
    as occupancy is computed (`icis.tenancy.selectors.occupied_by_cluster`); public answers are rebuilt
    once the transaction commits."""
    if not cluster_ids:
        return
    day = day or timezone.localdate()
    occupied = selectors.occupied_by_cluster(cluster_ids, day)
    ClusterLand.objects.bulk_create(
        [ClusterLand(cluster_id=pk, occupied_ha=occupied.get(pk, Decimal(0)), as_of=day) for pk in cluster_ids],
        update_conflicts=True,
        unique_fields=["cluster"],
        update_fields=["occupied_ha", "as_of"],
        batch_size=500,
    )
    _changed()


# --- the challenge ----------------------------------------------------------------------------------------


def challenge_new() -> dict:
    """A small sum to answer, signed with the site's key (no session, no outside service)."""
    a, b = random.randint(2, 9), random.randint(2, 9)
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(4)}, salt=CHALLENGE_SALT)
    return {"question": _("How much is %(a)s + %(b)s?") % {"a": a, "b": b}, "token": token}


def challenge_check(token: str, answer) -> None:
    try:
        numbers = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired:
        raise field_error("answer", _("The question has expired; answer the new one."), "expired") from None
    except signing.BadSignature:
        raise field_error(
            "answer", _("The question is not one this site asked; answer the new one."), "invalid"
        ) from None
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        given = None
    if given != numbers["a"] + numbers["b"]:
        raise field_error("answer", _("That is not the answer to the question."), "wrong_answer")


# --- enquiries -----------------------------------------------------------------------------------------------


def _reference() -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    return f"YC-{day}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def enquiry_submit(*, data: dict, language: str = "vi", cluster_code: str = "") -> Enquiry:
    """An anonymous enquiry: saved with the clusters that fit it (best first, with why). It is pursued in
    the cluster the enquirer chose (`cluster_code`, a published one) or else the best fit, so the
    officials of that cluster and its infrastructure investor see it."""
    data = {k: v for k, v in data.items() if k in ENQUIRY_FIELDS}
    if isinstance(data.get("sector"), str):
        data["sector"] = Sector.objects.filter(pk=data["sector"]).first() or _unknown("sector", data["sector"])
    if isinstance(data.get("province"), str):
        data["province"] = Province.objects.filter(pk=data["province"]).first() or _unknown(
            "province", data["province"]
        )
    enquiry = Enquiry(**data, reference=_reference(), language=language[:8])
    if enquiry.area_ha is None or enquiry.area_ha <= 0:
        raise field_error("area_ha", _("Give the land wanted in hectares (more than 0)."), "required")
    if not (enquiry.email or enquiry.phone):
        raise field_error("email", _("Give an email address or a phone number so that we can answer."), "required")
    enquiry.matches = selectors.match(
        area_ha=enquiry.area_ha,
        sector=enquiry.sector_id,
        province=enquiry.province_id,
        wastewater_m3_day=enquiry.wastewater_m3_day,
        power_kva=enquiry.power_kva,
    )
    chosen = None
    if cluster_code:
        publication = selectors.published_cluster(cluster_code)
        if publication is None:
            raise field_error(
                "cluster", _("No published cluster has the code %(code)s.") % {"code": cluster_code}, "unknown"
            )
        chosen = publication.cluster
    elif enquiry.matches:
        chosen = Cluster.objects.get(code=enquiry.matches[0]["code"])
    enquiry.cluster = chosen
    if chosen is not None and enquiry.province_id is None:
        enquiry.province_id = chosen.province_id
    enquiry.status_since = timezone.localdate()
    enquiry.full_clean()
    enquiry.save()
    lifecycle.register(
        ENQUIRY_LIFECYCLE,
        EnquiryStatus.NEW,
        actor=None,
        effective_on=enquiry.status_since,
        row_model=EnquiryStatusChange,
        row_fields={"enquiry": enquiry},
        reason=_("Received through the investment portal"),
    )
    return enquiry


def _unknown(field: str, value):
    raise field_error(field, _("Unknown %(field)s '%(value)s'.") % {"field": field, "value": value}, "unknown")


@transaction.atomic
def enquiry_update(*, enquiry: Enquiry, data: dict, actor, expected_version: int | None = None) -> Enquiry:
    """Which cluster the enquiry is pursued in, and the officials' notes (the status moves only through
    `enquiry_transition`)."""
    current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    check_version(current, expected_version)
    if "cluster" in data and current.tenant_project_id and data["cluster"] != current.cluster:
        raise field_error("cluster", _("The lease is signed; the cluster can no longer change."), "signed")
    if "cluster" in data and data["cluster"] is not None and data["cluster"] != current.cluster:
        _check_route(actor, data["cluster"])
    for key in ("cluster", "notes"):
        if key in data:
            setattr(current, key, data[key])
    if current.cluster is not None:
        current.province_id = current.cluster.province_id
    if unchanged(current):
        return current
    current.version += 1
    current.full_clean()
    current._history_user = actor
    current.save()
    return current


def _check_route(actor, cluster) -> None:
    """An enquiry is re-routed only to a published cluster the actor may name (its own clusters for an
    infrastructure investor, its province's for an officer): the rule of every form, the API and a
    command alike, so a forged id reaches nothing. No actor: a system job."""
    if actor is None:
        return
    named = choices_in_scope(Cluster.objects.filter(pk=cluster.pk, publication__is_published=True), actor)
    if not named.exists():
        message = _("Cluster %(cluster)s is not one you may route this enquiry to.") % {"cluster": cluster}
        raise field_error("cluster", message, "scope")


def may_move(actor, to: str) -> bool:
    """Whether `actor` may take an enquiry to `to`: the working steps with `portal.transition_enquiry`, the
    closing ones (lease signed, lost) only with `portal.close_enquiry` (DoIT). No actor: a system job."""
    if actor is None:
        return True
    if not actor.has_perm("portal.transition_enquiry"):
        return False
    return to not in CLOSING_STATES or actor.has_perm("portal.close_enquiry")


def check_may_move(actor, to: str) -> None:
    if may_move(actor, to):
        return
    raise field_error(
        "to",
        _(
            "Only the Department of Industry and Trade closes an enquiry (%(status)s); record what you know "
            "in the notes and DoIT will record the outcome."
        )
        % {"status": ENQUIRY_LIFECYCLE.label(to)},
        "not_allowed_for_role",
    )


def moves_for(actor, enquiry: Enquiry) -> list[tuple[str, str]]:
    """The moves open from the enquiry's status that `actor` may make (form choices)."""
    return [(value, label) for value, label in ENQUIRY_LIFECYCLE.choices(enquiry.status) if may_move(actor, value)]


@transaction.atomic
def enquiry_transition(
    *,
    enquiry: Enquiry,
    to: str,
    actor,
    effective_on: datetime.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
    lease: dict | None = None,
) -> Enquiry:
    """Move an enquiry along its pipeline. "Lease signed" registers the tenant project through the tenancy
    services (the firm found by tax code, or registered), so the cluster's vacant land shrinks at once.
    `lease`: tenant_tax_code, tenant_name, land_ha (default: the land asked), lease_start (default: the
    date of the move), lease_end. Closing moves (lease signed, lost) need `portal.close_enquiry`."""
    check_may_move(actor, to)
    current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    effective_on = effective_on or timezone.localdate()
    extra = {}
    if to == EnquiryStatus.LEASE_SIGNED:
        ENQUIRY_LIFECYCLE.check_move(current.status, to)
        check_version(current, expected_version)
        extra["tenant_project"] = _sign_lease(current, lease or {}, effective_on, actor)
    lifecycle.transition(
        current,
        ENQUIRY_LIFECYCLE,
        to,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        expected_version=expected_version,
        extra=extra,
        row_model=EnquiryStatusChange,
        row_fields={"enquiry": current},
    )
    if to == EnquiryStatus.LEASE_SIGNED:
        _changed()
    return current


def _sign_lease(enquiry: Enquiry, lease: dict, effective_on: datetime.date, actor):
    if enquiry.cluster is None:
        raise field_error("cluster", _("Choose the cluster the lease is signed in first."), "required")
    tax_code = (lease.get("tenant_tax_code") or "").strip()
    if not tax_code:
        raise field_error("tenant_tax_code", _("Give the tax code of the firm that signed."), "required")
    tenant = Tenant.objects.filter(tax_code=tax_code).first()
    if tenant is None:
        name = (lease.get("tenant_name") or enquiry.company or "").strip()
        if not name:
            raise field_error("tenant_name", _("Give the name of the firm that signed."), "required")
        tenant = tenancy_services.tenant_create(data={"name": name, "tax_code": tax_code}, actor=actor)
    land = lease.get("land_ha") or enquiry.area_ha
    project = tenancy_services.project_create(
        data={
            "cluster": enquiry.cluster,
            "tenant": tenant,
            "name": lease.get("project_name") or "",
            "land_ha": Decimal(land),
            "lease_start": lease.get("lease_start") or effective_on,
            "lease_end": lease.get("lease_end"),
            "status": ProjectStatus.REGISTERED,
        },
        actor=actor,
        status_date=effective_on,
        reason=_("Lease signed after investment enquiry %(reference)s") % {"reference": enquiry.reference},
    )
    return project


def retention_days(province_id: str | None) -> int:
    if province_id:
        days = (
            ProvinceSettings.objects.filter(province_id=province_id)
            .values_list("enquiry_retention_days", flat=True)
            .first()
        )
        if days is not None:
            return days
    return DEFAULT_RETENTION_DAYS


@transaction.atomic
def erase_personal_data(*, today: datetime.date | None = None, dry_run: bool = False) -> list[str]:
    """Erase the enquirer's name, company, email, phone and message from every enquiry older than its
    province's retention period (`ProvinceSettings.enquiry_retention_days`, default 365 days). The
    history never held them (`Enquiry.history` excludes them). Returns the references erased."""
    today = today or timezone.localdate()
    erased = []
    for enquiry in Enquiry.objects.filter(erased_on__isnull=True).order_by("id"):
        if (
            timezone.localdate(enquiry.created_at) + datetime.timedelta(days=retention_days(enquiry.province_id))
            > today
        ):
            continue
        erased.append(enquiry.reference)
        if dry_run:
            continue
        for name in Enquiry.PERSONAL_FIELDS:
            setattr(enquiry, name, "")
        enquiry.erased_on = today
        enquiry._change_reason = "personal data erased after the retention period"
        enquiry.save()
    return erased


def validation_messages(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
