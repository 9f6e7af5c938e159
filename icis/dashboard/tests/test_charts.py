"""Dashboard charts: data over the user's scope and as of a day, as JSON and XLSX; bad dates refused."""

import io

import pytest
from openpyxl import load_workbook

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.dashboard.charts import CHARTS
from icis.geo.models import Commune
from icis.geo.tests.test_provinces import two  # noqa: F401  (the two-province fixture)
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_answers_json_and_xlsx(page, hanoi, name):
    make_cluster(status=ClusterStatus.OPERATING, area_ha=10)
    data = page.get(f"/dashboard/charts/{name}/").json()
    assert data["name"] == name and len(data["labels"]) == len(data["datasets"][0]["data"])
    workbook = load_workbook(io.BytesIO(page.get(f"/dashboard/charts/{name}/?format=xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == len(data["labels"]) + 1


def test_status_counts_follow_scope_and_the_as_of_day(client, page, hanoi):
    import datetime

    make_cluster(
        status=ClusterStatus.OPERATING,
        status_date=datetime.date(2024, 1, 1),
        communes=[Commune.objects.get(code="10273")],
    )
    make_cluster(
        status=ClusterStatus.OPERATING,
        status_date=datetime.date(2024, 1, 1),
        communes=[Commune.objects.get(code="10030")],
    )
    operating = str(ClusterStatus.OPERATING.label)

    def count(c, **params):
        data = c.get("/dashboard/charts/status/", params).json()
        return data["datasets"][0]["data"][data["labels"].index(operating)]

    assert count(page) == 2
    assert count(page, as_of="31/12/2023") == 0
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    client.force_login(official)
    assert count(client) == 1


@pytest.mark.parametrize("value", ["31/02/2024", "tomorrow", "01/01/2999"])
def test_a_bad_as_of_is_a_400_naming_it(page, hanoi, value):
    response = page.get("/dashboard/charts/status/", {"as_of": value})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "as_of"


def test_unknown_chart_is_404_and_anonymous_is_sent_to_login(page, hanoi):
    from django.test import Client

    assert page.get("/dashboard/charts/nope/").status_code == 404
    assert Client().get("/dashboard/charts/status/").status_code == 302


def test_the_dashboard_shows_the_charts(page, hanoi):
    html = page.get("/").content.decode()
    assert 'id="chart-status"' in html and "chartjs/chart.umd.min.js" in html and "format=xlsx" in html


def _total(data) -> int:
    return int(sum(data["datasets"][0]["data"]))


def test_charts_follow_the_national_roles_province_switch(two):  # noqa: F811  (the imported fixture)
    """The charts show the dashboard's province: a national user's switch (kept in the session) or
    `?province=`; without a choice, the roll-up. A provincial user asking for another province: 404."""
    from django.test import Client

    page = Client()
    page.force_login(two["moit"])
    assert _total(page.get("/dashboard/charts/status/").json()) == 2
    page.post("/provinces/switch/", {"province": "T9", "next": "/"})
    assert _total(page.get("/dashboard/charts/status/").json()) == 1
    construction = page.get("/dashboard/charts/construction/").json()
    assert construction["datasets"][0]["data"][0] == 1  # established: the test province's one cluster
    targets = page.get("/dashboard/charts/targets/").json()
    assert targets["note"] == "Kế hoạch thử 2026"
    for name in CHARTS:
        assert page.get(f"/dashboard/charts/{name}/").status_code == 200, name
    page.post("/provinces/switch/", {"province": "01", "next": "/"})
    assert _total(page.get("/dashboard/charts/status/").json()) == 1
    assert _total(page.get("/dashboard/charts/status/", {"province": "T9"}).json()) == 1
    officer = Client()
    officer.force_login(two["hanoi_doit"])
    assert officer.get("/dashboard/charts/status/", {"province": "T9"}).status_code == 404
    assert _total(officer.get("/dashboard/charts/status/").json()) == 1
