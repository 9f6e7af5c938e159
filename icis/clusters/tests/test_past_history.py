"""A cluster registered with its past: transitions given in any order, each dated (or not) with its deciding
document, become a path of the lifecycle; as-of summaries and past Forms 04 follow them."""

import datetime

import pytest

from icis.clusters import services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.clusters.selectors import status_on, status_summary
from icis.clusters.services import HistoryRefused, PastChange
from icis.documents.models import Document
from icis.reporting.selectors import form_03_04
from icis.tenancy import periods
from icis.testing.factories import make_cluster, superuser

pytestmark = pytest.mark.django_db

D = datetime.date
S = ClusterStatus


def _create(boss, code="HN-950", **kwargs):
    from icis.geo.models import Province

    data = {"code": code, "name": f"Cụm {code}", "kind": "general", "province": Province.objects.get(code="01")}
    data["area_ha"] = kwargs.pop("area_ha", 20)
    return services.cluster_create(data=data, actor=boss, **kwargs)


def test_steps_in_any_order_become_dated_rows_and_the_latest_is_current(hanoi, boss):
    decision = Document.objects.create(doc_type="decision", number="12/QĐ-UBND", year=2012, issuer="UBND thử")
    steps = [
        PastChange(S.OPERATING, D(2016, 5, 1)),
        PastChange(S.PLANNED, D(2010, 3, 1)),
        PastChange(S.UNDER_CONSTRUCTION, D(2013, 1, 1)),
        PastChange(S.ESTABLISHED, D(2012, 6, 1), decision),
        PastChange(S.INFRASTRUCTURE_COMPLETE, None),
    ]
    cluster = _create(boss, status=None, history=steps)
    assert (cluster.status, cluster.status_since) == (S.OPERATING, D(2016, 5, 1))
    rows = list(cluster.status_changes.order_by("id").values_list("from_status", "to_status", "effective_on"))
    assert rows == [
        ("", S.PLANNED, D(2010, 3, 1)),
        (S.PLANNED, S.ESTABLISHED, D(2012, 6, 1)),
        (S.ESTABLISHED, S.UNDER_CONSTRUCTION, D(2013, 1, 1)),
        (S.UNDER_CONSTRUCTION, S.INFRASTRUCTURE_COMPLETE, None),  # undated, placed where the lifecycle lets it
        (S.INFRASTRUCTURE_COMPLETE, S.OPERATING, D(2016, 5, 1)),
    ]
    assert cluster.status_changes.get(to_status=S.ESTABLISHED).document == decision
    assert status_on(cluster, D(2011, 1, 1)) == S.PLANNED
    assert status_on(cluster, D(2012, 12, 31)) == S.ESTABLISHED
    assert status_on(cluster, D(2009, 12, 31)) is None


def test_proposed_then_withdrawn_is_a_path(hanoi, boss):
    cluster = _create(
        boss, status=S.REMOVED, status_date=D(2024, 2, 1), history=[PastChange(S.PROPOSED, D(2021, 1, 1))]
    )
    assert cluster.status == S.REMOVED
    assert list(cluster.status_changes.order_by("id").values_list("to_status", flat=True)) == [S.PROPOSED, S.REMOVED]


def test_steps_that_do_not_chain_are_refused_naming_the_step_and_nothing_is_written(hanoi, boss):
    with pytest.raises(HistoryRefused) as refused:
        _create(
            boss,
            status=None,
            history=[
                PastChange(S.PLANNED, D(2010, 1, 1), place="row 3"),
                PastChange(S.OPERATING, D(2011, 1, 1), place="row 4"),
            ],
        )
    assert refused.value.place == "row 4" and refused.value.code == "transition_not_allowed"
    assert not Cluster.objects.filter(code="HN-950").exists()


def test_a_current_status_older_than_a_history_step_is_refused(hanoi, boss):
    with pytest.raises(HistoryRefused) as refused:
        _create(
            boss,
            status=S.PLANNED,
            status_date=D(2010, 1, 1),
            history=[PastChange(S.ESTABLISHED, D(2012, 1, 1))],
        )
    assert refused.value.code == "not_latest"


