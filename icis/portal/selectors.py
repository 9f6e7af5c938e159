"""What the public portal shows: published clusters only, each field group only when published.

Everything here is built from an explicit allow-list of fields (never a model's `__dict__` or a
serializer over a whole model), so a confidential field added to a model later stays private:
tenant firms' figures, notes and verification notes are never read here at all.

Vacant industrial land is the cluster's industrial land less the land its tenant projects occupy today,
computed exactly as occupancy is (`icis.tenancy.selectors.occupied_by_cluster`) and kept per cluster
(`ClusterLand`, refreshed as tenant projects change: icis/portal/signals.py), so the list reads it with the
publications in one query. Readiness on the list
comes from the summary stored on the publication (`readiness_summary`, refreshed when published and by
`manage.py portal_refresh`); the cluster's own page computes it live.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icis.clusters.choices import ESTABLISHED_STATES, STATUS_COLOURS, ClusterStatus
from icis.clusters.models import Cluster, Sector
from icis.construction.choices import Component, MilestoneKind, ReportStatus
from icis.construction.models import ComponentProgress, Milestone, ProgressReport
from icis.core import formats
from icis.core.text import fold, word_starts
from icis.environment.models import PlantCluster, WastewaterPlant
from icis.environment.selectors import plant_standings
from icis.tenancy.selectors import occupied_by_cluster, rate

from .choices import OPEN_STATES, EnquiryStatus, FieldGroup
from .models import Enquiry, Publication

# Clusters a prospective investor can still lease in: established or further, not revoked.
OPEN_TO_INVESTORS = ESTABLISHED_STATES
CACHE_SECONDS = 60
GENERATION_KEY = "portal:generation"


def _float(value) -> float | None:
    return None if value is None else float(value)


def generation() -> int:
    """A counter the portal's writes bump (publish, a lease signed through an enquiry), so cached public
    answers are rebuilt at once; other changes (a lease entered on the tenancy pages) show within
    CACHE_SECONDS."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = int(timezone.now().timestamp() * 1000)
        cache.set(GENERATION_KEY, value, None)
    return value


def bump_generation() -> None:
    cache.set(GENERATION_KEY, generation() + 1, None)


def cached(key: str, build):
    """`build()` cached for CACHE_SECONDS under `key`, the language, the day and the generation."""
    full = f"portal:{key}:{get_language()}:{timezone.localdate().isoformat()}:{generation()}"
    value = cache.get(full)
    if value is None:
        value = build()
        cache.set(full, value, CACHE_SECONDS)
    return value


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def published_publications() -> QuerySet[Publication]:
    return (
        Publication.objects.filter(is_published=True, cluster__status__in=OPEN_TO_INVESTORS)
        .select_related("cluster", "cluster__province", "cluster__portal_land")
        .order_by("cluster__sort_name", "cluster__code")
    )


def published_cluster(code: str) -> Publication | None:
    return published_publications().filter(cluster__code=code).first()


def is_english() -> bool:
    return (get_language() or "vi").startswith("en")


def sector_name(sector: Sector) -> str:
    return sector.name_en if is_english() and sector.name_en else sector.name_vi


# --- readiness ---------------------------------------------------------------------------------------


