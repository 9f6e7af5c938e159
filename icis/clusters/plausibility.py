"""Plausibility, not silence: figures that break a rule of Decree 32 are saved only once a person has seen
a warning naming the rule (a recorded fact can be legacy: clusters older than the decree keep their
size, Art 35.1), and the dashboard lists them for verification.

Each check quotes the signed text (`shared/law/ND-32-2024-quan-ly-phat-trien-CCN.txt`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from icis.core import formats

from .choices import ClusterKind

MAX_AREA_HA = Decimal("75")
MIN_AREA_HA = Decimal("10")
MIN_AREA_SMALL_HA = Decimal("5")  # mountainous districts (now communes) and craft-village clusters
ART_2_1 = (
    "Nghị định 32/2024/NĐ-CP, Điều 2 khoản 1: «Cụm công nghiệp có quy mô diện tích không vượt quá 75 ha và "
    "không dưới 10 ha. Riêng đối với cụm công nghiệp ở các huyện miền núi và cụm công nghiệp làng nghề có quy "
    "mô diện tích không vượt quá 75 ha và không dưới 05 ha.»"
)
ART_2_6 = (
    "Nghị định 32/2024/NĐ-CP, Điều 2 khoản 6: «Diện tích đất công nghiệp là diện tích đất của cụm công nghiệp "
    "dành cho các tổ chức, cá nhân thuê, thuê lại để sản xuất công nghiệp, thực hiện các dịch vụ cho sản xuất "
    "công nghiệp, được xác định trong quy hoạch chi tiết xây dựng do cơ quan có thẩm quyền phê duyệt.»"
)


@dataclass(frozen=True)
class Warning:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message}


def _ha(value) -> str:
    """An area as officers write it: no trailing zeros, the language's decimal mark (6,28 in Vietnamese)."""
    return formats.area(value)


def _small_floor(kind: str, communes) -> bool:
    return kind == ClusterKind.CRAFT_VILLAGE or any(getattr(c, "mountainous", False) for c in communes)


def cluster_warnings(*, area_ha, industrial_land_ha, kind: str, communes=()) -> list[Warning]:
    """The rules a cluster's figures break, each named; empty when the figures are plausible."""
    warnings = []
    if area_ha is not None:
        floor = MIN_AREA_SMALL_HA if _small_floor(kind, communes) else MIN_AREA_HA
        if area_ha > MAX_AREA_HA or area_ha < floor:
            warnings.append(
                Warning(
                    "area_outside_decree_limits",
                    "area_ha",
                    _("The area %(area)s ha is outside %(floor)s–75 ha. %(rule)s")
                    % {"area": _ha(area_ha), "floor": _ha(floor), "rule": ART_2_1},
                )
            )
    if area_ha is not None and industrial_land_ha is not None and industrial_land_ha > area_ha:
        warnings.append(
            Warning(
                "industrial_land_above_area",
                "industrial_land_ha",
                _("Industrial land (%(land)s ha) is larger than the cluster's area (%(area)s ha). %(rule)s")
                % {"land": _ha(industrial_land_ha), "area": _ha(area_ha), "rule": ART_2_6},
            )
        )
    return warnings


def warnings_for(cluster, communes=None) -> list[Warning]:
    communes = list(cluster.communes.all()) if communes is None and cluster.pk else list(communes or ())
    return cluster_warnings(
        area_ha=cluster.area_ha, industrial_land_ha=cluster.industrial_land_ha, kind=cluster.kind, communes=communes
    )


def implausible(clusters: QuerySet) -> QuerySet:
    """Clusters whose stored figures break a size rule, found in SQL (for the dashboard's verification list).
    Mountainous communes lower the floor to 5 ha where the commune data says so."""
    commune_model = clusters.model._meta.get_field("communes").related_model
    small = Q(kind=ClusterKind.CRAFT_VILLAGE)
    if any(f.name == "mountainous" for f in commune_model._meta.get_fields()):
        small |= Q(pk__in=clusters.model.objects.filter(communes__mountainous=True).values("pk"))
    too_small = Q(area_ha__lt=MIN_AREA_SMALL_HA) | (Q(area_ha__lt=MIN_AREA_HA) & ~small)
    rule = Q(area_ha__gt=MAX_AREA_HA) | too_small | Q(industrial_land_ha__gt=F("area_ha"))
    return clusters.filter(rule)


ART_2_9 = (
    "Nghị định 32/2024/NĐ-CP, Điều 2 khoản 9: «Quyết định thành lập, Quyết định mở rộng cụm công nghiệp là văn "
    "bản của cơ quan có thẩm quyền ghi nhận thông tin pháp lý của cụm công nghiệp, làm căn cứ triển khai đầu tư "
    "xây dựng hạ tầng kỹ thuật cụm công nghiệp và áp dụng chính sách, quy định của Nhà nước đối với cụm công "
    "nghiệp.»"
)


def established_on(cluster):
    """When the cluster was established: its dated lifecycle event, else its establishment decision's date."""
    change = (
        cluster.status_changes.filter(to_status="established", effective_on__isnull=False, expansion__isnull=True)
        .order_by("effective_on")
        .first()
    )
    if change is not None:
        return change.effective_on
    decision = cluster.establishment_decision
    return decision.issued_on if decision is not None else None


def dates_before_establishment(cluster, dates: dict) -> list[Warning]:
    """A dependent record (a lease, an approval) dated before its cluster was established."""
    established = established_on(cluster)
    if established is None:
        return []
    return [
        Warning(
            "date_before_establishment",
            field,
            _("%(label)s %(date)s is before the cluster was established (%(established)s). %(rule)s")
            % {
                "label": label,
                "date": formats.date(day),
                "established": formats.date(established),
                "rule": ART_2_9,
            },
        )
        for field, (label, day) in dates.items()
        if day is not None and day < established
    ]
