import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from icis.clusters import services
from icis.clusters.models import Cluster
from icis.core.concurrency import StaleVersion
from icis.testing.factories import make_cluster, superuser


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL")
def test_two_simultaneous_writers_on_the_same_version_exactly_one_wins(hanoi):
    cluster = make_cluster(area_ha=10)
    actor = superuser()
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(area):
        try:
            barrier.wait()
            services.cluster_update(cluster=cluster, data={"area_ha": Decimal(area)}, actor=actor, expected_version=1)
            outcomes.append(("won", area))
        except StaleVersion:
            outcomes.append(("told", area))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(a,)) for a in ("11", "12")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["told", "won"]
    winner = next(area for kind, area in outcomes if kind == "won")
    fresh = Cluster.objects.get(pk=cluster.pk)
    assert fresh.area_ha == Decimal(winner) and fresh.version == 2