def readiness_by_cluster(cluster_ids: list[int], day: datetime.date | None = None) -> dict[int, dict]:
    """Each cluster's infrastructure readiness on `day`: the latest accepted progress report (overall and
    per component: power and water among them) and the wastewater plants serving it with whether each
    meets the effluent standard. Codes and numbers only; pages label them in their language."""
    day = day or timezone.localdate()
    latest: dict[int, ProgressReport] = {}
    for report in (
        ProgressReport.objects.filter(cluster_id__in=cluster_ids, status=ReportStatus.ACCEPTED, report_date__lte=day)
        .order_by("cluster_id", "-report_date", "-id")
        .only("id", "cluster_id", "report_date", "overall_percent")
    ):
        latest.setdefault(report.cluster_id, report)
    components = defaultdict(list)
    for row in (
        ComponentProgress.objects.filter(report_id__in=[r.pk for r in latest.values()])
        .order_by("report_id", "id")
        .values("report_id", "component", "percent")
    ):
        components[row["report_id"]].append({"code": row["component"], "percent": _float(row["percent"])})
    links = defaultdict(list)
    for cluster_id, plant_id in PlantCluster.objects.filter(cluster_id__in=cluster_ids).values_list(
        "cluster_id", "plant_id"
    ):
        links[cluster_id].append(plant_id)
    wanted = {p for ids in links.values() for p in ids}
    standings = plant_standings(WastewaterPlant.objects.filter(pk__in=wanted), day) if wanted else {}
    result = {}
    for cluster_id in cluster_ids:
        report = latest.get(cluster_id)
        parts = components[report.pk] if report else []
        by_code = {c["code"]: c["percent"] for c in parts}
        plants = [
            {
                "name": standings[p].plant.name,
                "status": standings[p].status,
                "meets_standard": standings[p].meets,
                "reason": standings[p].reason,
            }
            for p in links[cluster_id]
            if p in standings
        ]
        result[cluster_id] = {
            "as_of": day.isoformat(),
            "report_date": report.report_date.isoformat() if report else None,
            "overall_percent": _float(report.overall_percent) if report else None,
            "components": parts,
            "power_percent": by_code.get(Component.POWER),
            "water_percent": by_code.get(Component.WATER_SUPPLY),
            "wastewater_percent": by_code.get(Component.WASTEWATER),
            "plants": plants,
            "has_plant": bool(plants),
            "plant_compliant": any(p["meets_standard"] for p in plants),
        }
    return result


def readiness_summary(cluster: Cluster, day: datetime.date | None = None) -> dict:
    return readiness_by_cluster([cluster.pk], day)[cluster.pk]


def component_label(code: str) -> str:
    return str(Component(code).label) if code in Component.values else code


# --- the public cards ----------------------------------------------------------------------------------


# What a card reads of a publication, its cluster, province and kept land: one `values()` row (no model
# instances, no timestamps, no boundary or notes), so a cold list of 1,500 clusters stays cheap in Python.
ROW_FIELDS = (
    "cluster_id",
    "field_groups",
    "readiness",
    "published_at",
    "lease_price_vnd_m2_year",
    "cluster__code",
    "cluster__name",
    "cluster__name_ascii",
    "cluster__province_id",
    "cluster__province__name",
    "cluster__status",
    "cluster__area_ha",
    "cluster__industrial_land_ha",
    "cluster__latitude",
    "cluster__longitude",
    "cluster__search_text",
    "cluster__portal_land__occupied_ha",
    "cluster__portal_land__as_of",
)


CLUSTER_FIELDS = (
    "code",
    "name",
    "name_ascii",
    "province_id",
    "status",
    "area_ha",
    "industrial_land_ha",
    "latitude",
    "longitude",
    "search_text",
)


def _row(publication: Publication) -> dict:
    """A publication read as model instances, as the same row `cards()` reads with `values()`."""
    cluster = publication.cluster
    descriptor = Cluster.portal_land
    land = descriptor.related.get_cached_value(cluster) if descriptor.is_cached(cluster) else None
    row = {name: getattr(publication, name) for name in ROW_FIELDS[:5]}
    for name in CLUSTER_FIELDS:
        row[f"cluster__{name}"] = getattr(cluster, name)
    row["cluster__province__name"] = cluster.province.name
    row["cluster__portal_land__occupied_ha"] = land.occupied_ha if land is not None else None
    row["cluster__portal_land__as_of"] = land.as_of if land is not None else None
    return row


