"""One judging core for a plant's standing on a day (`selectors._judge`, read from one query of plain values):
`plant_standings` (with the plant objects: the board, the plant list and detail, the cluster panel, the
portal) and `plant_judgements` (plain values: the counted summary, the dashboard chart) give what the two
copies they replaced gave. Those copies are kept here as the references (`old_plant_standings`, the objects
path with its own queries for the requirements and the samples, and `old_plant_facts`, the plain-values
path), and compared on the national generator's plants plus hand-made cases: plants in every status and not
yet registered, with and without samples (inlet and continuous ones, which never count), requirements of
several frequencies, ended and not yet begun, a sample on the cut-off day and one the day before, a deleted
sample, a changed limit, several days and several users and scopes. The board page, the plant list and
detail pages, the plant list API, the cluster items API and the summary API answer byte for byte what they
answered with the old functions (and the detail page's old template, the items API's old serializer)."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from icis.accounts import roles
from icis.accounts.models import Scope
from icis.clusters.models import Cluster
from icis.core import formats
from icis.environment import kept, selectors, services
from icis.environment.api import views as api_views
from icis.environment.choices import (
    BUILT,
    BUILT_OR_BUILDING,
    Outcome,
    PlantStatus,
    SampleOrigin,
    SamplePoint,
)
from icis.environment.models import Limit, MonitoringRequirement, Sample, Violation, WastewaterPlant
from icis.synthetic import national
from icis.testing.factories import person, superuser

from .factories import day, make_plant, operating_cluster, sample

pytestmark = pytest.mark.django_db

DAYS = (day("2024-01-15"), day("2025-03-31"), day("2025-07-31"), day("2025-12-01"), day("2026-03-15"))


# --- the references: the two copies as they were -------------------------------------------------------


@dataclass
class OldStanding:
    plant: WastewaterPlant
    status: str | None
    meets: bool = False
    reason: str = ""
    sample: Sample | None = None
    outcome: str | None = None
    cutoff: datetime.date | None = None

    @property
    def sample_id(self) -> int | None:
        return self.sample and self.sample.pk

    @property
    def sampled_on(self) -> datetime.date | None:
        return self.sample and self.sample.sampled_on

    @property
    def built_or_building(self) -> bool:
        return self.status in BUILT_OR_BUILDING

    @property
    def reason_label(self) -> str:
        labels = {
            "compliant": _("latest outlet sample compliant"),
            "exceeded": _("latest outlet sample exceeds a limit"),
            "indeterminate": _("latest outlet sample cannot be judged"),
            "no_sample": _("no periodic outlet sample since %(date)s")
            if self.sample
            else _("no periodic outlet sample recorded"),
            "not_built": _("not built"),
            "suspended": _("suspended"),
        }
        text = str(labels.get(self.reason, self.reason))
        return text % {"date": formats.date(self.cutoff)} if "%(date)s" in text and self.cutoff else text


def old_plant_standings(plants, day, catalogue=None):
    latest = (
        Sample.objects.filter(
            plant=OuterRef("pk"), point=SamplePoint.OUTLET, origin=SampleOrigin.PERIODIC, sampled_on__lte=day
        )
        .order_by("-sampled_on", "-id")
        .values("pk")[:1]
    )
    rows = list(plants.annotate(status_then=selectors._status_then(day), latest_sample_id=Subquery(latest)))
    requirements = defaultdict(list)
    for plant_id, months, grace in (
        MonitoringRequirement.objects.filter(plant__in=[p.pk for p in rows], starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("plant_id", "starts_on", "id")
        .values_list("plant_id", "frequency_months", "grace_days")
    ):
        requirements[plant_id].append((months, grace))
    latest_ids = [p.latest_sample_id for p in rows if p.latest_sample_id]
    samples = {s.pk: s for s in Sample.objects.filter(pk__in=latest_ids).only("id", "plant_id", "sampled_on")}
    standings, judged = {}, []
    for plant in rows:
        if plant.status_then is None:
            continue
        standing = OldStanding(plant=plant, status=plant.status_then)
        standings[plant.pk] = standing
        if plant.status_then not in BUILT:
            standing.reason = "not_built"
            continue
        if plant.status_then == PlantStatus.SUSPENDED:
            standing.reason = "suspended"
            continue
        wanted = min(requirements[plant.pk], key=lambda r: r[0], default=None)
        months, grace = wanted or (settings.ICIS_MONITORING_DEFAULT_MONTHS, selectors.DEFAULT_GRACE_DAYS)
        standing.cutoff = selectors.sample_cutoff(day, months, grace)
        sample_ = samples.get(plant.latest_sample_id)
        standing.sample = sample_
        if sample_ is None or sample_.sampled_on < standing.cutoff:
            standing.reason = "no_sample"
            continue
        judged.append(standing)
    outcomes = kept.outcomes(s.sample.pk for s in judged)
    for standing in judged:
        standing.outcome = outcomes[standing.sample.pk]
        standing.meets = standing.outcome == Outcome.COMPLIANT
        standing.reason = (
            standing.outcome if standing.outcome in (Outcome.COMPLIANT, Outcome.EXCEEDED) else "indeterminate"
        )
    return standings


def old_plant_facts(plants, day):
    latest = Sample.objects.filter(
        plant=OuterRef("pk"), point=SamplePoint.OUTLET, origin=SampleOrigin.PERIODIC, sampled_on__lte=day
    ).order_by("-sampled_on", "-id")
    running = (
        MonitoringRequirement.objects.filter(plant=OuterRef("pk"), starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("frequency_months", "starts_on", "id")
    )
    rows = (
        plants.order_by()
        .annotate(
            status_then=selectors._status_then(day),
            sample_id=Subquery(latest.values("pk")[:1]),
            sampled_on=Subquery(latest.values("sampled_on")[:1]),
            months=Subquery(running.values("frequency_months")[:1]),
            grace=Subquery(running.values("grace_days")[:1]),
        )
        .values_list("pk", "status_then", "sample_id", "sampled_on", "months", "grace")
    )
    cutoffs = {}
    facts, judged = {}, {}
    for pk, status, sample_id, sampled_on, months, grace in rows:
        if status is None:
            continue
        facts[pk] = (status, False)
        if status not in BUILT or status == PlantStatus.SUSPENDED or sample_id is None:
            continue
        wanted = (
            (months, grace)
            if months is not None
            else (settings.ICIS_MONITORING_DEFAULT_MONTHS, selectors.DEFAULT_GRACE_DAYS)
        )
        if wanted not in cutoffs:
            cutoffs[wanted] = selectors.sample_cutoff(day, *wanted)
        if sampled_on >= cutoffs[wanted]:
            judged[pk] = sample_id
    outcomes = kept.outcomes(judged.values())
    for pk, sample_id in judged.items():
        facts[pk] = (facts[pk][0], outcomes[sample_id] == Outcome.COMPLIANT)
    return facts


class OldPlantStandingSerializer(serializers.Serializer):
    plant = serializers.IntegerField(source="plant.pk")
    name = serializers.CharField(source="plant.name")
    status = serializers.CharField(allow_null=True)
    meets_standard = serializers.BooleanField(source="meets")
    reason = serializers.CharField()
    latest_sample = serializers.IntegerField(source="sample.pk", allow_null=True, default=None)
    latest_sample_on = serializers.DateField(source="sample.sampled_on", allow_null=True, default=None)


class OldClusterItemsSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    item_13 = serializers.IntegerField()
    item_14 = serializers.IntegerField()
    plants = OldPlantStandingSerializer(many=True)


OLD_DETAIL_LINE = (
    '{% if standing.sample %} ({% translate "latest periodic outlet sample" %} '
    '{{ standing.sample.sampled_on|date:"d/m/Y" }}){% endif %}'
)
NEW_DETAIL_LINE = (
    '{% if standing.sample_id %} ({% translate "latest periodic outlet sample" %} '
    '{{ standing.sampled_on|date:"d/m/Y" }}){% endif %}'
)


# --- the data ---------------------------------------------------------------------------------------------


def _requirement(plant, months, grace, starts_on, ends_on=None):
    return services.requirement_create(
        data={
            "plant": plant,
            "frequency_months": months,
            "grace_days": grace,
            "starts_on": day(starts_on),
            "ends_on": day(ends_on) if ends_on else None,
        },
        actor=superuser(),
    )


def _edge_cases(boss):
    """Plants the generator may not make, in the home province (01)."""
    planned = make_plant(operating_cluster(name="Quy hoạch"), status=PlantStatus.PLANNED, since="2024-06-01")
    sample(planned, "2025-12-01", {"COD": 10, "pH": 7})  # a planned plant's sample never counts
    make_plant(operating_cluster(name="Đang xây"), status=PlantStatus.UNDER_CONSTRUCTION, since="2025-06-01")
    make_plant(operating_cluster(name="Chưa có"), since="2026-01-01", name="Trạm đăng ký sau")  # not yet, earlier
    make_plant(operating_cluster(name="Chưa lấy mẫu"), since="2020-01-01", name="Trạm chưa mẫu")
    suspended = make_plant(operating_cluster(name="Tạm dừng"), since="2020-01-01", name="Trạm tạm dừng")
    sample(suspended, "2025-11-20", {"COD": 10, "pH": 7})
    services.plant_transition(
        plant=suspended, to_status=PlantStatus.SUSPENDED, effective_on=day("2025-12-10"), reason="hỏng", actor=boss
    )
    # quarterly with 30 days' grace: on 31/07/2025 the cut-off is 01/04/2025. One plant sampled on the
    # cut-off day (counts), one the day before (does not), each beside a six-monthly requirement (less frequent)
    # and a monthly one that ended (no longer running) and one not yet begun
    for name, on in (("Đúng hạn", "2025-04-01"), ("Trễ một ngày", "2025-03-31")):
        plant = make_plant(operating_cluster(name=name), since="2019-01-01", name=f"Trạm {name}")
        _requirement(plant, 3, 30, "2019-01-01")
        _requirement(plant, 6, 10, "2018-01-01")
        _requirement(plant, 1, 5, "2019-01-01", ends_on="2025-06-30")
        _requirement(plant, 1, 5, "2026-01-01")
        sample(plant, on, {"COD": 10, "pH": 7})
    # two requirements of the same frequency: the first by start date gives the grace days
    twins = make_plant(operating_cluster(name="Hai yêu cầu"), since="2019-01-01", name="Trạm hai yêu cầu")
    _requirement(twins, 2, 60, "2019-01-01")
    _requirement(twins, 2, 5, "2020-01-01")
    sample(twins, "2025-05-01", {"COD": 10, "pH": 7})
    # yearly requirement; an exceeding sample; an inlet sample and a continuous one after it (never count)
    yearly = make_plant(operating_cluster(name="Hằng năm"), since="2019-01-01", name="Trạm hằng năm")
    _requirement(yearly, 12, 90, "2019-01-01")
    sample(yearly, "2025-02-01", {"COD": 500, "pH": 7})
    sample(yearly, "2025-03-01", {"COD": 10, "pH": 7}, point="inlet")
    continuous, _, _ = sample(yearly, "2025-03-05", {"COD": 10, "pH": 7})
    Sample.objects.filter(pk=continuous.pk).update(origin=SampleOrigin.CONTINUOUS)
    # an indeterminate sample (a blank value)
    blank = make_plant(operating_cluster(name="Trống"), since="2020-01-01", name="Trạm mẫu trống")
    blank_sample, _, _ = sample(blank, "2026-03-01", {"COD": 10, "pH": 7})
    blank_sample.values.filter(parameter__code="COD").delete()
    blank_sample.refresh_from_db()
    blank_sample.other_values = [{"parameter": "COD", "value": "", "unit": "mg/L"}]
    blank_sample.save()
    # a newer sample deleted: the older one counts again
    deleted = make_plant(operating_cluster(name="Xoá mẫu"), since="2020-01-01", name="Trạm xoá mẫu")
    sample(deleted, "2026-02-01", {"COD": 10, "pH": 7})
    newer, _, _ = sample(deleted, "2026-03-01", {"COD": 400, "pH": 7})
    Violation.objects.filter(sample=newer).delete()
    newer.delete()
    # a limit changed after the samples were judged: COD 70 meets column A's 75 × 0.9 × 1.0 = 67.5 no more
    borderline = make_plant(operating_cluster(name="Sát ngưỡng"), since="2020-01-01", name="Trạm sát ngưỡng")
    sample(borderline, "2026-03-01", {"COD": 60, "pH": 7})
    kept.outcomes(Sample.objects.values_list("pk", flat=True))  # every verdict kept as the limits were
    regulation = selectors.regulation_for_new_plant(day("2026-03-01"))
    limit = Limit.objects.get(regulation=regulation, parameter__code="COD", column="A")
    limit.value = Decimal("60")
    limit.save()


@pytest.fixture
def country(hanoi):
    boss = superuser()
    national.national_generate(clusters=30, projects=30, progress_rows=30, provinces=2, communes_per_province=3)
    _edge_cases(boss)
    provinces = sorted(set(Cluster.objects.values_list("province_id", flat=True)))
    users = [boss, person("bo", roles.NATIONAL)]
    for code in provinces:
        leader = person(f"leader-{code}", roles.CITY_LEADER)
        Scope.objects.create(user=leader, province_id=code)
        users.append(leader)
    commune = (
        Cluster.objects.filter(province_id=provinces[-1])
        .exclude(communes=None)
        .values_list("communes__code", flat=True)[0]
    )
    users.append(person("xa", roles.COMMUNE_OFFICIAL, communes=[commune]))
    return {"users": users, "provinces": provinces, "boss": boss}


def seen(standings) -> list[tuple]:
    """Everything a caller can read of the standings, in their order."""
    return [
        (
            pk,
            s.plant.pk,
            s.status,
            s.meets,
            s.reason,
            s.sample_id,
            s.sampled_on,
            s.outcome,
            s.cutoff,
            s.built_or_building,
            s.reason_label,
        )
        for pk, s in standings.items()
    ]


def test_the_one_core_judges_as_both_old_copies_for_every_user_day_and_kind_of_plant(country):
    reasons = set()
    for user in country["users"]:
        for on in (*DAYS, timezone.localdate()):
            for plants in (
                WastewaterPlant.objects.restrict(user),
                WastewaterPlant.objects.restrict(user).only("id", "name", "status").order_by("-name"),
            ):
                new = selectors.plant_standings(plants, on)
                old = old_plant_standings(plants, on)
                assert seen(new) == seen(old), (user.username, on)
                facts = {pk: (s.status, s.meets) for pk, s in selectors.plant_judgements(plants, on).items()}
                assert facts == old_plant_facts(plants, on), (user.username, on)
                assert all(s.plant is None for s in selectors.plant_judgements(plants, on).values())
                reasons.update(s.reason for s in new.values())
    # the data reaches every branch of the judging
    assert reasons == {"compliant", "exceeded", "indeterminate", "no_sample", "not_built", "suspended"}
    boss = country["boss"]
    standings = selectors.plant_standings(WastewaterPlant.objects.all(), day("2025-07-31"))
    by_name = {s.plant.name: s for s in standings.values()}
    on_time, late = by_name["Trạm Đúng hạn"], by_name["Trạm Trễ một ngày"]
    assert (on_time.reason, on_time.cutoff, on_time.sampled_on) == ("compliant", day("2025-04-01"), day("2025-04-01"))
    assert (late.reason, late.cutoff, late.sampled_on) == ("no_sample", day("2025-04-01"), day("2025-03-31"))
    assert "Trạm đăng ký sau" not in by_name
    today = {
        s.plant.name: s
        for s in selectors.plant_standings(WastewaterPlant.objects.restrict(boss), day("2026-03-15")).values()
    }
    assert today["Trạm sát ngưỡng"].reason == "exceeded" and today["Trạm xoá mẫu"].reason == "compliant"
    assert today["Trạm mẫu trống"].reason == "indeterminate"


def test_the_standings_read_three_queries_where_the_old_copy_read_five(country):
    plants = WastewaterPlant.objects.all()
    on = day("2026-03-15")
    selectors.plant_standings(plants, on)  # the kept verdicts made
    with CaptureQueriesContext(connection) as old:
        old_plant_standings(plants, on)
    with CaptureQueriesContext(connection) as new:
        standings = selectors.plant_standings(plants, on)
    # the plants with their facts; the catalogue version and the kept verdicts
    assert (len(old), len(new)) == (5, 3)
    sampled = next(s for s in standings.values() if s.sample_id)
    assert Sample.objects.get(pk=sampled.sample_id).plant_id == sampled.plant.pk
    with CaptureQueriesContext(connection) as plain:
        selectors.plant_judgements(plants, on)
    assert len(plain) == 3


# --- the pages and the API, byte for byte ------------------------------------------------------------------


CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": ?)"[^"]+"')


def _pages(client, users, plant_ids, cluster_ids):
    answers = []
    for user in users:
        client.force_login(user)
        urls = ["/environment/", "/environment/?as_of=2025-12-01", "/environment/?as_of=2025-07-31"]
        urls += ["/environment/plants/", "/environment/plants/?page=2", "/api/wwtps/", "/api/environment/summary/"]
        urls += ["/api/environment/summary/?as_of=2025-07-31"]
        urls += [f"/environment/plants/{pk}/" for pk in plant_ids]
        urls += [f"/api/environment/clusters/{pk}/?as_of=2025-07-31" for pk in cluster_ids]
        urls += [f"/api/environment/clusters/{pk}/" for pk in cluster_ids]
        for url in urls:
            response = client.get(url)
            answers.append((user.username, url, response.status_code, CSRF.sub(rb"\1-", response.content)))
    client.logout()
    return answers


def test_the_pages_and_the_api_answer_byte_for_byte_what_the_old_functions_gave(
    country, client, monkeypatch, settings, tmp_path
):
    users = country["users"][:1] + country["users"][2:]  # the superuser, each province's leader, a commune official
    plant_ids = list(WastewaterPlant.objects.order_by("pk").values_list("pk", flat=True))
    cluster_ids = list(
        Cluster.objects.filter(wastewater_links__isnull=False).distinct().order_by("pk").values_list("pk", flat=True)
    )[:6]
    cluster_ids += list(
        Cluster.objects.filter(name__in=["Đúng hạn", "Trễ một ngày", "Tạm dừng"]).values_list("pk", flat=True)
    )
    new = _pages(client, users, plant_ids, cluster_ids)
    assert any(b"no periodic outlet sample since" in a[3] for a in new)
    assert any(b"latest periodic outlet sample" in a[3] for a in new)
    assert sum(a[2] == 200 for a in new) > len(new) // 2

    # the old functions patched in, with the detail page's template and the items API's serializer as they were
    source = (settings.BASE_DIR / "templates" / "environment" / "plant_detail.html").read_text()
    assert NEW_DETAIL_LINE in source
    (tmp_path / "environment").mkdir()
    (tmp_path / "environment" / "plant_detail.html").write_text(source.replace(NEW_DETAIL_LINE, OLD_DETAIL_LINE))
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]
    monkeypatch.setattr(selectors, "plant_standings", old_plant_standings)

    def old_judgements(plants, on):
        return {
            pk: OldStanding(plant=None, status=status, meets=meets)
            for pk, (status, meets) in old_plant_facts(plants, on).items()
        }

    monkeypatch.setattr(selectors, "plant_judgements", old_judgements)
    monkeypatch.setattr(api_views, "ClusterItemsSerializer", OldClusterItemsSerializer)
    old = _pages(client, users, plant_ids, cluster_ids)
    assert [a[:3] for a in new] == [a[:3] for a in old]
    for got, expected in zip(new, old, strict=True):
        assert got[3] == expected[3], got[:3]
