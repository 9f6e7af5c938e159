"""The attention list: stalled and not-started clusters, overdue obstacles and violations, each with a
link that lands on the record, for the user's scope only."""

import datetime

import pytest

from icis.accounts import roles
from icis.construction import services as construction
from icis.construction.tests.factories import accepted, cluster_with_history
from icis.environment.models import Violation
from icis.environment.tests.factories import make_plant, operating_cluster, sample
from icis.geo.models import Commune
from icis.testing.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def troubles(hanoi, boss):
    not_started = cluster_with_history(established_on="2020-01-01", name="Chưa khởi công")
    stalled = cluster_with_history(
        established_on="2020-01-01",
        started_on="2021-01-01",
        name="Đình trệ",
        communes=[Commune.objects.get(code="10273")],
    )
    accepted(stalled, "2022-01-31", 40)
    obstacle = construction.obstacle_create(
        cluster=stalled,
        data={
            "category": "capital",
            "description": "Thiếu vốn",
            "responsible_agency": "UBND xã",
            "raised_on": datetime.date(2024, 1, 1),
            "due_on": datetime.date(2024, 3, 1),
        },
        actor=boss,
    )
    plant = make_plant(operating_cluster(), receiving_class="A", kq="0.9", kf="1.0", since="2024-01-01")
    _, _, violations = sample(plant, "2026-03-10", {"COD": 80})
    # detected on the sample's day, its corrective deadline a month later: long past
    Violation.objects.filter(pk=violations[0].pk).update(
        detected_on=datetime.date(2026, 3, 12), deadline=datetime.date(2026, 4, 12)
    )
    return {"not_started": not_started, "stalled": stalled, "obstacle": obstacle, "violation": violations[0]}


def test_the_api_names_each_kind_and_every_link_lands_on_its_record(api, page, troubles):
    items = api.get("/api/dashboard/attention/").json()
    kinds = {item["kind"] for item in items}
    assert {"stalled", "not_started", "obstacle_overdue", "violation_overdue"} <= kinds
    records = {item["record"] for item in items}
    assert "Chưa khởi công" in records and "Đình trệ" in records
    assert [item["severity"] for item in items] == sorted(item["severity"] for item in items)
    for item in items:
        assert page.get(item["link"]).status_code == 200, item


def test_the_dashboard_opens_with_the_list(page, troubles):
    html = page.get("/").content.decode()
    assert html.index('id="attention"') < html.index('id="status-table"')
    assert 'data-attention-kind="stalled"' in html and "Đình trệ" in html


def test_a_commune_official_sees_only_their_communes_troubles(client, troubles):
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    client.force_login(official)
    html = client.get("/").content.decode()
    assert "Chưa khởi công" not in html


def test_nothing_to_do_says_so(page, hanoi):
    html = page.get("/").content.decode()
    assert 'id="attention"' in html and "data-attention-kind" not in html
