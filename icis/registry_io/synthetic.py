"""A made-up registry workbook of a real province (its real communes, invented clusters), for tests and the
benchmark. Everything in it is synthetic and says so: the title, the notes of every cluster, the documents'
issuer. Never load it into a database whose figures are presented as real.

`synthetic_registry(province, communes, n)` returns the workbook and the facts it implies (each cluster's
steps, the plan entries), from which a test computes the figures ICIS must reproduce. With n ≥ 30 it holds
every plan group, clusters straddling two communes, look-alike names, a 6 ha cluster in the first commune
(make it mountainous), undated steps and establishment dates from 2010 on.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation

from icis.clusters.choices import ClusterStatus as S
from icis.planning.choices import PlanGroup as G

from . import workbook

SYNTHETIC = "Dữ liệu tổng hợp để thử nghiệm, không phải số liệu thật"
ISSUER = "UBND tỉnh (dữ liệu tổng hợp)"


def _vi(choices) -> dict[str, str]:
    """Each value's Vietnamese label, as an officer writes it in the workbook."""
    with translation.override("vi"):
        return {value: str(label) for value, label in choices.choices}


PLAN_1 = "Phương án phát triển cụm công nghiệp đến năm 2020 (tổng hợp)"
PLAN_2 = "Phương án phát triển cụm công nghiệp giai đoạn 2021–2030 (tổng hợp)"


@dataclass
class FakeCluster:
    code: str
    name: str
    area: Decimal
    communes: list[str]
    lead: str
    steps: list[tuple[str, datetime.date | None, str]] = field(default_factory=list)  # status, day, doc number
    v1: str | None = None  # group in plan 1 (None: not in it)
    v2: str | None = None
    v2_area: Decimal | None = None


@dataclass
class FakeRegistry:
    province: str
    clusters: list[FakeCluster]
    documents: list[tuple[str, int, datetime.date]]  # number, year, date

    def status_on(self, day: datetime.date) -> dict[str, int]:
        """Clusters by status on `day` as the dated steps have it (undated steps count in no past figure)."""
        counts: dict[str, int] = {}
        for cluster in self.clusters:
            dated = [(d, i, s) for i, (s, d, _n) in enumerate(cluster.steps) if d is not None and d <= day]
            if dated:
                status = max(dated)[2]
                counts[status] = counts.get(status, 0) + 1
        return counts

    def plan_totals(self) -> tuple[int, Decimal, int]:
        """Plan 2's clusters and area (withdrawn and deferred not counted) and how many entries are not counted."""
        counted = [c for c in self.clusters if c.v2 and c.v2 not in (G.WITHDRAWN, G.DEFERRED)]
        shown = len([c for c in self.clusters if c.v2 in (G.WITHDRAWN, G.DEFERRED)])
        return len(counted), sum((c.v2_area for c in counted), Decimal(0)), shown


def _day(year, month=1, day=1):
    return datetime.date(year, month, day)


