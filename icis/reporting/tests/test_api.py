import io

import pytest
from openpyxl import load_workbook

from icis.accounts import roles
from icis.accounts.tests.conftest import api_client_for
from icis.core.testing.factories import person
from icis.reporting.export import XLSX_CONTENT_TYPE

from .registry import EXPECTED_03, EXPECTED_04

FORM_04 = "/api/reports/form-04/"
FORM_03 = "/api/reports/form-03/"


def _values(body):
    return {row["number"]: row["value"] for row in body["indicators"]}


def test_form_04_json_contract(registry, api):
    response = api.get(FORM_04, {"period": "2026-H1"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "2026-H1"
    assert body["as_of"] == "2026-06-14"
    assert body["form"] == "04"
    assert len(body["indicators"]) == 35
    for row in body["indicators"]:
        assert {"number", "label", "unit", "value", "source"} <= set(row)
    assert _values(body) == {k: (v if isinstance(v, int) else float(v)) for k, v in EXPECTED_04.items()}
    assert body["indicators"][0]["plan_value"] == 159
    assert isinstance(body["indicators"][0]["value"], int)


def test_form_04_as_xlsx(registry, api):
    response = api.get(FORM_04, {"period": "2026-H1", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="bieu-04-2026-H1.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(row[0] == "27" for row in sheet.iter_rows(values_only=True))


def test_form_04_as_pdf(registry, api):
    response = api.get(FORM_04, {"period": "2026-H1", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bieu-04-2026-H1.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["json", "xlsx", "pdf"])
def test_a_bad_period_is_a_400_naming_the_format_whatever_was_asked(registry, api, fmt):
    response = api.get(FORM_04, {"period": "2026-H3", "format": fmt})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["errors"][0]["field"] == "period"
    assert "YYYY-H1" in body["detail"] and "YYYY-Y" in body["detail"]


def test_an_unknown_format_is_a_400(registry, api):
    response = api.get(FORM_04, {"period": "2026-H1", "format": "docx"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"


def test_period_defaults_to_the_latest_closed_one(registry, api):
    response = api.get(FORM_04)
    assert response.status_code == 200
    assert response.json()["period"] in ("2026-H1", "2026-Y", "2027-H1", "2027-Y")


def test_form_03_for_a_commune(registry, api):
    response = api.get(FORM_03, {"period": "2026-H1", "commune": "10273"})
    assert response.status_code == 200
    assert response.json()["commune"] == "10273"
    assert _values(response.json()) == {k: (v if isinstance(v, int) else float(v)) for k, v in EXPECTED_03.items()}


def test_form_03_needs_a_commune(registry, api):
    response = api.get(FORM_03, {"period": "2026-H1"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "commune"


# Who may generate which form: Form 04 for the city-wide roles; Form 03 also for commune officials,
# for their own commune only (another commune is out of scope: 404).
MATRIX = {
    "system-admin": (200, 200, 200),
    "doit-officer": (200, 200, 200),
    "city-leader": (200, 200, 200),
    "moit-officer": (200, 200, 200),
    "inspector": (200, 200, 200),
    "commune-official": (403, 200, 404),
    "investor": (403, 403, 403),
    "tenant": (403, 403, 403),
    "no-role": (403, 403, 403),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_permission_matrix(world, persona):
    client = api_client_for(world["users"][persona])
    got = (
        client.get(FORM_04, {"period": "2026-H1"}).status_code,
        client.get(FORM_03, {"period": "2026-H1", "commune": "10273"}).status_code,
        client.get(FORM_03, {"period": "2026-H1", "commune": "10030"}).status_code,
    )
    assert got == MATRIX[persona]


def test_every_role_is_in_the_matrix():
    assert {role.name for role in roles.ROLES} <= set(MATRIX)


def test_commune_official_form_03_is_computed_over_their_scope(registry):
    official = person("official", roles.COMMUNE_OFFICIAL, communes=["10273"])
    response = api_client_for(official).get(FORM_03, {"period": "2026-H1", "commune": "10273"})
    assert _values(response.json()) == {k: (v if isinstance(v, int) else float(v)) for k, v in EXPECTED_03.items()}


def test_form_04_is_computed_over_the_users_scope_only(registry):
    """A user city-wide for Form 04 sees all; the scope still applies to what they reach."""
    leader = person("leader", roles.CITY_LEADER)
    response = api_client_for(leader).get(FORM_04, {"period": "2026-H1"})
    assert _values(response.json())["1"] == EXPECTED_04["1"]