def test_future_and_duplicate_steps_are_refused(hanoi, boss):
    with pytest.raises(HistoryRefused) as future:
        _create(boss, status=None, history=[PastChange(S.PLANNED, D(2999, 1, 1))])
    assert future.value.code == "future_date"
    with pytest.raises(HistoryRefused) as twice:
        _create(boss, status=None, history=[PastChange(S.PLANNED, D(2010, 1, 1)), PastChange(S.PLANNED, D(2010, 1, 1))])
    assert twice.value.code == "duplicate"


def test_record_history_appends_later_steps_and_refuses_earlier_ones(hanoi, boss):
    cluster = make_cluster(status=S.PLANNED, status_date=D(2015, 1, 1))
    services.record_history(
        cluster=cluster,
        entries=[PastChange(S.UNDER_CONSTRUCTION, D(2018, 1, 1)), PastChange(S.ESTABLISHED, D(2016, 1, 1))],
        actor=boss,
    )
    cluster.refresh_from_db()
    assert (cluster.status, cluster.status_since) == (S.UNDER_CONSTRUCTION, D(2018, 1, 1))
    # The same steps again change nothing.
    services.record_history(cluster=cluster, entries=[PastChange(S.ESTABLISHED, D(2016, 1, 1))], actor=boss)
    assert cluster.status_changes.count() == 3
    with pytest.raises(HistoryRefused):
        services.record_history(cluster=cluster, entries=[PastChange(S.REVOKED, D(2017, 1, 1))], actor=boss)


def test_as_of_summary_and_past_form_04_follow_the_recorded_history(hanoi, boss):
    _create(
        boss,
        code="HN-951",
        area_ha=30,
        status=None,
        history=[
            PastChange(S.PLANNED, D(2010, 1, 1)),
            PastChange(S.ESTABLISHED, D(2015, 3, 1)),
            PastChange(S.UNDER_CONSTRUCTION, D(2024, 3, 1)),
        ],
    )
    _create(boss, code="HN-952", area_ha=12, status=S.ESTABLISHED, status_date=D(2019, 9, 1))
    then = status_summary(as_of=D(2014, 12, 31))
    assert then["by_status"][S.PLANNED]["count"] == 1 and then["total"]["count"] == 1
    mid = status_summary(as_of=D(2023, 12, 31))
    assert mid["by_status"][S.ESTABLISHED]["count"] == 2
    late = status_summary(as_of=D(2024, 6, 30))
    assert late["by_status"][S.UNDER_CONSTRUCTION]["count"] == 1 and late["by_status"][S.ESTABLISHED]["count"] == 1
    clusters = Cluster.objects.all()
    y2015 = {i.number: i.value for i in form_03_04(period=periods.parse("2015-Y"), clusters=clusters)}
    assert (y2015["3"], y2015["5"], y2015["6"]) == (1, 1, 30)  # established in 2015, not before
    y2019 = {i.number: i.value for i in form_03_04(period=periods.parse("2019-Y"), clusters=clusters)}
    assert (y2019["3"], y2019["4"], y2019["5"]) == (2, 42, 1)
    y2024 = {i.number: i.value for i in form_03_04(period=periods.parse("2024-Y"), clusters=clusters)}
    assert (y2024["3"], y2024["5"]) == (2, 0)  # established years ago: not "in the period"