def _card(row: dict, occupied: dict, sectors: dict, folded: dict) -> dict:
    pk, status = row["cluster_id"], row["cluster__status"]
    groups = set(row["field_groups"] or [])
    province = row["cluster__province__name"]
    if province not in folded:
        folded[province] = fold(province)
    search = row["cluster__search_text"] or fold(
        " ".join([row["cluster__code"], row["cluster__name"], row["cluster__name_ascii"]])
    )
    card = {
        "code": row["cluster__code"],
        "name": row["cluster__name"],
        "name_ascii": row["cluster__name_ascii"],
        "province": {"code": row["cluster__province_id"], "name": province},
        "status": status,
        "status_label": str(ClusterStatus(status).label),
        "status_colour": STATUS_COLOURS[status],
        "area_ha": _float(row["cluster__area_ha"]),
        "published_at": row["published_at"].isoformat() if row["published_at"] else None,
        "groups": sorted(groups),
        "search": f"{search.strip()} {folded[province]}",
    }
    if FieldGroup.LAND in groups:
        land = row["cluster__industrial_land_ha"]
        taken = occupied.get(pk, Decimal(0))
        card["land"] = {
            "industrial_land_ha": _float(land),
            "occupied_ha": _float(taken),
            "vacant_ha": _float(max(land - taken, Decimal(0))) if land is not None else None,
            "occupancy_percent": _float(rate(taken, land)),
        }
    if FieldGroup.SECTORS in groups:
        card["sectors"] = sectors.get(pk, [])
    if FieldGroup.READINESS in groups:
        card["readiness"] = row["readiness"] or None
    latitude, longitude = row["cluster__latitude"], row["cluster__longitude"]
    if FieldGroup.LOCATION in groups and latitude is not None and longitude is not None:
        card["location"] = {"latitude": _float(latitude), "longitude": _float(longitude)}
    if FieldGroup.LEASE_TERMS in groups and row["lease_price_vnd_m2_year"] is not None:
        card["lease_price_vnd_m2_year"] = row["lease_price_vnd_m2_year"]
    return card


def kept_occupied(rows: list[dict], day: datetime.date) -> dict[int, Decimal]:
    """Each cluster's occupied land on `day`: the kept figure (`ClusterLand`, read in the same row), computed
    afresh for a cluster whose kept figure is missing or of another day (before the nightly refresh ran)."""
    occupied = {
        row["cluster_id"]: row["cluster__portal_land__occupied_ha"]
        for row in rows
        if row["cluster__portal_land__as_of"] == day
    }
    stale = [row["cluster_id"] for row in rows if row["cluster_id"] not in occupied]
    if stale:
        fresh = occupied_by_cluster(stale, day)
        occupied.update({pk: fresh.get(pk, Decimal(0)) for pk in stale})
    return occupied


def cards(publications=None, day: datetime.date | None = None) -> list[dict]:
    """Every published cluster as the public list shows it (two queries whatever the number: the
    publications with their cluster, province and kept occupied land, as plain rows; the sectors)."""
    day = day or timezone.localdate()
    if publications is None:
        rows = list(published_publications().values(*ROW_FIELDS))
    else:
        rows = [_row(p) for p in publications]
    ids = [row["cluster_id"] for row in rows]
    occupied = kept_occupied(rows, day)
    sectors = defaultdict(list)
    through = Cluster.sectors.through
    for cluster_id, code, name_vi, name_en in (
        through.objects.filter(cluster_id__in=ids)
        .order_by("sector__name_vi")
        .values_list("cluster_id", "sector__code", "sector__name_vi", "sector__name_en")
    ):
        name = name_en if is_english() and name_en else name_vi
        sectors[cluster_id].append({"code": code, "name": name})
    folded: dict[str, str] = {}
    return [_card(row, occupied, sectors, folded) for row in rows]


def all_cards() -> list[dict]:
    return cached("cards", cards)


def filter_cards(items: list[dict], params) -> list[dict]:
    """The list's filters, the same names on the page and in the API: `q` (name, code or province,
    accents optional), `province` (code), `sector` (code), `min_vacant_ha`."""
    q = (params.get("q") or "").strip()
    if q:
        starts = [s.strip() for s in word_starts(q)]
        items = [c for c in items if all(any(w.startswith(s) for w in c["search"].split()) for s in starts)]
    province = (params.get("province") or "").strip()
    if province:
        items = [c for c in items if c["province"]["code"] == province]
    sector = (params.get("sector") or "").strip()
    if sector:
        items = [c for c in items if any(s["code"] == sector for s in c.get("sectors", []))]
    minimum = params.get("min_vacant_ha")
    if minimum not in (None, ""):
        items = [c for c in items if "land" in c and (c["land"]["vacant_ha"] or 0) >= float(minimum)]
    return items


