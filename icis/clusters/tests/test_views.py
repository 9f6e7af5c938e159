import datetime

import pytest
from django.urls import reverse

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster, StatusChange
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, hanoi):
    cluster = make_cluster()
    for url in ["/", "/clusters/", f"/clusters/{cluster.pk}/", "/clusters/new/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_shows_status_counts_and_plan_totals(page, hanoi):
    make_cluster(status=ClusterStatus.OPERATING, area_ha=10)
    make_cluster(needs_verification=True)
    html = page.get("/").content.decode()
    assert 'data-figure="total-clusters">2<' in html
    assert 'id="verify-count">1<' in html


def test_list_searches_without_diacritics_and_keeps_filters_when_paging(page, hanoi):
    make_cluster(name="Đông Phú Yên")
    make_cluster(name="Phú Xuyên")
    html = page.get("/clusters/", {"q": "dong phu yen"}).content.decode()
    assert "Đông Phú Yên</a>" in html and "Phú Xuyên</a>" not in html


def test_list_query_string_works_against_the_api(page, api, hanoi):
    make_cluster(name="Đông Phú Yên", status=ClusterStatus.UNDER_CONSTRUCTION)
    make_cluster(name="Phú Xuyên", status=ClusterStatus.PROPOSED)
    query = "status=under_construction&status=proposed&q=phu&ordering=-name"
    page_html = page.get(f"/clusters/?{query}").content.decode()
    api_names = [row["name"] for row in api.get(f"/api/clusters/?{query}").json()["results"]]
    assert api_names == ["Phú Xuyên", "Đông Phú Yên"]
    assert page_html.index("Phú Xuyên</a>") < page_html.index("Đông Phú Yên</a>")


def test_list_paginates(page, hanoi):
    for _ in range(30):
        make_cluster()
    first = page.get("/clusters/")
    assert first.context["paginator"].count == 30
    assert len(first.context["object_list"]) == 25
    assert len(page.get("/clusters/", {"page": 2}).context["object_list"]) == 5


def test_list_shows_a_message_for_an_unknown_filter_value(page, hanoi):
    make_cluster()
    response = page.get("/clusters/", {"commune": "99999"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert "alert-danger" in response.content.decode()


def test_detail_shows_timeline_sources_and_suggested_commune(page, hanoi, boss):
    cluster = make_cluster(name="Phú Xuyên", status=ClusterStatus.PLANNED, status_date=datetime.date(2018, 3, 1))
    html = page.get(reverse("clusters:cluster_detail", args=[cluster.pk])).content.decode()
    assert 'id="timeline"' in html and "01/03/2018" in html
    assert 'id="sources"' in html


def test_create_form_registers_a_planned_cluster(page, hanoi):
    response = page.post(
        "/clusters/new/",
        {
            "code": "HN-777",
            "name": "Cụm mới",
            "kind": "general",
            "province": "01",
            "area_ha": "20",
            "industrial_land_ha": "15",
            "communes": ["10273"],
        },
    )
    cluster = Cluster.objects.get(code="HN-777")
    assert response.status_code == 302
    assert cluster.status == ClusterStatus.PLANNED
    assert list(cluster.communes.values_list("code", flat=True)) == ["10273"]


def test_edit_form_refuses_bad_areas_and_writes_nothing(page, hanoi):
    cluster = make_cluster(area_ha=20)
    url = reverse("clusters:cluster_edit", args=[cluster.pk])
    base = {"code": cluster.code, "name": cluster.name, "kind": "general", "province": "01", "version": 1}
    for bad in [{"area_ha": "-3"}, {"area_ha": "abc"}, {"area_ha": "10", "industrial_land_ha": "12"}]:
        response = page.post(url, {**base, **bad})
        assert response.status_code == 200
        assert "field-error" in response.content.decode()
    cluster.refresh_from_db()
    assert cluster.area_ha == 20 and cluster.version == 1


def test_edit_form_refuses_a_stale_version_with_a_message(page, hanoi, boss):
    cluster = make_cluster(area_ha=20)
    url = reverse("clusters:cluster_edit", args=[cluster.pk])
    base = {"code": cluster.code, "name": cluster.name, "kind": "general", "province": "01"}
    assert page.post(url, {**base, "area_ha": "21", "version": 1}).status_code == 302
    stale = page.post(url, {**base, "area_ha": "22", "version": 1})
    assert stale.status_code == 200 and 'id="form-errors"' in stale.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).area_ha == 21


def test_transition_form_offers_only_allowed_states_and_records_the_change(page, hanoi):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2017, 1, 1))
    url = reverse("clusters:cluster_transition", args=[cluster.pk])
    form = page.get(url).context["form"]
    assert [value for value, _ in form.fields["to"].choices] == ["established", "removed", "converted_to_park"]
    response = page.post(url, {"to": "established", "date": "29/12/2017", "reason": "QĐ thành lập"})
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.ESTABLISHED and cluster.status_since == datetime.date(2017, 12, 29)


def test_transition_form_shows_the_services_refusal(page, hanoi):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2019, 1, 1))
    url = reverse("clusters:cluster_transition", args=[cluster.pk])
    response = page.post(url, {"to": "established", "date": "01/01/2018", "reason": "x"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).status == ClusterStatus.PLANNED


def test_user_without_permission_cannot_edit_or_transition(client, hanoi):
    cluster = make_cluster()
    reader = person("reader", roles.CITY_LEADER)
    client.force_login(reader)
    assert client.get(f"/clusters/{cluster.pk}/").status_code == 200
    assert client.get(f"/clusters/{cluster.pk}/edit/").status_code == 403
    assert client.post(f"/clusters/{cluster.pk}/transition/", {"to": "established"}).status_code == 403


def test_detail_timeline_lists_undated_steps_last_on_every_database(page, hanoi):
    # NULL dates sort first in a descending order on PostgreSQL, last on SQLite: the page says which
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2018, 3, 1))
    StatusChange.objects.create(cluster=cluster, from_status=ClusterStatus.PLANNED, to_status=ClusterStatus.ESTABLISHED)
    response = page.get(reverse("clusters:cluster_detail", args=[cluster.pk]))
    timeline = [(change.to_status, change.effective_on) for change in response.context["timeline"]]
    assert timeline == [(ClusterStatus.PLANNED, datetime.date(2018, 3, 1)), (ClusterStatus.ESTABLISHED, None)]


@pytest.mark.parametrize("ordering", ["area_ha", "-area_ha"])
def test_list_sorted_by_a_column_puts_empty_cells_last_on_every_database(page, api, hanoi, ordering):
    # NULLs sort first descending on PostgreSQL, first ascending on SQLite
    make_cluster(name="Chưa đo", area_ha=None)
    make_cluster(name="Nhỏ", area_ha=10)
    make_cluster(name="Lớn", area_ha=30)
    names = [row["name"] for row in api.get("/api/clusters/", {"ordering": ordering}).json()["results"]]
    assert names == (["Nhỏ", "Lớn"] if ordering == "area_ha" else ["Lớn", "Nhỏ"]) + ["Chưa đo"]
    html = page.get("/clusters/", {"ordering": ordering}).content.decode()
    assert html.index("Chưa đo</a>") > max(html.index("Nhỏ</a>"), html.index("Lớn</a>"))
