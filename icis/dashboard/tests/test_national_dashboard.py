"""The dashboard at national size. Its attention list, counted in the database (each kind's count and
first items in one query, icis.core.attention.counted_first), is what grouping every provider's items in
Python gives, on realistic data: the national generator's clusters (stalled, not started, stale, Forms 01
overdue, wastewater and inspection violations past their deadline, many on one date) plus overdue
obstacles and establishment dossiers at every step, read by a national user, a provincial leader of
each province and a commune official, on days before, among and after the dossiers' deadlines. Its
verification and Decree 32 counts equal counting the rows. The page and the leaders' briefing read the
same number of queries for few clusters and many."""

import contextlib
import datetime
import difflib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icis.accounts import roles
from icis.accounts.models import Scope
from icis.clusters import plausibility
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster, ClusterCommune
from icis.construction import services as construction
from icis.construction.models import Obstacle
from icis.construction.selectors import BOARD_STAGES
from icis.construction.tests.factories import accepted, cluster_with_history
from icis.core import attention
from icis.dashboard import selectors
from icis.dossiers import services as dossiers
from icis.dossiers.tests.conftest import STEP_DATES, record
from icis.geo.models import Commune
from icis.synthetic import national
from icis.tenancy import periods
from icis.tenancy.choices import ReportForm
from icis.tenancy.models import Submission
from icis.testing.factories import make_cluster, person, superuser

pytestmark = pytest.mark.django_db

SMALL = {"provinces": 2, "communes_per_province": 3}
DAYS = (
    datetime.date(2025, 1, 8),
    datetime.date(2025, 2, 12),
    datetime.date(2025, 3, 25),
    datetime.date(2026, 6, 30),
    datetime.date.today(),
)


def generate(clusters: int, **sizes) -> None:
    sizes = {"projects": clusters * 4, "progress_rows": clusters * 8 * 12, **SMALL, **sizes}
    national.national_generate(clusters=clusters, replace=True, **sizes)


def python_grouped(user, today, limit) -> list[attention.Group]:
    """The list as it was before any provider counted in the database: every item, grouped in Python, in
    `summarise`'s order."""
    groups = []
    for provider in attention.providers().values():
        groups.extend(g for g in attention.group_items(provider(user, today), limit) if g.count)
    return sorted(groups, key=lambda g: (g.severity, -g.count, g.label))


def _obstacles(boss):
    """Overdue obstacles on a few under-construction clusters (three due the same day), one resolved."""
    clusters = list(Cluster.objects.filter(status=ClusterStatus.UNDER_CONSTRUCTION).order_by("pk")[:4])
    for n, cluster in enumerate(clusters):
        obstacle = construction.obstacle_create(
            cluster=cluster,
            data={
                "category": "capital",
                "description": f"Thiếu vốn {n}",
                "responsible_agency": "UBND xã",
                "raised_on": datetime.date(2024, 1, 1),
                "due_on": datetime.date(2024, 3, 1) if n < 3 else datetime.date(2025, 2, 1),
            },
            actor=boss,
        )
    construction.obstacle_update(
        obstacle=obstacle,
        data={"resolution": "Đã bố trí vốn"},
        status="resolved",
        resolved_on=datetime.date(2025, 3, 1),
        actor=boss,
    )


def _dossiers(boss):
    """An establishment dossier at each step of the ladder (0 to 10 recorded), on planned clusters of the
    first synthetic commune, and one withdrawn."""
    commune = Commune.objects.get(code=ClusterCommune.objects.order_by("commune_id").values("commune_id")[:1])
    for step in range(0, 11):
        cluster = make_cluster(
            name=f"Cụm hồ sơ bước {step}",
            status=ClusterStatus.PLANNED,
            status_date=datetime.date(2019, 1, 1),
            area_ha=30,
            communes=[commune],
            province=commune.province,
        )
        dossier = dossiers.dossier_open(
            cluster=cluster, kind="establish", opened_on=datetime.date(2025, 1, 6), actor=boss
        )
        for n in range(1, step + 1):
            record(dossier, n, STEP_DATES[n], boss)
    return commune


@pytest.fixture
def country(hanoi):
    boss = superuser()
    generate(30)
    _obstacles(boss)
    # completed in 2019, its last report older than the stale limit
    done = cluster_with_history(
        planned_on="2014-01-01",
        established_on="2015-01-01",
        started_on="2016-01-01",
        completed_on="2019-01-01",
        name="Hoàn thành",
    )
    accepted(done, "2018-12-31", 100)
    commune = _dossiers(boss)
    provinces = sorted(set(Cluster.objects.values_list("province_id", flat=True)))
    assert len(provinces) >= 2
    leaders = []
    for code in provinces:
        leader = person(f"leader-{code}", roles.CITY_LEADER)
        Scope.objects.create(user=leader, province_id=code)
        leaders.append(leader)
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=[commune.code])
    return {"boss": boss, "leaders": leaders, "official": official, "provinces": provinces}


