"""The cluster list's exports through the generic list view: the filtered, scoped list in the user's
language, numbers and dates as the language writes them, and no cell a spreadsheet would run."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.geo.models import Commune
from icis.testing.factories import make_cluster, person

LIST = reverse("clusters:cluster_list")


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_is_the_filtered_list_in_vietnamese(page, hanoi):
    make_cluster(name="Cụm Phú Xuyên", area_ha="37.78", status=ClusterStatus.OPERATING)
    make_cluster(name="Cụm Khác", area_ha=5, status=ClusterStatus.PLANNED)
    response = page.get(LIST, {"status": "operating", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="cum-cong-nghiep-')
    header, *body = rows(response)
    assert header[:3] == ["Mã", "Tên", "Trạng thái"]
    assert len(body) == 1
    assert body[0][1] == "Cụm Phú Xuyên"
    assert "37,78" in body[0]  # the Vietnamese decimal comma


def test_export_headers_and_file_name_in_english(page, hanoi, settings):
    make_cluster(name="Cụm Phú Xuyên")
    page.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page.get(LIST, {"export": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="industrial-clusters-')
    assert rows(response)[0][:3] == ["Code", "Name", "Status"]


def test_exported_text_never_runs_as_a_formula(page, hanoi):
    make_cluster(name='=HYPERLINK("http://evil.example","x")')
    csv_cells = [cell for row in rows(page.get(LIST, {"export": "csv"}))[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in csv_cells
    sheet = load_workbook(io.BytesIO(page.get(LIST, {"export": "xlsx"}).content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ['\'=HYPERLINK("http://evil.example","x")']
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_xlsx_keeps_numbers_as_numbers(page, hanoi):
    make_cluster(name="Cụm số", area_ha="12.5")
    sheet = load_workbook(io.BytesIO(page.get(LIST, {"export": "xlsx"}).content)).active
    header = [cell.value for cell in sheet[1]]
    area = sheet.cell(row=2, column=header.index("Diện tích (ha)") + 1).value
    assert float(area) == 12.5


def test_a_commune_official_exports_only_the_clusters_of_the_commune(client, hanoi, boss):
    make_cluster(name="Trong xã", communes=[Commune.objects.get(code="10273")])
    make_cluster(name="Ngoài xã", communes=[Commune.objects.get(code="10030")])
    client.force_login(person("official", roles.COMMUNE_OFFICIAL, communes=["10273"]))
    names = [row[1] for row in rows(client.get(LIST, {"export": "csv"}))[1:]]
    assert names == ["Trong xã"]
    # A foreign cluster named in a filter exports nothing rather than failing.
    assert rows(client.get(LIST, {"q": "ngoai", "export": "csv"}))[1:] == []


def test_sort_links_come_from_the_filterset_and_keep_the_filters(page, hanoi):
    make_cluster(name="Cụm A")
    html = page.get(LIST, {"q": "cum", "ordering": "name"}).content.decode()
    assert 'href="?q=cum&amp;ordering=-name"' in html  # sorted by name: the link reverses it
    assert "ordering=area_ha" in html
    assert "ordering=communes" not in html  # not an ordering the FilterSet knows
