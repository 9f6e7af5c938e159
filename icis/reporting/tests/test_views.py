import pytest

from icis.accounts import roles
from icis.testing.factories import person

from .registry import EXPECTED_04


def test_form_04_page_previews_the_form(registry, page):
    response = page.get("/reports/form-04/", {"period": "2026-H1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Biểu số 04. Tổng hợp tình hình cụm công nghiệp trên địa bàn cấp tỉnh" in html
    assert "Kỳ này: Trước ngày 30/06/2026" in html
    assert 'data-number="15.4"' in html and 'data-number="27"' in html
    assert "format=xlsx" in html and "format=pdf" in html
    report = response.context["report"]
    assert {i.number: i.value for i in report.indicators} == EXPECTED_04


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("pdf", "application/pdf")],
)
def test_form_04_page_downloads(registry, page, fmt, content_type):
    response = page.get("/reports/form-04/", {"period": "2026-H1", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_bad_period_on_the_page_says_the_expected_format(registry, page):
    response = page.get("/reports/form-04/", {"period": "2026-Q2"})
    assert response.status_code == 400
    assert "YYYY-H1" in response.content.decode()


def test_commune_official_gets_their_commune_by_default_and_nothing_else(registry, client):
    client.force_login(person("official", roles.COMMUNE_OFFICIAL, communes=["10273"]))
    response = client.get("/reports/form-03/", {"period": "2026-H1"})
    assert response.status_code == 200
    assert response.context["report"].commune.code == "10273"
    assert client.get("/reports/form-03/", {"period": "2026-H1", "commune": "10030"}).status_code == 404
    assert client.get("/reports/form-04/").status_code == 403
    assert client.get("/reports/").url == "/reports/form-03/"


def test_city_wide_user_chooses_the_commune(registry, page):
    response = page.get("/reports/form-03/", {"period": "2026-H1"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert page.get("/reports/form-03/", {"period": "2026-H1", "commune": "10030"}).status_code == 200


def test_anonymous_goes_to_the_login_page(client):
    response = client.get("/reports/form-04/")
    assert response.status_code == 302 and "/accounts/login" in response.url