def public_card(card: dict) -> dict:
    """A card as the API gives it (without the page's search text)."""
    return {k: v for k, v in card.items() if k != "search"}


def filter_choices(items: list[dict]) -> dict:
    """The provinces and sectors the published clusters have (for the filters)."""
    provinces = {c["province"]["code"]: c["province"]["name"] for c in items}
    sectors = {s["code"]: s["name"] for c in items for s in c.get("sectors", [])}
    return {
        "provinces": sorted(provinces.items(), key=lambda row: fold(row[1])),
        "sectors": sorted(sectors.items(), key=lambda row: fold(row[1])),
    }


def cluster_page(publication: Publication, day: datetime.date | None = None) -> dict:
    """One published cluster for its public page: its card, live readiness, and the texts published."""
    day = day or timezone.localdate()
    card = cards([publication], day)[0]
    groups = set(publication.field_groups or [])
    english = is_english()
    if FieldGroup.READINESS in groups:
        card["readiness"] = readiness_summary(publication.cluster, day)
        milestones = Milestone.objects.filter(cluster=publication.cluster).order_by("id")
        card["milestones"] = [
            {"kind": m.kind, "label": str(m.get_kind_display()), "planned_on": m.planned_on, "actual_on": m.actual_on}
            for m in sorted(milestones, key=lambda m: MilestoneKind.values.index(m.kind))
        ]
    if FieldGroup.INCENTIVES in groups:
        card["incentives"] = (publication.incentives_en if english and publication.incentives_en else "") or (
            publication.incentives
        )
    if FieldGroup.LEASE_TERMS in groups:
        card["lease_terms"] = (publication.lease_terms_en if english and publication.lease_terms_en else "") or (
            publication.lease_terms
        )
    if FieldGroup.CONTACT in groups:
        card["contact"] = {
            "name": publication.contact_name,
            "phone": publication.contact_phone,
            "email": publication.contact_email,
        }
    if FieldGroup.READINESS in groups:
        card["capacity"] = {
            "power_kva": publication.power_capacity_kva,
            "water_m3_day": publication.water_m3_day,
            "wastewater_m3_day": publication.wastewater_capacity_m3_day,
        }
    return card


# --- the map -----------------------------------------------------------------------------------------------


def _geometry(cluster: Cluster) -> dict | None:
    if cluster.boundary:
        boundary = cluster.boundary
        return boundary.get("geometry") if boundary.get("type") == "Feature" else boundary
    if cluster.latitude is not None and cluster.longitude is not None:
        return {"type": "Point", "coordinates": [float(cluster.longitude), float(cluster.latitude)]}
    return None


