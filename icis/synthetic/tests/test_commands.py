import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from icis.clusters.models import Cluster, StatusChange
from icis.documents.models import Source
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict, Province
from icis.synthetic import bench, services
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_synthetic_registry", stdout=out, **options)
    return out.getvalue()


def written_rows() -> dict:
    return {
        "clusters": Cluster.objects.count(),
        "provinces": Province.objects.count(),
        "communes": Commune.objects.count(),
        "legacy_districts": LegacyDistrict.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "sources": Source.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_small_registry_marks_every_row_synthetic():
    output = generate(clusters=40, provinces=3)

    assert "Created 3 synthetic provinces" in output and "40 clusters" in output
    clusters = Cluster.objects.all()
    assert clusters.count() == 40 and not clusters.filter(is_synthetic=False).exists()
    assert sorted(clusters.values_list("code", flat=True))[:2] == ["SYN-00001", "SYN-00002"]
    synthetic = Province.objects.filter(is_synthetic=True)  # beside the country's 34 real ones
    assert set(synthetic.values_list("code", flat=True)) == {"S01", "S02", "S03"}
    assert all("(dữ liệu tổng hợp)" in p.name for p in synthetic)
    assert not Province.objects.filter(code__startswith="S", is_synthetic=False).exists()
    for model, path in ((Commune, "province"), (LegacyCommune, "district__province"), (LegacyDistrict, "province")):
        codes = list(model.objects.filter(**{f"{path}__is_synthetic": True}).values_list("code", flat=True))
        assert codes and all(code.startswith("S") and len(code) <= 5 for code in codes)
    for cluster in clusters.prefetch_related("sources"):
        assert [s.title for s in cluster.sources.all()] == [services.SOURCE_TITLE]
        assert cluster.province.is_synthetic and cluster.legacy_district.province_id == cluster.province_id
    assert any(re.search(r"[Đđăâêôơưáàảãạíìóòúùýếềốồớờứừ]", c.name) for c in clusters)


def test_areas_are_5_to_75_ha_and_industrial_land_never_exceeds_area():
    generate(clusters=40, provinces=3)

    for area, land in Cluster.objects.values_list("area_ha", "industrial_land_ha"):
        assert Decimal(5) <= area <= Decimal(75)
        assert Decimal(0) < land <= area


def test_lifecycle_history_chains_each_status_to_the_next_with_dates_in_order():
    generate(clusters=40, provinces=3)

    statuses = set()
    for cluster in Cluster.objects.prefetch_related("status_changes"):
        changes = sorted(cluster.status_changes.all(), key=lambda change: change.id)
        assert changes[0].from_status == ""
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.effective_on >= before.effective_on
        assert changes[-1].to_status == cluster.status
        statuses.add(cluster.status)
    assert len(statuses) >= 4
    assert StatusChange.objects.count() > Cluster.objects.count()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"clusters": 0}, "--clusters must be between 1"),
        ({"clusters": -5}, "--clusters must be between 1"),
        ({"provinces": 0}, "--provinces must be between 1 and 99"),
        ({"provinces": 100}, "--provinces must be between 1 and 99"),
        ({"communes_per_province": 0}, "--communes-per-province"),
    ],
)
def test_bad_arguments_are_refused_without_writing_anything(options, message):
    before = written_rows()

    with pytest.raises(CommandError, match=message):
        generate(**options)

    assert written_rows() == before


def test_dry_run_reports_but_writes_nothing():
    before = written_rows()

    output = generate(clusters=10, provinces=2, dry_run=True)

    assert "Dry run, rolled back" in output and "10 clusters" in output
    assert written_rows() == before


def test_second_run_is_refused_unless_replace():
    generate(clusters=10, provinces=2)
    before = written_rows()

    with pytest.raises(CommandError, match="--replace"):
        generate(clusters=10, provinces=2)

    assert written_rows() == before


def test_replace_deletes_earlier_synthetic_rows_and_keeps_real_ones(hanoi):
    real = make_cluster(name="Phú Xuyên")
    generate(clusters=12, provinces=3)

    output = generate(clusters=5, provinces=2, replace=True)

    assert "Deleted earlier synthetic data: 12 clusters, 3 provinces." in output
    assert Cluster.objects.filter(is_synthetic=True).count() == 5
    assert set(Province.objects.filter(is_synthetic=True).values_list("code", flat=True)) == {"S01", "S02"}
    assert not LegacyDistrict.objects.filter(code__startswith="S03").exists()
    assert Cluster.objects.filter(pk=real.pk, is_synthetic=False).exists()
    assert Province.objects.filter(code="01", is_synthetic=False).exists()


def test_same_seed_plans_the_same_registry():
    first = services.plan_clusters(clusters=30, provinces=3, communes_per_province=4, seed=7)
    again = services.plan_clusters(clusters=30, provinces=3, communes_per_province=4, seed=7)
    other = services.plan_clusters(clusters=30, provinces=3, communes_per_province=4, seed=8)

    assert first == again
    assert [p.name for p in first] != [p.name for p in other]


def test_bench_prints_a_table_with_p50_and_p95_and_appends_to_the_output_file(boss, tmp_path):
    generate(clusters=10, provinces=2)
    target = tmp_path / "RESULTS.md"
    out = io.StringIO()

    call_command("bench_registry", iterations=2, output=str(target), stdout=out)
    call_command("bench_registry", iterations=2, output=str(target), stdout=io.StringIO())

    table = out.getvalue()
    assert "| Request | Queries | Response KB | p50 ms | p95 ms | max ms |" in table
    assert "- Clusters: 10 (10 synthetic)" in table and f"- Database: {bench.database()}" in table
    for label, _url in bench.ENDPOINTS:
        assert re.search(rf"\| {re.escape(label)} \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", table)
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# ICIS registry benchmark results") and written.count("| Request |") == 2


def test_bench_refuses_zero_iterations(boss):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("bench_registry", iterations=0, stdout=io.StringIO())


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert bench.percentile(values, 0.95) == 95.0
    assert bench.percentile([3.0, 1.0], 0.95) == 3.0