def test_the_dashboard_equals_every_item_grouped_and_every_row_counted_for_each_user_and_day(country):
    users = [country["boss"], *country["leaders"], country["official"]]
    kinds = set()
    for user in users:
        for today in DAYS:
            for limit in (1, 5):
                got = attention.summarise(user, today, limit)
                assert got == python_grouped(user, today, limit), (user.username, today, limit)
                kinds |= {g.kind for g in got}
    assert {
        "stalled",
        "not_started",
        "stale",
        "obstacle_overdue",
        "dossier_overdue",
        "dossier_due_soon",
        "violation_overdue",
        "inspection_violation_overdue",
    } <= kinds

    # each province's leader and the commune official see only their own: per kind, the provinces' counts
    # add up to the national count, and every cluster named is one they reach
    today = datetime.date.today()
    national_counts = {g.kind: g.count for g in attention.summarise(country["boss"], today, 5)}
    per_province = [attention.summarise(user, today, 50) for user in country["leaders"]]
    for kind in ("stalled", "not_started", "stale", "obstacle_overdue", "dossier_overdue"):
        counts = [next((g.count for g in groups if g.kind == kind), 0) for groups in per_province]
        assert sum(counts) == national_counts.get(kind, 0), kind
    for user, groups in [*zip(country["leaders"], per_province, strict=True), (country["official"], None)]:
        reachable = set(Cluster.objects.restrict(user).values_list("name", flat=True))
        for group in groups or attention.summarise(user, today, 50):
            if group.kind in ("stalled", "not_started", "stale", "obstacle_overdue", "dossier_overdue"):
                assert {item.title.split(": ")[0] for item in group.items} <= reachable, (user.username, group)
    assert any(g.kind == "dossier_overdue" for g in attention.summarise(country["official"], today, 5))

    # the verification and Decree 32 counts and samples equal counting and listing the rows
    for user in (country["boss"], *country["leaders"], country["official"]):
        for province in (None, *country["provinces"]):
            clusters = selectors._clusters(user, province)
            count, sample = selectors.needing_verification(user=user, province_code=province)
            flagged = clusters.filter(needs_verification=True)
            assert count == flagged.count()
            assert [c.pk for c in sample] == list(flagged.values_list("pk", flat=True)[:12])
            count, rows = selectors.implausible_figures(user=user, province_code=province)
            wrong = plausibility.implausible(clusters).order_by("sort_name", "code")
            assert count == wrong.count()
            assert [r["cluster"].pk for r in rows] == list(wrong.values_list("pk", flat=True)[:8])
            for row in rows:
                communes = [link.commune for link in ClusterCommune.objects.filter(cluster=row["cluster"])]
                assert row["warnings"] == plausibility.warnings_for(row["cluster"], communes)


def test_the_briefing_read_in_one_batch_equals_each_cluster_read_on_its_own(country):
    """The batched records (the newest accepted report looked up once a cluster, the trails, milestones,
    obstacles and dates in one query each) word every cluster as reading that cluster alone does."""
    from icis.construction.briefing import briefing_content, cluster_briefing

    boss = country["boss"]
    briefed = list(Cluster.objects.filter(status__in=BOARD_STAGES).order_by("pk").select_related("investor"))
    assert len(briefed) >= 10
    content = briefing_content(briefed, user=boss)
    alone = [cluster_briefing(c, user=boss) for c in briefed]
    assert [(b.code, b.sections) for b in content["clusters"]] == [(b.code, b.sections) for b in alone]
    assert any("%" in line for b in alone for line in b.sections[1].lines)  # some have an accepted report


def test_a_limit_of_zero_still_counts(hanoi, boss):
    make_cluster(name="Cần xác minh", needs_verification=True)
    count, rows = selectors.needing_verification(user=boss, limit=0)
    assert (count, rows) == (1, [])
    clusters = Cluster.objects.all()
    total, items = attention.counted_first(clusters, since="created_at", limit=0, build=lambda row: None)
    assert (total, items) == (1, [])


