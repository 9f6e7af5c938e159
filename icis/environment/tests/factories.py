"""Builders for environment tests: plants with a dated lifecycle, samples, the test regulation file."""

import datetime
from decimal import Decimal
from pathlib import Path

from icis.clusters.choices import ClusterStatus
from icis.environment import services
from icis.environment.choices import PlantStatus
from icis.testing.factories import make_cluster, superuser

DATA = Path(__file__).resolve().parent / "data"
FIXTURE_2025 = DATA / "qcvn40-2025-test-fixture.json"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def operating_cluster(name="Cụm đang hoạt động", since="2015-01-01", **fields):
    return make_cluster(name=name, status=ClusterStatus.OPERATING, status_date=day(since), **fields)


def make_plant(
    *clusters,
    receiving_class="A",
    kq="0.9",
    kf="1.0",
    status=PlantStatus.OPERATING,
    since="2020-01-01",
    capacity="1000",
    actor=None,
    **fields,
):
    data = {
        "name": fields.pop("name", "Trạm XLNT thử"),
        "capacity_m3_day": Decimal(capacity),
        "receiving_class": receiving_class,
        "kq": None if kq is None else Decimal(kq),
        "kf": None if kf is None else Decimal(kf),
        **fields,
    }
    return services.plant_create(
        data=data, clusters=clusters, status=status, status_date=day(since), actor=actor or superuser()
    )


def sample(plant, on, values, *, point="outlet", actor=None):
    recorded, judgement, violations = services.sample_record(
        plant=plant,
        sampled_on=day(on) if isinstance(on, str) else on,
        values=values,
        point=point,
        actor=actor or superuser(),
    )
    return recorded, judgement, violations


def load_fixture_2025():
    return services.regulation_load(path=FIXTURE_2025, actor=superuser())
