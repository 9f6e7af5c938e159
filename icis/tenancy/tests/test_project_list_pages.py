"""Issue 11 acceptance: a cluster with 120 tenant projects lists them on pages 1-3 with working links,
and the filtered XLSX and CSV exports hold exactly the rows the user may see."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.geo.models import Commune
from icis.tenancy.models import Tenant, TenantProject
from icis.testing.factories import make_cluster, person

LIST = reverse("tenancy:project_list")


@pytest.fixture
def crowded(hanoi, boss):
    """Cluster A (commune 10273) with 120 projects: 80 of firm T1, 40 of firm T2; cluster B (commune
    10030, outside the commune official's scope) with 5 projects of T1."""
    a = make_cluster(
        name="Cụm A",
        status=ClusterStatus.OPERATING,
        area_ha=400,
        industrial_land_ha=300,
        communes=[Commune.objects.get(code="10273")],
    )
    b = make_cluster(
        name="Cụm B",
        status=ClusterStatus.OPERATING,
        area_ha=40,
        industrial_land_ha=30,
        communes=[Commune.objects.get(code="10030")],
    )
    t1 = Tenant.objects.create(name="Công ty Một", tax_code="0101234567")
    t2 = Tenant.objects.create(name="Công ty Hai", tax_code="0101234568")
    rows = [(a, t1 if n < 80 else t2, f"Dự án A-{n:03d}") for n in range(120)]
    rows += [(b, t1, f"Dự án B-{n:03d}") for n in range(5)]
    TenantProject.objects.bulk_create(
        TenantProject(
            cluster=cluster,
            tenant=tenant,
            name=name,
            land_ha=Decimal("1.5"),
            lease_start=datetime.date(2024, 1, 1),
        )
        for cluster, tenant, name in rows
    )
    return {
        "a": a,
        "b": b,
        "t1": t1,
        "t2": t2,
        "doit": person("doit", roles.DOIT_OFFICER),
        "commune": person("commune", roles.COMMUNE_OFFICIAL, communes=["10273"]),
    }


def page_links(html: str) -> dict[int, str]:
    """{page number: href} of the pagination links."""
    nav = html[html.index('class="pagination') :]
    return {int(n): href.replace("&amp;", "&") for href, n in re.findall(r'href="(\?[^"]*page=(\d+))"', nav)}


def test_cluster_with_120_projects_shows_pages_1_to_3_with_working_links(client, crowded):
    client.force_login(crowded["doit"])
    first = client.get(LIST, {"cluster": crowded["a"].pk})
    html = first.content.decode()
    assert first.context["paginator"].num_pages == 3
    links = page_links(html)
    assert set(links) == {2, 3}  # page 1 is the current one; "next" also points to 2
    expected = list(
        TenantProject.objects.filter(cluster=crowded["a"])
        .order_by("cluster", "tenant__name", "id")
        .values_list("pk", flat=True)
    )
    seen = [p.pk for p in first.context["object_list"]]
    for number in (2, 3):
        response = client.get(LIST + links[number])
        assert response.status_code == 200
        assert f"cluster={crowded['a'].pk}" in links[number]  # the filter survives the page link
        assert response.context["page_obj"].number == number
        seen += [p.pk for p in response.context["object_list"]]
        links = page_links(response.content.decode())
    assert seen == expected  # every project once, page 3 holding the last 20
    assert len(response.context["object_list"]) == 20
    assert set(links) == {1, 2}  # from page 3: back to 1 and 2


def _csv_names(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    return [row[header.index(next(h for h in header if h in ("Tên dự án", "Project name")))] for row in body]


def _xlsx_names(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    column = next(i for i, h in enumerate(header) if h in ("Tên dự án", "Project name"))
    return [row[column] for row in rows[1:]]


@pytest.mark.parametrize("fmt,read", [("csv", _csv_names), ("xlsx", _xlsx_names)])
def test_filtered_export_holds_exactly_the_rows_the_user_may_see(client, crowded, fmt, read):
    t1 = crowded["t1"]
    client.force_login(crowded["doit"])
    doit = read(client.get(LIST, {"tenant": t1.pk, "export": fmt}))
    assert sorted(doit) == sorted([f"Dự án A-{n:03d}" for n in range(80)] + [f"Dự án B-{n:03d}" for n in range(5)])
    client.force_login(crowded["commune"])
    response = client.get(LIST, {"tenant": t1.pk, "export": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    commune = read(response)
    assert sorted(commune) == [f"Dự án A-{n:03d}" for n in range(80)]  # all of A's T1 rows, nothing of B
    # Asking for the other cluster by name gives nothing, not an error.
    assert read(client.get(LIST, {"cluster": crowded["b"].pk, "export": fmt})) == []


def test_export_is_the_whole_filtered_list_not_the_page(client, crowded):
    client.force_login(crowded["commune"])
    response = client.get(LIST, {"page": 3, "export": "csv"})
    assert len(_csv_names(response)) == 120


def test_unknown_export_format_is_refused_by_name(client, crowded):
    client.force_login(crowded["doit"])
    assert client.get(LIST, {"export": "exe"}).status_code == 400


def test_export_headers_follow_the_language(client, crowded, settings):
    client.force_login(crowded["doit"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header = client.get(LIST, {"export": "csv"}).content.decode("utf-8-sig").splitlines()[0]
    assert "Project name" in header
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    header = client.get(LIST, {"export": "csv"}).content.decode("utf-8-sig").splitlines()[0]
    assert "Tên dự án" in header