def feature_collection(items: list[dict], url_name: str = "portal:cluster") -> dict:
    """The published clusters with a published location as GeoJSON (boundary, else point)."""
    codes = [c["code"] for c in items if "location" in c or FieldGroup.LOCATION in c["groups"]]
    shapes = {
        c.code: c for c in Cluster.objects.filter(code__in=codes).only("code", "latitude", "longitude", "boundary")
    }
    features = []
    for card in items:
        cluster = shapes.get(card["code"])
        geometry = _geometry(cluster) if cluster is not None else None
        if geometry is None:
            continue
        land = card.get("land") or {}
        readiness = card.get("readiness") or {}
        features.append(
            {
                "type": "Feature",
                "id": card["code"],
                "geometry": geometry,
                "properties": {
                    "code": card["code"],
                    "name": card["name"],
                    "province": card["province"]["name"],
                    "status_label": card["status_label"],
                    "status_colour": card["status_colour"],
                    "vacant_ha": land.get("vacant_ha"),
                    "progress_percent": readiness.get("overall_percent"),
                    "plant_compliant": readiness.get("plant_compliant"),
                    "url": reverse(url_name, args=[card["code"]]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- matching an enquiry -------------------------------------------------------------------------------------


def match(
    *,
    area_ha: Decimal,
    sector: str | None = None,
    province: str | None = None,
    wastewater_m3_day: Decimal | None = None,
    power_kva: Decimal | None = None,
    limit: int = 5,
) -> list[dict]:
    """The published clusters that fit an enquiry, best first, each with why it fits (reason codes and
    figures; pages word them). Fits: enough vacant land; the sector allowed (or no sector list published);
    in the province asked; power and wastewater capacity where the cluster publishes them."""
    proposals = []
    publications = {p.cluster.code: p for p in published_publications()}
    for card in cards(list(publications.values())):
        land = card.get("land")
        if not land or land["vacant_ha"] is None or land["vacant_ha"] < float(area_ha):
            continue
        if province and card["province"]["code"] != province:
            continue
        reasons = [{"code": "vacant_land", "vacant_ha": land["vacant_ha"], "asked_ha": float(area_ha)}]
        score = 0.0
        sectors = [s["code"] for s in card.get("sectors", [])]
        if sector:
            if sectors and sector not in sectors:
                continue
            if sector in sectors:
                reasons.append({"code": "sector_allowed", "sector": sector})
                score += 2
        publication = publications[card["code"]]
        if power_kva and publication.power_capacity_kva is not None:
            if publication.power_capacity_kva < power_kva:
                continue
            reasons.append({"code": "power", "available_kva": publication.power_capacity_kva})
            score += 1
        if wastewater_m3_day and publication.wastewater_capacity_m3_day is not None:
            if publication.wastewater_capacity_m3_day < wastewater_m3_day:
                continue
            reasons.append({"code": "wastewater", "available_m3_day": publication.wastewater_capacity_m3_day})
            score += 1
        readiness = publication.readiness or {}
        if readiness.get("plant_compliant"):
            reasons.append({"code": "plant_compliant"})
            score += 1
        if readiness.get("overall_percent") is not None:
            reasons.append({"code": "progress", "percent": readiness["overall_percent"]})
            score += readiness["overall_percent"] / 100
        proposals.append({"code": card["code"], "name": card["name"], "score": round(score, 3), "reasons": reasons})
    proposals.sort(key=lambda p: (-p["score"], p["code"]))
    return proposals[:limit]


def reason_text(reason: dict) -> str:
    code = reason.get("code")
    if code == "vacant_land":
        return _("%(vacant)s ha vacant, %(asked)s ha asked") % {
            "vacant": formats.area(reason["vacant_ha"]),
            "asked": formats.area(reason["asked_ha"]),
        }
    if code == "sector_allowed":
        return _("your sector is among those allowed")
    if code == "power":
        return _("power available: %(kva)s kVA") % {"kva": formats.number(reason["available_kva"])}
    if code == "wastewater":
        return _("wastewater treatment spare capacity: %(m3)s m³/day") % {
            "m3": formats.number(reason["available_m3_day"])
        }
    if code == "plant_compliant":
        return _("its wastewater plant meets the effluent standard")
    if code == "progress":
        return _("infrastructure %(percent)s%% built") % {"percent": formats.number(reason["percent"])}
    return str(code)


# --- the pipeline's figures -----------------------------------------------------------------------------------


def conversion(enquiries: QuerySet[Enquiry]) -> dict:
    """Enquiries per cluster and per province: how many, open, lost, signed, and the share signed of those
    decided. Enquiries not tied to a cluster count under their province only."""
    fields = {
        "total": Count("id"),
        "open": Count("id", filter=Q(status__in=OPEN_STATES)),
        "signed": Count("id", filter=Q(status=EnquiryStatus.LEASE_SIGNED)),
        "lost": Count("id", filter=Q(status=EnquiryStatus.LOST)),
    }

    def rows(values):
        out = []
        for row in values:
            decided = row["signed"] + row["lost"]
            row["rate"] = rate(row["signed"], decided) if decided else None
            out.append(row)
        return out

    by_cluster = rows(
        enquiries.filter(cluster__isnull=False)
        .values("cluster__code", "cluster__name")
        .annotate(**fields)
        .order_by("cluster__name")
    )
    # the row of enquiries without a province last on every database (SQLite sorts NULLs first ascending)
    by_province = enquiries.values("province_id", "province__name").annotate(**fields)
    by_province = rows(by_province.order_by(F("province__name").asc(nulls_last=True)))
    return {"by_cluster": by_cluster, "by_province": by_province}


def body_and_etag(data) -> tuple[bytes, str]:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return body, etag_of(body)