def test_nothing_to_count_is_zero_and_no_items(hanoi):
    none = Cluster.objects.filter(pk__lt=0)
    assert attention.counted_first(none, since="created_at", limit=5, build=lambda row: None) == (0, [])
    assert attention.counted_first(none.values("pk", "created_at"), since="created_at", limit=5, build=None) == (
        0,
        [],
    )


def _page_queries(client, url) -> list[str]:
    client.get(url)  # the kept rows are brought up to date on the first read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"][:80] for query in queries.captured_queries]


def test_the_dashboard_and_the_briefing_read_the_same_queries_for_few_and_many_clusters(hanoi):
    boss = superuser()
    client = Client()
    client.force_login(boss)
    counts = []
    make_cluster(name="Cụm quá rộng", area_ha=100)  # breaks Decree 32's size rule at both sizes
    kinds = []
    for size in (12, 60):
        Obstacle.objects.all().delete()  # before the generator replaces the clusters they are on
        generate(size, provinces=1)
        _obstacles(boss)
        # one tenant project without its Form 01 for the period due, at both sizes (the generator writes
        # Form 01 for the periods around today, so whether one is missing otherwise depends on the size)
        due = periods.due(ReportForm.FORM_01, timezone.localdate()).code
        Submission.objects.filter(pk__in=Submission.objects.filter(form=ReportForm.FORM_01, period=due)[:1]).delete()
        kinds.append({g.kind for g in attention.summarise(boss, None, 5)})
        briefed = Cluster.objects.filter(status__in=BOARD_STAGES).order_by("pk")[:10]
        assert briefed
        url = "/construction/briefing/?" + "&".join(f"cluster={pk}" for pk in briefed.values_list("pk", flat=True))
        # a provincial leader reads the same page through the province's scope (one cluster there breaking
        # Decree 32's size rule at both sizes, as above)
        make_cluster(name=f"Cụm quá rộng {size}", area_ha=100, province=briefed[0].province)
        leader = person(f"leader-{size}", roles.CITY_LEADER)
        Scope.objects.create(user=leader, province_id=briefed[0].province_id)
        provincial = Client()
        provincial.force_login(leader)
        counts.append(
            (
                _page_queries(client, "/"),
                _page_queries(client, url),
                _page_queries(client, url + "&choose=1"),
                _page_queries(provincial, "/"),
                _page_queries(provincial, url),
            )
        )
    assert kinds[0] == kinds[1]  # the same kinds to count and list, so the same queries
    for few, many in zip(counts[0], counts[1], strict=True):
        assert len(few) == len(many), "\n".join(difflib.unified_diff(few, many, lineterm=""))
    dashboard, briefing, chooser, provincial_dashboard, provincial_briefing = (len(q) for q in counts[0])
    assert dashboard <= 22 and briefing <= 13 and chooser <= 6, [len(q) for q in counts[0]]
    assert provincial_dashboard <= 25 and provincial_briefing <= 15, [len(q) for q in counts[0]]


def _previous_summaries() -> dict:
    """The summaries as they were before construction read its cluster kinds in one query and environment its
    violations as narrow rows (a count and first-keys query, then the rows)."""
    from django.utils.translation import gettext as _

    from icis.construction.tests.reference_attention import reference_summary
    from icis.environment import attention as environment

    def environment_summary(user, today, limit):
        if not user.has_perm("environment.view_violation"):
            return []
        late = environment._late(user, today)
        count, found = attention.counted_first(late, since="deadline", limit=limit, build=environment._item)
        return [attention.Group("violation_overdue", _("Violation past its corrective deadline"), 1, count, found)]

    return {"construction": reference_summary, "environment": environment_summary}


@contextlib.contextmanager
def _summaries(replacements: dict):
    kept = dict(attention._summaries)
    try:
        for name, summary in replacements.items():
            attention.register(name, attention.providers()[name], summary)
        yield
    finally:
        attention._summaries.clear()
        attention._summaries.update(kept)


def _page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", response.content.decode())  # a new CSRF mask each time


def _on(day, real):
    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    return localdate


def test_the_dashboard_page_is_byte_for_byte_what_the_previous_summaries_gave(country, monkeypatch):
    """For a national user, each province's leader and a commune official, on days before, among and after
    the dossiers' deadlines: the page (attention list, counts, links, wording) is unchanged."""
    real = timezone.localdate
    for user in (country["boss"], *country["leaders"], country["official"]):
        client = Client()
        client.force_login(user)
        for today in DAYS:
            monkeypatch.setattr(timezone, "localdate", _on(today, real))
            new = _page(client)
            with _summaries(_previous_summaries()):
                old = _page(client)
            assert _page(client) == new
            assert old == new, "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm=""))
            assert "attention" in new
