"""Builders for commendation tests."""

import datetime
import itertools

from icis.awards import services
from icis.awards.models import AwardTitle
from icis.documents.models import Document, DocumentType

D = datetime.date
_numbers = itertools.count(1)
DECIDED_ON = D(2026, 1, 10)
STEP_ON = D(2026, 1, 15)


def title(code: str) -> AwardTitle:
    return AwardTitle.objects.get(code=code)


def decision(*, on=DECIDED_ON, issuer="Sở Công Thương", cluster=None) -> Document:
    document = Document.objects.create(
        doc_type=DocumentType.DECISION, number=f"{next(_numbers)}/QĐ-SCT", year=on.year, issued_on=on, issuer=issuer
    )
    if cluster is not None:
        document.clusters.add(cluster)
    return document


def collective(cluster, *, actor, code="tap-the-lao-dong-tien-tien", year=2025, unit=None, **extra):
    """A drafted nomination of a collective for its work on `cluster` in `year`."""
    return services.nomination_create(
        title=title(code),
        year=year,
        achievement_data={
            "province": cluster.province,
            "recipient_kind": "collective",
            "unit": unit or f"Ban quản lý {cluster.name}",
            "description": "Hoàn thành hạ tầng kỹ thuật đúng tiến độ",
            "period_start": D(year, 1, 1),
            "period_end": D(year, 12, 31),
            **extra,
        },
        clusters=[cluster],
        actor=actor,
    )


def individual(cluster, *, actor, code="chien-si-thi-dua-co-so", year=2025):
    return services.nomination_create(
        title=title(code),
        year=year,
        achievement_data={
            "province": cluster.province,
            "recipient_kind": "individual",
            "unit": "Phòng Quản lý công nghiệp",
            "person_name": "Nguyễn Văn Thử",
            "position": "Chuyên viên",
            "description": "Theo dõi tiến độ các cụm công nghiệp",
            "period_start": D(year, 1, 1),
            "period_end": D(year, 12, 31),
        },
        clusters=[cluster],
        actor=actor,
    )


def move(nomination, to, *, actor, on=STEP_ON, **kwargs):
    return services.nomination_transition(nomination=nomination, to_status=to, effective_on=on, actor=actor, **kwargs)


def awarded(nomination, *, actor, document=None):
    nomination = move(nomination, "submitted", actor=actor, on=D(2026, 1, 5))
    return move(nomination, "awarded", actor=actor, decision=document or decision(), on=D(2026, 1, 15))