def test_api_registers_a_cluster_with_its_history(api, hanoi):
    decision = Document.objects.create(doc_type="decision", number="77/QĐ-UBND", year=2014, issuer="UBND thử")
    body = {
        "code": "HN-960",
        "name": "Cụm có lịch sử",
        "kind": "general",
        "province": "01",
        "area_ha": "20",
        "history": [
            {"to_status": "under_construction", "effective_on": "2016-01-01"},
            {"to_status": "planned", "effective_on": None},
            {"to_status": "established", "effective_on": "2014-05-05", "document": decision.pk},
        ],
    }
    response = api.post("/api/clusters/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "under_construction" and response.json()["status_since"] == "2016-01-01"
    cluster = Cluster.objects.get(code="HN-960")
    assert list(cluster.status_changes.order_by("id").values_list("to_status", "interface")) == [
        ("planned", "api"),
        ("established", "api"),
        ("under_construction", "api"),
    ]
    history = api.get(f"/api/clusters/{cluster.pk}/history/")
    assert history.status_code == 200


def test_api_refuses_a_broken_history_naming_the_item(api, hanoi):
    body = {
        "code": "HN-961",
        "name": "Cụm sai",
        "province": "01",
        "history": [{"to_status": "planned", "effective_on": "2010-01-01"}, {"to_status": "operating"}],
    }
    response = api.post("/api/clusters/", body, format="json")
    assert response.status_code == 400
    assert "history" in str(response.json()) and "1" in str(response.json())
    assert not Cluster.objects.filter(code="HN-961").exists()


def test_api_refuses_a_document_out_of_scope(api, hanoi):
    response = api.post(
        "/api/clusters/",
        {"code": "HN-962", "name": "X", "province": "01", "history": [{"to_status": "planned", "document": 99999}]},
        format="json",
    )
    assert response.status_code == 400
    assert superuser()  # the API user exists; nothing else was written
    assert not Cluster.objects.filter(code="HN-962").exists()


def test_page_registers_past_changes_from_plain_extra_rows(page, hanoi):
    decision = Document.objects.create(doc_type="decision", number="5/QĐ-UBND", year=2013, issuer="UBND thử")
    form = page.get("/clusters/new/").content.decode()
    assert 'name="past_1_status"' in form and 'name="past_4_document"' in form
    response = page.post(
        "/clusters/new/",
        {
            "code": "HN-970",
            "name": "Cụm nhập lịch sử",
            "kind": "general",
            "province": "01",
            "area_ha": "20",
            "status": "under_construction",
            "status_date": "01/03/2016",
            "past_1_status": "established",
            "past_1_date": "01/06/2013",
            "past_1_document": decision.pk,
            "past_2_status": "planned",
            "past_2_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    cluster = Cluster.objects.get(code="HN-970")
    assert list(cluster.status_changes.order_by("id").values_list("to_status", "effective_on", "interface")) == [
        ("planned", None, "page"),
        ("established", D(2013, 6, 1), "page"),
        ("under_construction", D(2016, 3, 1), "page"),
    ]
    edit = page.get(f"/clusters/{cluster.pk}/edit/").content.decode()
    assert 'name="past_1_status"' not in edit


def test_page_shows_a_broken_past_on_its_row(page, hanoi):
    response = page.post(
        "/clusters/new/",
        {
            "code": "HN-971",
            "name": "Cụm sai lịch sử",
            "kind": "general",
            "province": "01",
            "status": "planned",
            "status_date": "01/01/2015",
            "past_1_status": "operating",
            "past_1_date": "01/01/2012",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("past_1_status") or response.context["form"].errors.get("status")
    assert not Cluster.objects.filter(code="HN-971").exists()


@pytest.mark.parametrize(
    "past",
    [
        # an undated step after a dated one, and a dated step after an undated one: the latest is the last
        # written, on every database (NULL dates sort last on PostgreSQL, first on SQLite)
        [PastChange(S.PLANNED, D(2010, 3, 1)), PastChange(S.ESTABLISHED, None)],
        [PastChange(S.PLANNED, None), PastChange(S.ESTABLISHED, D(2012, 6, 1))],
    ],
    ids=["undated-latest", "undated-first"],
)
def test_record_history_finds_the_latest_step_the_same_way_on_every_database(hanoi, boss, past):
    cluster = _create(boss, status=None, history=past)
    assert cluster.status == S.ESTABLISHED
    services.record_history(cluster=cluster, entries=[PastChange(S.UNDER_CONSTRUCTION, D(2018, 1, 1))], actor=boss)
    cluster.refresh_from_db()
    assert (cluster.status, cluster.status_since) == (S.UNDER_CONSTRUCTION, D(2018, 1, 1))
    assert list(cluster.status_changes.order_by("id").values_list("from_status", "to_status")) == [
        ("", S.PLANNED),
        (S.PLANNED, S.ESTABLISHED),
        (S.ESTABLISHED, S.UNDER_CONSTRUCTION),
    ]
    # A step before the latest is still refused, naming the latest status.
    with pytest.raises(HistoryRefused) as refused:
        services.record_history(cluster=cluster, entries=[PastChange(S.REVOKED, D(2015, 1, 1))], actor=boss)
    assert refused.value.code in ("date_before_current", "transition_not_allowed")
