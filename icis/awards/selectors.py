"""Reads of commendation: the lists (page, API, exports) and the yearly list for the plan's review."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from icis.clusters.models import Cluster

from .choices import NominationStatus
from .models import Achievement, AwardTitle, Nomination


def nomination_list() -> QuerySet:
    """Every nomination with what its row shows (unrestricted: the caller scopes it)."""
    return Nomination.objects.select_related(
        "title", "decision", "achievement", "achievement__province", "achievement__organisation"
    ).prefetch_related(Prefetch("achievement__clusters", queryset=Cluster.objects.order_by("name")))


def nomination_detail() -> QuerySet:
    return nomination_list().prefetch_related(
        "achievement__evidence", "status_changes__actor", "status_changes__document"
    )


def titles() -> QuerySet:
    return AwardTitle.objects.filter(active=True)


def achievements() -> QuerySet:
    return Achievement.objects.select_related("province")


# The yearly list: what was awarded, and what waits for a higher authority's decision.
YEARLY_SECTIONS = (NominationStatus.AWARDED, NominationStatus.PROPOSED)


@dataclass
class YearlySection:
    status: str
    label: str
    rows: list = field(default_factory=list)


@dataclass
class YearlyList:
    year: int
    province: object  # geo.Province, or None for every province the user reaches
    sections: list

    @property
    def count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def yearly_list(nominations: QuerySet, *, year: int, province=None) -> YearlyList:
    """The year's awards and proposals upward of `nominations` (already scoped), by section, each by
    form or title then recipient."""
    rows = nominations.filter(year=year, status__in=YEARLY_SECTIONS)
    if province is not None:
        rows = rows.filter(achievement__province=province)
    rows = rows.order_by("title__order", "title__name", "achievement__recipient_kind", "achievement__unit", "id")
    sections = [YearlySection(status, NominationStatus(status).label) for status in YEARLY_SECTIONS]
    by_status = {section.status: section for section in sections}
    for row in rows:
        by_status[row.status].rows.append(row)
    return YearlyList(year=year, province=province, sections=sections)
