import json

import pytest

from icis.construction import services
from icis.construction.choices import MilestoneKind
from icis.construction.models import Obstacle, ProgressReport, VisitRecord
from icis.testing import files

from .factories import accepted, cluster_with_history, day

pytestmark = pytest.mark.django_db
PNG = files.png()


@pytest.fixture
def site(hanoi, boss):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name="Đông Phú Yên")
    accepted(cluster, "2023-01-01", 40)
    accepted(cluster, "2023-07-01", 55)
    services.milestone_set(
        cluster=cluster,
        kind=MilestoneKind.CONSTRUCTION_START,
        planned_on=day("2019-10-01"),
        actual_on=day("2020-01-01"),
        actor=boss,
    )
    services.obstacle_create(
        cluster=cluster,
        data={
            "category": "land_clearance",
            "description": "Hộ dân chưa nhận tiền bồi thường",
            "responsible_agency": "UBND xã",
            "raised_on": day("2024-01-05"),
            "due_on": day("2024-03-01"),
            "requested_direction": "Chỉ đạo UBND xã hoàn thành bồi thường",
        },
        actor=boss,
    )
    return cluster


def test_cluster_page_shows_the_construction_panel_with_variance_and_freshness(page, site):
    html = page.get(f"/clusters/{site.pk}/").content.decode()
    assert 'id="construction-panel"' in html
    assert 'data-variance="92"' in html  # construction start 92 days after the planned date
    assert "01/07/2023" in html and 'data-stale="true"' in html  # the report is older than 180 days


def test_cluster_page_has_no_panel_for_a_planned_cluster_without_records(page, hanoi):
    from icis.testing.factories import make_cluster

    cluster = make_cluster()
    assert 'id="construction-panel"' not in page.get(f"/clusters/{cluster.pk}/").content.decode()


def test_progress_page_passes_chart_data_without_inline_script(page, site):
    response = page.get(f"/construction/clusters/{site.pk}/")
    html = response.content.decode()
    assert 'id="progress-chart"' in html and "vendor/chartjs/chart.umd.min.js" in html
    data = json.loads(html.split('id="progress-data" type="application/json">')[1].split("</script>")[0])
    assert [p["y"] for p in data["points"]] == [40.0, 55.0]
    assert "<script>" not in html  # CSP: script-src 'self'


def test_board_lists_flags_with_reasons_and_sorts_by_progress(page, site, hanoi):
    other = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name="Xà Cầu")
    accepted(other, "2023-07-01", 80)
    html = page.get("/construction/", {"ordering": "-progress"}).content.decode()
    assert html.index("Xà Cầu</a>") < html.index("Đông Phú Yên</a>")
    assert 'data-flag="stalled"' in html and "01/07/2023" in html


