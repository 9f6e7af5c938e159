"""The report pages (occupancy, construction summary) carry the chart of their figures, as of their day."""

import pytest

pytestmark = pytest.mark.django_db


def test_report_pages_carry_their_chart(page, hanoi):
    html = page.get("/tenancy/occupancy/").content.decode()
    assert 'id="chart-occupancy"' in html and "/dashboard/charts/occupancy/?as_of=" in html
    html = page.get("/construction/summary/").content.decode()
    assert 'id="chart-construction"' in html
