"""The plant and connection lists as list pages: every row reachable through the page links (the
connection list used to stop at 50 rows with no link to the rest), and the filtered export (CSV and
XLSX) holding exactly the rows the user may see (commune official vs DoIT)."""

import datetime
from decimal import Decimal

import pytest

from icis.clusters import services as cluster_services
from icis.environment import services
from icis.environment.choices import ConnectionKind
from icis.environment.views import ConnectionListView, PlantListView
from icis.tenancy import services as tenancy_services
from icis.testing.listpages import EXPORT_PARAMETER, export_rows, exported_markers, walk_pages

from .factories import make_plant

pytestmark = pytest.mark.django_db
PAGE = 5
PLANTS = "/environment/plants/"
CONNECTIONS = "/environment/connections/"
PLANT = r"TXL-[AB]-\d{3}"
FIRM = r"CTY-[AB]-\d{3}"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(PlantListView, "paginate_by", PAGE)
    monkeypatch.setattr(ConnectionListView, "paginate_by", PAGE)


def names(prefix, key, numbers):
    return sorted(f"{prefix}-{key}-{n:03d}" for n in numbers)


@pytest.fixture
def plants(world, boss):
    """Cluster A (in the commune official's scope): 11 plants discharging to class A water and 2 to
    class B; cluster B (outside it): 6 to class A, and one plant serving both clusters."""
    for n in range(11):
        make_plant(world["a"], name=f"Trạm TXL-A-{n:03d}", receiving_class="A", actor=boss)
    for n in range(11, 13):
        make_plant(world["a"], name=f"Trạm TXL-A-{n:03d}", receiving_class="B", actor=boss)
    for n in range(6):
        make_plant(world["b"], name=f"Trạm TXL-B-{n:03d}", receiving_class="A", actor=boss)
    make_plant(world["a"], world["b"], name="Trạm TXL-A-100", receiving_class="A", actor=boss)
    return world


@pytest.fixture
def connections(world, boss):
    """Cluster A: 12 projects connected to its plant and 3 treating their own water; cluster B: 7
    connected projects."""
    plants = {}
    for key in ("a", "b"):
        world[key] = cluster_services.cluster_update(
            cluster=world[key], data={"industrial_land_ha": Decimal("10")}, actor=boss
        )
        plants[key] = make_plant(world[key], name=f"Trạm {key.upper()}", actor=boss)
    tax = iter(range(1000000001, 1000000100))

    def add(key, number, kind):
        firm = tenancy_services.tenant_create(
            data={"name": f"Công ty CTY-{key.upper()}-{number:03d}", "tax_code": str(next(tax))}, actor=boss
        )
        project = tenancy_services.project_create(
            data={
                "cluster": world[key],
                "tenant": firm,
                "land_ha": Decimal("0.1"),
                "lease_start": datetime.date(2024, 1, 1),
            },
            actor=boss,
        )
        services.connection_create(
            data={
                "tenant_project": project,
                "kind": kind,
                "plant": plants[key] if kind == ConnectionKind.CONNECTED else None,
                "since": datetime.date(2024, 2, 1),
            },
            actor=boss,
        )

    for n in range(12):
        add("a", n, ConnectionKind.CONNECTED)
    for n in range(12, 15):
        add("a", n, ConnectionKind.OWN_TREATMENT)
    for n in range(7):
        add("b", n, ConnectionKind.CONNECTED)
    return world


def plants_seen(persona, receiving_class="A"):
    if receiving_class == "B":
        return names("TXL", "A", range(11, 13))
    want = names("TXL", "A", [*range(11), 100])
    return sorted(want + (names("TXL", "B", range(6)) if persona == "doit-officer" else []))


def connections_seen(persona, kind=ConnectionKind.CONNECTED):
    if kind == ConnectionKind.OWN_TREATMENT:
        return names("CTY", "A", range(12, 15))
    return sorted(names("CTY", "A", range(12)) + (names("CTY", "B", range(7)) if persona == "doit-officer" else []))


@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_every_filtered_plant_is_reached_through_the_page_links_once(client, plants, small_pages, persona):
    client.force_login(plants["users"][persona])
    found, pages = walk_pages(client, PLANTS, {"receiving_class": "A"}, PLANT)
    want = plants_seen(persona)
    assert sorted(found) == want  # the plant serving both clusters once, not once per cluster
    assert len(pages) == -(-len(want) // PAGE)


@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_every_filtered_connection_is_reached_through_the_page_links_once(client, connections, small_pages, persona):
    client.force_login(connections["users"][persona])
    found, pages = walk_pages(client, CONNECTIONS, {"kind": "connected"}, FIRM)
    want = connections_seen(persona)
    assert sorted(found) == want
    assert len(pages) == -(-len(want) // PAGE)


def test_the_connection_list_links_to_its_rows_beyond_the_first_fifty(client, connections, boss):
    """The real page size: 55 arrangements in all, the last ones reachable through a page link."""
    for n in range(15, 48):
        tenant = tenancy_services.tenant_create(
            data={"name": f"Công ty CTY-A-{n:03d}", "tax_code": f"2{n:09d}"}, actor=boss
        )
        project = tenancy_services.project_create(
            data={
                "cluster": connections["a"],
                "tenant": tenant,
                "land_ha": Decimal("0.1"),
                "lease_start": datetime.date(2024, 1, 1),
            },
            actor=boss,
        )
        services.connection_create(
            data={"tenant_project": project, "kind": ConnectionKind.OWN_TREATMENT, "since": datetime.date(2024, 2, 1)},
            actor=boss,
        )
    client.force_login(connections["users"]["doit-officer"])
    found, pages = walk_pages(client, CONNECTIONS, {}, FIRM)
    assert len(found) == len(set(found)) == 55 and len(pages) >= 2


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_the_filtered_plant_export_holds_exactly_the_rows_the_user_may_see(client, plants, kind, persona):
    client.force_login(plants["users"][persona])
    rows = export_rows(client, PLANTS, {"receiving_class": "A"}, kind)
    assert sorted(exported_markers(rows, PLANT)) == plants_seen(persona)
    rows = export_rows(client, PLANTS, {"receiving_class": "B"}, kind)
    assert sorted(exported_markers(rows, PLANT)) == plants_seen(persona, "B")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_the_filtered_connection_export_holds_exactly_the_rows_the_user_may_see(client, connections, kind, persona):
    client.force_login(connections["users"][persona])
    rows = export_rows(client, CONNECTIONS, {"kind": "connected"}, kind)
    assert sorted(exported_markers(rows, FIRM)) == connections_seen(persona)
    rows = export_rows(client, CONNECTIONS, {"kind": "own_treatment"}, kind)
    assert sorted(exported_markers(rows, FIRM)) == connections_seen(persona, ConnectionKind.OWN_TREATMENT)


def test_a_user_without_the_permission_gets_no_list_and_no_export(client, plants):
    client.force_login(plants["users"]["no-role"])
    for url in (PLANTS, CONNECTIONS):
        assert client.get(url).status_code == 403
        assert client.get(url, {EXPORT_PARAMETER: "csv"}).status_code == 403