def test_report_form_refuses_a_lower_figure_without_reason_and_writes_nothing(page, site):
    before = ProgressReport.objects.count()
    response = page.post(
        f"/construction/clusters/{site.pk}/reports/new/", {"report_date": "01/01/2024", "overall_percent": "50"}
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert ProgressReport.objects.count() == before
    response = page.post(
        f"/construction/clusters/{site.pk}/reports/new/",
        {"report_date": "01/01/2024", "overall_percent": "60", "component_drainage": "120"},
    )
    assert response.status_code == 200 and ProgressReport.objects.count() == before
    response = page.post(
        f"/construction/clusters/{site.pk}/reports/new/",
        {"report_date": "01/01/2024", "overall_percent": "60", "component_drainage": "45"},
    )
    assert response.status_code == 302 and ProgressReport.objects.count() == before + 1


def test_review_page_accepts_and_returns(page, site, boss):
    report = services.progress_report_submit(
        cluster=site, data={"report_date": day("2024-01-01"), "overall_percent": 60}, actor=boss
    )
    assert page.post(f"/construction/reports/{report.pk}/", {"decision": "return"}).status_code == 200
    assert page.post(f"/construction/reports/{report.pk}/", {"decision": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"


def test_obstacle_list_filters_overdue_and_exports_csv(page, site):
    html = page.get("/construction/obstacles/", {"overdue": "true", "status": "open"}).content.decode()
    assert "Hộ dân chưa nhận tiền bồi thường" in html and 'data-overdue="true"' in html
    response = page.get("/construction/obstacles/", {"overdue": "true", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "Hộ dân chưa nhận tiền bồi thường" in text
    assert page.get("/construction/obstacles/", {"overdue": "false"}).context["paginator"].count == 0


def test_obstacle_edit_resolves_with_resolution(page, site):
    obstacle = Obstacle.objects.get()
    form = {
        "category": "land_clearance",
        "description": obstacle.description,
        "responsible_agency": "UBND xã",
        "raised_on": "05/01/2024",
        "due_on": "01/03/2024",
        "status": "resolved",
        "resolved_on": "01/04/2024",
        "version": 1,
    }
    assert page.post(f"/construction/obstacles/{obstacle.pk}/", form).status_code == 200  # no resolution
    assert page.post(f"/construction/obstacles/{obstacle.pk}/", {**form, "resolution": "Đã chi trả"}).status_code == 302
    assert Obstacle.objects.get().status == "resolved"


def test_the_progress_page_shows_the_site_visits_from_inspections_and_records_one_there(page, site, boss):
    from icis.inspections.tests.factories import done, make_inspection

    visit = make_inspection(boss, site, planned_month=1, summary="Thăm hiện trường")
    done(visit, boss, day("2026-01-05"))
    html = page.get(f"/construction/clusters/{site.pk}/").content.decode()
    assert 'id="site-visits"' in html and f"/inspections/{visit.pk}/" in html and "05/01/2026" in html
    assert f"/inspections/new/?cluster={site.pk}&amp;topics=construction" in html  # "Record a site visit"
    assert "/construction/clusters/" + str(site.pk) + "/visits/new/" not in html
    board = page.get("/construction/").content.decode()
    assert 'id="visit-plans" href="/inspections/plans/"' in board


def test_summary_page_shows_the_table(page, site):
    html = page.get(
        "/construction/summary/", {"as_of": "30/06/2024", "established_from": "01/01/2018"}
    ).content.decode()
    assert 'data-figure="under_construction">1<' in html and 'data-figure="stalled">1<' in html


def test_briefing_renders_the_frame_as_page_docx_and_pdf(page, site):
    html = page.get("/construction/briefing/", {"cluster": site.pk}).content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Chỉ đạo UBND xã hoàn thành bồi thường" in html
    docx = page.get("/construction/briefing/", {"cluster": site.pk, "format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Hộ dân chưa nhận tiền bồi thường" in text and "BÁO CÁO" in text
    pdf = page.get("/construction/briefing/", {"cluster": site.pk, "format": "pdf"})
    if pdf.status_code == 503:
        pytest.skip("WeasyPrint needs Pango on this machine")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_dashboard_counts_open_and_overdue_obstacles(page, site):
    html = page.get("/").content.decode()
    assert 'data-figure="open-obstacles">1<' in html and 'data-figure="overdue-obstacles">1<' in html


def test_the_old_visit_pages_write_nothing_and_bad_ids_are_404(page, site):
    for url in ("/construction/visits/", f"/construction/clusters/{site.pk}/visits/new/"):
        response = page.post(url, {"period_start": "01/01/2026", "visited_on": "05/01/2026", "findings": "…"})
        assert response.status_code == 303
    assert page.get("/construction/visits/99999999/").status_code == 404
    assert page.get("/construction/photos/99999999/").status_code == 404
    assert page.get("/construction/clusters/99999999/visits/new/").status_code == 404
    assert not VisitRecord.objects.exists()


def test_briefing_prints_the_recipient_and_signer_from_the_provinces_settings(page, site):
    from icis.geo.models import ProvinceSettings

    html = page.get("/construction/briefing/", {"cluster": site.pk}).content.decode()
    assert 'id="briefing-signer">GIÁM ĐỐC<' in html and "briefing-signer-name" not in html
    # "(to report)" is "(để báo cáo)" once the catalogue holds it (locale/pending/demo.json)
    assert "- Ủy ban nhân dân Thành phố Hà Nội (" in html
    ProvinceSettings.objects.filter(province_id="01").update(signer_title="Phó Giám đốc", signer_name="Nguyễn Văn Thử")
    html = page.get("/construction/briefing/", {"cluster": site.pk}).content.decode()
    assert 'id="briefing-signer">PHÓ GIÁM ĐỐC<' in html
    assert 'id="briefing-signer-name">Nguyễn Văn Thử<' in html
    import io

    from docx import Document

    docx = page.get("/construction/briefing/", {"cluster": site.pk, "format": "docx"})
    cells = Document(io.BytesIO(docx.content)).tables[-1].rows[0].cells
    assert "PHÓ GIÁM ĐỐC" in cells[1].text and "Nguyễn Văn Thử" in cells[1].text
    assert "Ủy ban nhân dân Thành phố Hà Nội (" in cells[0].text


def test_a_briefing_offers_only_its_clusters_and_the_chooser_offers_the_province_with_them_picked(page, site):
    from icis.clusters.choices import ClusterStatus
    from icis.testing.factories import make_cluster

    other = make_cluster(name="Cụm khác đang xây", status=ClusterStatus.UNDER_CONSTRUCTION)
    html = page.get("/construction/briefing/", {"cluster": site.pk}).content.decode()
    assert f'<option value="{site.pk}" selected>' in html and f'value="{other.pk}"' not in html
    assert 'id="briefing-choose"' in html and "choose=1" in html
    chooser = page.get("/construction/briefing/", {"cluster": site.pk, "choose": "1"}).content.decode()
    assert f'<option value="{site.pk}" selected>' in chooser and f'<option value="{other.pk}" >' in chooser
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in chooser  # choosing: no briefing built
    empty = page.get("/construction/briefing/").content.decode()
    assert f'<option value="{site.pk}" >' in empty and f'<option value="{other.pk}" >' in empty


def test_the_admin_lists_undated_obstacles_and_unplanned_milestones_last_on_every_database(page, site):
    # the model's order (the admin's, and any unsorted read): NULLs first ascending on SQLite, last on PostgreSQL
    from icis.construction.models import Milestone

    Obstacle.objects.create(
        cluster=site, category="land_clearance", description="Chưa hẹn ngày", raised_on=day("2024-02-01")
    )
    Milestone.objects.create(cluster=site, kind=MilestoneKind.OPERATION)
    obstacles = page.get("/admin/construction/obstacle/").context["cl"].result_list
    assert [o.due_on for o in obstacles] == [day("2024-03-01"), None]
    milestones = page.get("/admin/construction/milestone/").context["cl"].result_list
    assert [m.planned_on for m in milestones] == [day("2019-10-01"), None]
    assert [o.due_on for o in Obstacle.objects.all()] == [day("2024-03-01"), None]