def _cluster(i: int, province: str, communes: list[tuple[str, str]]) -> FakeCluster:
    code, commune_name = communes[i % len(communes)]
    place = commune_name.split(" ", 1)[-1]
    name = f"Cụm công nghiệp số {i:04d} {place}"
    if i == 2:  # looks like cluster 1 but for a trailing number
        name = f"Cụm công nghiệp số 0001 {communes[1 % len(communes)][1].split(' ', 1)[-1]} 2"
    area = Decimal(10 + (i * 7) % 60) + Decimal("0.25")
    members = [code]
    lead = code
    if i == 3:
        members, lead, area = [communes[0][0]], communes[0][0], Decimal(6)  # 6 ha in a (mountainous) commune
    if i in (4, 5):  # straddles two communes, the second one leads
        other = communes[(i + 1) % len(communes)][0]
        members, lead = [code, other], other
    cluster = FakeCluster(f"SYN-{province}-{i:04d}", name, area, members, lead)
    year = 2010 + i % 10
    pattern = i % 8
    number = f"{i}/QĐ-UBND"
    if pattern == 5:
        cluster.steps = [(S.PROPOSED, None, ""), (S.PLANNED, _day(2021, 6, 1), "")]
    elif pattern == 6:
        cluster.steps = [(S.PLANNED, _day(2011), ""), (S.REMOVED, _day(2022, 3, 15), "")]
    elif pattern == 0:
        cluster.steps = [(S.PLANNED, _day(2012), "")]
    else:
        cluster.steps = [(S.PLANNED, _day(2010), ""), (S.ESTABLISHED, _day(year, 4, 1), number)]
        later = {
            2: [S.UNDER_CONSTRUCTION],
            3: [S.UNDER_CONSTRUCTION, S.INFRASTRUCTURE_COMPLETE],
            4: [S.UNDER_CONSTRUCTION, S.INFRASTRUCTURE_COMPLETE, S.OPERATING],
            7: [S.UNDER_CONSTRUCTION],
        }.get(pattern, [])
        for step, status in enumerate(later, start=1):
            day = None if pattern == 7 else _day(min(year + step, 2025), 6, 1)  # pattern 7: no source dates it
            cluster.steps.append((status, day, ""))
    cluster.v1 = None if pattern == 5 or (pattern == 0 and i % 16 == 8) else G.KEPT
    if pattern == 5:
        cluster.v2 = G.BROUGHT_FORWARD
    elif pattern == 6:
        cluster.v2 = G.WITHDRAWN
    elif pattern == 0:
        cluster.v2 = G.ADDED if i % 16 == 8 else G.DEFERRED
    elif i % 3 == 0:
        cluster.v2 = G.AREA_CHANGED
    else:
        cluster.v2 = G.KEPT
    cluster.v2_area = area + (Decimal(5) if cluster.v2 == G.AREA_CHANGED else 0)
    return cluster


def synthetic_registry(province: str, communes: list[tuple[str, str]], n: int = 32) -> tuple[bytes, FakeRegistry]:
    """The workbook of `n` made-up clusters in `province` (`communes`: its (code, name) pairs) and its facts."""
    clusters = [_cluster(i, province, communes) for i in range(1, n + 1)]
    STATUS_VI, GROUP_VI = _vi(S), _vi(G)  # noqa: N806
    documents = []
    rows = {key: [] for key in workbook.ORDER}
    for c in clusters:
        communes_cell = "; ".join(f"{code}*" if code == c.lead and len(c.communes) > 1 else code for code in c.communes)
        rows[workbook.CLUSTERS].append(
            [
                c.code,
                c.name,
                "",
                "Chung",
                province,
                communes_cell,
                "",
                "",
                c.area,
                c.area,
                None,
                "",
                None,
                None,
                "",
                "",
                SYNTHETIC,
            ]
        )
        for status, day, number in c.steps:
            year = day.year if number else None
            rows[workbook.HISTORY].append([c.code, STATUS_VI[status], day, number, year, ISSUER if number else "", ""])
            if number:
                documents.append((number, day.year, day))
        for plan, group, area in ((PLAN_1, c.v1, c.area), (PLAN_2, c.v2, c.v2_area)):
            if group:
                rows[workbook.ENTRIES].append(
                    [plan, c.code, c.name, GROUP_VI[group], area, "2021–2030" if plan == PLAN_2 else "đến 2020"]
                )
    documents.append(("99/QĐ-UBND", 2023, _day(2023, 5, 20)))
    for number, year, day in documents:
        rows[workbook.DOCUMENTS].append([number, year, ISSUER, "Quyết định", day, f"Quyết định (tổng hợp) {number}"])
    rows[workbook.PLANS] = [
        [PLAN_1, "", None, "", _day(2016, 1, 1), 2020, 2030, "không", ""],
        [PLAN_2, "99/QĐ-UBND", 2023, ISSUER, _day(2023, 5, 20), 2030, 2050, "có", PLAN_1],
    ]
    # The workbook's column order is the schema's: clusters' columns are code, name, name (ASCII), kind,
    # province, communes, former district, former communes, planned area, area, industrial land, investor,
    # latitude, longitude, sectors, industrial park, notes.
    data = workbook.write_workbook(rows, title=f"{SYNTHETIC}: sổ đăng ký cụm công nghiệp tỉnh {province}")
    return data, FakeRegistry(province, clusters, documents)
