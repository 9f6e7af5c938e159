"""The dossier list as a list page: every row reachable through the page links, and the filtered
export (CSV and XLSX) holding exactly the rows the user may see (commune official vs DoIT), with the
page's default filter (open dossiers) applied to the export too."""

import datetime

import pytest

from icis.clusters.choices import ClusterStatus
from icis.dossiers import services
from icis.dossiers.views import DossierListView
from icis.geo.models import Commune
from icis.testing.factories import make_cluster
from icis.testing.listpages import export_rows, exported_markers, walk_pages

pytestmark = pytest.mark.django_db
URL = "/dossiers/"
MARKER = r"HS-[AB]-\d{3}"
PAGE = 5


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(DossierListView, "paginate_by", PAGE)


@pytest.fixture
def dossiers(hanoi, boss, officer, commune_official):
    """In Xã Phú Xuyên (the commune official's scope): 12 open establishment dossiers and 3 withdrawn
    ones; in Xã Phú Nghĩa (outside it): 7 open ones. One cluster each."""

    def add(key, number, commune):
        cluster = make_cluster(
            name=f"Cụm HS-{key}-{number:03d}",
            status=ClusterStatus.PLANNED,
            status_date=datetime.date(2019, 1, 1),
            communes=[Commune.objects.get(code=commune)],
        )
        return services.dossier_open(cluster=cluster, kind="establish", opened_on=datetime.date(2025, 1, 6), actor=boss)

    for n in range(12):
        add("A", n, "10273")
    for n in range(12, 15):
        services.dossier_close(
            dossier=add("A", n, "10273"), outcome="withdrawn", on=datetime.date(2025, 2, 1), actor=boss
        )
    for n in range(7):
        add("B", n, "10030")
    return {"doit-officer": officer, "commune-official": commune_official}


def seen(persona, closed=False):
    if closed:
        return [f"HS-A-{n:03d}" for n in range(12, 15)]
    want = [f"HS-A-{n:03d}" for n in range(12)]
    return sorted(want + ([f"HS-B-{n:03d}" for n in range(7)] if persona == "doit-officer" else []))


@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_every_open_dossier_is_reached_through_the_page_links_once(client, dossiers, small_pages, persona):
    client.force_login(dossiers[persona])
    found, pages = walk_pages(client, URL, {"kind": "establish"}, MARKER)
    assert sorted(found) == seen(persona)  # open ones only: the page's default
    assert len(pages) == -(-len(seen(persona)) // PAGE)
    found, pages = walk_pages(client, URL, {"open": "false"}, MARKER)
    assert sorted(found) == seen(persona, closed=True) and len(pages) == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", ["commune-official", "doit-officer"])
def test_the_filtered_export_holds_exactly_the_rows_the_user_may_see(client, dossiers, kind, persona):
    client.force_login(dossiers[persona])
    rows = export_rows(client, URL, {"kind": "establish"}, kind)
    assert sorted(exported_markers(rows, MARKER)) == seen(persona)
    rows = export_rows(client, URL, {"open": "false"}, kind)
    assert sorted(exported_markers(rows, MARKER)) == seen(persona, closed=True)


def test_an_unknown_action_or_export_changes_nothing(client, dossiers):
    client.force_login(dossiers["doit-officer"])
    from icis.dossiers.models import Dossier

    dossier = Dossier.objects.filter(outcome="").first()
    response = client.post(f"/dossiers/{dossier.pk}/", {"action": "delete"})
    assert response.status_code == 302 and Dossier.objects.filter(pk=dossier.pk, outcome="").exists()
    assert client.get(URL, {"export": "pdf"}).status_code == 400
