"""The obstacle register as a list page: every row reachable through the page links, and the filtered
export (CSV and XLSX) holding exactly the rows the user may see (commune official vs DoIT)."""

import pytest

from icis.construction import services
from icis.construction.views import ObstacleListView
from icis.testing.listpages import export_rows, exported_markers, walk_pages

from .factories import day

pytestmark = pytest.mark.django_db
URL = "/construction/obstacles/"
MARKER = r"VM-[AB]-\d{3}"
PAGE = 5


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(ObstacleListView, "paginate_by", PAGE)


@pytest.fixture
def register(world, boss):
    """Cluster A (in the commune official's scope): 12 land-clearance obstacles and 3 capital ones;
    cluster B (outside it): 7 land-clearance ones."""

    def add(cluster, key, number, category):
        services.obstacle_create(
            cluster=cluster,
            data={
                "category": category,
                "description": f"Vướng mắc VM-{key}-{number:03d}",
                "responsible_agency": "UBND xã",
                "raised_on": day("2024-01-05"),
            },
            actor=boss,
        )

    for n in range(12):
        add(world["a"], "A", n, "land_clearance")
    for n in range(12, 15):
        add(world["a"], "A", n, "capital")
    for n in range(7):
        add(world["b"], "B", n, "land_clearance")
    return world


@pytest.mark.parametrize(
    "persona, keys",
    [("commune-official", ["A"]), ("doit-officer", ["A", "B"]), ("inspector", ["A", "B"])],
)
def test_every_filtered_obstacle_is_reached_through_the_page_links_once(client, register, small_pages, persona, keys):
    client.force_login(register["users"][persona])
    found, pages = walk_pages(client, URL, {"category": "land_clearance"}, MARKER)
    want = sorted([f"VM-A-{n:03d}" for n in range(12)] + ([f"VM-B-{n:03d}" for n in range(7)] if "B" in keys else []))
    assert sorted(found) == want  # every row once, none twice, none out of scope or filtered out
    assert len(pages) == -(-len(want) // PAGE)  # pages 1..n, each reached by a link


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_the_filtered_export_holds_exactly_the_rows_the_user_may_see(client, register, kind, persona):
    client.force_login(register["users"][persona])
    rows = export_rows(client, URL, {"category": "land_clearance"}, kind)
    want = [f"VM-A-{n:03d}" for n in range(12)]
    if persona == "doit-officer":
        want += [f"VM-B-{n:03d}" for n in range(7)]
    assert sorted(exported_markers(rows, MARKER)) == sorted(want)  # not paginated, not the capital ones
    rows = export_rows(client, URL, {"category": "capital"}, kind)
    assert sorted(exported_markers(rows, MARKER)) == [f"VM-A-{n:03d}" for n in range(12, 15)]


def test_an_invalid_filter_exports_no_row_rather_than_everything(client, register):
    client.force_login(register["users"]["doit-officer"])
    rows = export_rows(client, URL, {"cluster": "99999999999999999999"}, "csv")
    assert rows[1:] == []


def test_a_page_beyond_the_last_is_not_a_server_error(client, register, small_pages):
    client.force_login(register["users"]["commune-official"])
    assert client.get(URL, {"page": "99"}).status_code in (200, 404)
    assert client.get(URL, {"page": "x"}).status_code in (200, 404)
