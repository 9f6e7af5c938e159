"""Kept sample verdicts (`icis.environment.kept`): the standings read from them equal the standings judged
in Python from the rows, through every kind of write that can change them."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext

from icis.accounts import roles
from icis.environment import kept, selectors, services
from icis.environment.choices import BUILT, Outcome, PlantStatus, SampleOrigin, SamplePoint
from icis.environment.compliance import Catalogue
from icis.environment.models import (
    Limit,
    MonitoringRequirement,
    Parameter,
    PlantCluster,
    Sample,
    SampleValue,
    SampleVerdict,
    Violation,
    WastewaterPlant,
)
from icis.geo.models import Commune
from icis.testing.factories import make_cluster, person

from .factories import day, make_plant, operating_cluster, sample

pytestmark = pytest.mark.django_db


def judged_in_python(plants, on):
    """`selectors.plant_standings` as it was before the verdicts were kept: every latest sample judged."""
    latest = (
        Sample.objects.filter(
            plant=OuterRef("pk"), point=SamplePoint.OUTLET, origin=SampleOrigin.PERIODIC, sampled_on__lte=on
        )
        .order_by("-sampled_on", "-id")
        .values("pk")[:1]
    )
    rows = list(plants.annotate(status_then=selectors._status_then(on), latest_sample_id=Subquery(latest)))
    requirements = defaultdict(list)
    for requirement in MonitoringRequirement.objects.filter(plant__in=[p.pk for p in rows], starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    ):
        requirements[requirement.plant_id].append(requirement)
    samples = {
        s.pk: s for s in Sample.objects.filter(pk__in=[p.latest_sample_id for p in rows]).prefetch_related("values")
    }
    catalogue = Catalogue.load()
    found = {}
    for plant in rows:
        if plant.status_then is None:
            continue
        if plant.status_then not in BUILT:
            found[plant.pk] = (plant.status_then, False, "not_built", None)
            continue
        if plant.status_then == PlantStatus.SUSPENDED:
            found[plant.pk] = (plant.status_then, False, "suspended", None)
            continue
        wanted = min(requirements[plant.pk], key=lambda r: r.frequency_months, default=None)
        months = wanted.frequency_months if wanted else settings.ICIS_MONITORING_DEFAULT_MONTHS
        grace = wanted.grace_days if wanted else selectors.DEFAULT_GRACE_DAYS
        cutoff = selectors.sample_cutoff(on, months, grace)
        sample_ = samples.get(plant.latest_sample_id)
        if sample_ is None or sample_.sampled_on < cutoff:
            found[plant.pk] = (plant.status_then, False, "no_sample", sample_ and sample_.pk)
            continue
        outcome = catalogue.judge_sample(sample_, plant).outcome
        reason = outcome if outcome in (Outcome.COMPLIANT, Outcome.EXCEEDED) else "indeterminate"
        found[plant.pk] = (plant.status_then, outcome == Outcome.COMPLIANT, reason, sample_.pk)
    return found


def kept_standings(plants, on):
    return {pk: (s.status, s.meets, s.reason, s.sample_id) for pk, s in selectors.plant_standings(plants, on).items()}


def same(on="2026-03-15", plants=None):
    plants = WastewaterPlant.objects.all() if plants is None else plants
    expected = judged_in_python(plants, day(on))
    assert kept_standings(plants, day(on)) == expected
    return expected


def test_kept_standings_equal_the_python_judgement_through_every_write(hanoi, boss):
    good = make_plant(operating_cluster(name="Tốt"), name="Trạm tốt")
    bad = make_plant(operating_cluster(name="Vượt"), name="Trạm vượt")
    blank = make_plant(operating_cluster(name="Trống"), name="Trạm trống")
    make_plant(operating_cluster(name="Chưa mẫu"), name="Trạm chưa có mẫu")
    building = make_plant(operating_cluster(name="Đang xây"), name="Trạm xây", status=PlantStatus.UNDER_CONSTRUCTION)
    sample(good, "2026-03-01", {"COD": 10, "pH": 7})
    sample(bad, "2026-03-01", {"COD": 500, "pH": 7})  # one limit exceeded
    blank_sample, _, _ = sample(blank, "2026-03-01", {"COD": 10, "pH": 7})
    sample(building, "2026-03-01", {"COD": 10})
    found = same()
    assert found[good.pk][2] == "compliant" and found[bad.pk][2] == "exceeded"
    assert SampleVerdict.objects.filter(stale=False).count() == 3  # kept for the samples that counted

    # a blank value makes the sample indeterminate, never compliant; it never hides an exceedance
    cod = Parameter.objects.get(code="COD")
    SampleValue.objects.get(sample=blank_sample, parameter=cod).delete()
    blank_sample.refresh_from_db()
    blank_sample.other_values = [{"parameter": "COD", "value": "", "unit": "mg/L"}]  # reported blank
    blank_sample.save()
    assert same()[blank.pk][2] == "indeterminate"
    value = SampleValue.objects.get(sample=blank_sample, parameter__code="pH")
    value.value = Decimal("13")  # out of the pH range, beside the blank COD
    value.save()
    assert same()[blank.pk][2] == "exceeded"

    # a newer sample supersedes; deleting it brings the older one back; as of an earlier day, the older one
    newer, _, _ = sample(good, "2026-03-10", {"COD": 400})
    assert same()[good.pk][2] == "exceeded"
    assert same("2026-03-05")[good.pk][2] == "compliant"
    Violation.objects.filter(sample=newer).delete()  # it opened one: the sample is protected by it
    newer.delete()
    assert same()[good.pk][2] == "compliant"
    assert not SampleVerdict.objects.filter(sample_id=newer.pk).exists()

    # a value deleted from the exceeding sample
    SampleValue.objects.get(sample__plant=bad, parameter__code="COD").delete()
    assert same()[bad.pk][2] == "compliant"

    # the plant's own factors change its Cmax: COD 80 fails column A at Kq 0.9 × Kf 1.0, passes at Kq 1.2
    sample(good, "2026-03-12", {"COD": 80})
    assert same()[good.pk][2] == "exceeded"
    services.plant_update(plant=WastewaterPlant.objects.get(pk=good.pk), data={"kq": Decimal("1.2")}, actor=boss)
    assert same()[good.pk][2] == "compliant"

    # a changed limit (the regulation catalogue): Cmax 75 × 1.2 × 1.0 = 90 < 80 no more once C is 60
    regulation = selectors.regulation_for_new_plant(day("2026-03-12"))
    limit = Limit.objects.get(regulation=regulation, parameter=cod, column="A")
    before = kept.catalogue_version()
    limit.value = Decimal("60")
    limit.save()
    assert kept.catalogue_version() == before + 1
    assert same()[good.pk][2] == "exceeded"

    # moved to another cluster, out of the commune an official sees: scope narrows, standings do not change
    here = make_cluster(
        name="Trong xã", status="operating", status_date=day("2015-01-01"), communes=[Commune.objects.get(code="10273")]
    )
    there = make_cluster(
        name="Ngoài xã", status="operating", status_date=day("2015-01-01"), communes=[Commune.objects.get(code="10030")]
    )
    link = PlantCluster.objects.get(plant=good)
    link.cluster = here
    link.save()
    official = person("xa-a", roles.COMMUNE_OFFICIAL, communes=["10273"])
    mine = WastewaterPlant.objects.restrict(official)
    assert set(same(plants=mine)) == {good.pk}
    link.cluster = there
    link.save()
    assert same(plants=WastewaterPlant.objects.restrict(official)) == {}
    summary = selectors.summary_counts(selectors.environment_overview(user=boss, as_of=day("2026-03-15")))
    assert summary["ids"]["plants_not_meeting_standard"] == sorted([good.pk, blank.pk] + _no_sample(boss))


def _no_sample(user):
    standings = selectors.plant_standings(WastewaterPlant.objects.restrict(user), day("2026-03-15"))
    return [pk for pk, s in standings.items() if s.reason == "no_sample"]


def test_a_stale_row_is_recomputed_and_a_fresh_one_is_read_as_kept(hanoi):
    plant = make_plant(operating_cluster())
    recorded, _, _ = sample(plant, "2026-03-01", {"COD": 10})
    assert SampleVerdict.objects.get(sample=recorded).stale  # marked by the write, judged when read
    assert kept.outcomes([recorded.pk]) == {recorded.pk: Outcome.COMPLIANT}
    row = SampleVerdict.objects.get(sample=recorded)
    assert (row.stale, row.outcome, row.catalogue_version) == (False, Outcome.COMPLIANT, kept.catalogue_version())
    with CaptureQueriesContext(connection) as captured:
        assert kept.outcomes([recorded.pk]) == {recorded.pk: Outcome.COMPLIANT}
    assert len(captured) == 2  # the catalogue version, the kept row
    SampleVerdict.objects.all().delete()  # rows lost (a bulk load that sends no signal): made again when read
    assert kept.outcomes([recorded.pk]) == {recorded.pk: Outcome.COMPLIANT}
    assert kept.outcomes([]) == {}


def test_deleting_a_sample_with_its_values_leaves_no_row_behind(hanoi):
    plant = make_plant(operating_cluster())
    recorded, _, _ = sample(plant, "2026-03-01", {"COD": 10, "pH": 7})
    kept.outcomes([recorded.pk])
    recorded.delete()
    assert not SampleVerdict.objects.exists()
