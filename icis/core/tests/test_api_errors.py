"""Every API error answers in the one documented shape: {"detail": str, "errors": [{field, code, message}]}."""

import jsonschema
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.core.api.schema import ERROR_SCHEMA
from icis.testing.factories import english, make_cluster, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


def _json_schema(openapi):
    """OpenAPI 3.0's `nullable` in JSON Schema terms."""
    if isinstance(openapi, dict):
        schema = {key: _json_schema(value) for key, value in openapi.items() if key != "nullable"}
        if openapi.get("nullable"):
            schema["type"] = [schema["type"], "null"]
        return schema
    return openapi


def assert_error_shape(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, _json_schema(ERROR_SCHEMA))
    assert body["detail"] and body["errors"]
    assert "ErrorDetail" not in response.content.decode() and "{'" not in body["detail"]
    return body


def test_a_missing_object_is_a_404_in_the_error_shape_not_a_python_repr(api, hanoi):
    body = assert_error_shape(api.get("/api/clusters/999999/"), 404)
    assert body["errors"][0]["code"] == "not_found"


def test_an_unknown_api_address_is_a_404_in_the_error_shape(api):
    assert_error_shape(api.get("/api/no-such-thing/"), 404)


def test_a_method_the_resource_lacks_is_a_405_in_the_error_shape(api, hanoi):
    cluster = make_cluster()
    body = assert_error_shape(api.delete(f"/api/clusters/{cluster.pk}/"), 405)
    assert body["errors"][0]["code"] == "method_not_allowed"


def test_no_credentials_is_a_401_in_the_error_shape(hanoi):
    body = assert_error_shape(APIClient().get("/api/clusters/"), 401)
    assert body["errors"][0]["code"] == "not_authenticated"


def test_a_bad_token_is_a_401_in_the_error_shape(hanoi):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert_error_shape(client.get("/api/clusters/"), 401)


def test_a_role_without_the_permission_is_a_403_in_the_error_shape(hanoi):
    client = APIClient()
    client.force_authenticate(person("leader", roles.CITY_LEADER))
    body = assert_error_shape(client.post("/api/clusters/", {"name": "x"}, format="json"), 403)
    assert body["errors"][0]["code"] == "permission_denied"


def test_a_stale_if_match_is_a_412_in_the_error_shape(api, hanoi):
    cluster = make_cluster(area_ha=10)
    response = api.patch(f"/api/clusters/{cluster.pk}/", {"area_ha": 11}, format="json", HTTP_IF_MATCH='"1-0"')
    assert assert_error_shape(response, 412)["errors"][0]["code"] == "stale"


def test_invalid_input_is_a_400_naming_the_field(api, hanoi):
    cluster = make_cluster(area_ha=10)
    body = assert_error_shape(api.patch(f"/api/clusters/{cluster.pk}/", {"area_ha": "lots"}, format="json"), 400)
    assert body["errors"][0]["field"] == "area_ha"


def test_malformed_json_is_a_400_in_the_error_shape(api, hanoi):
    cluster = make_cluster()
    response = api.generic("PATCH", f"/api/clusters/{cluster.pk}/", "{not json", content_type="application/json")
    assert assert_error_shape(response, 400)["errors"][0]["code"] == "parse_error"


def test_an_unsupported_media_type_is_a_415_in_the_error_shape(api, hanoi):
    response = api.generic("POST", "/api/clusters/", "name=x", content_type="text/plain")
    assert_error_shape(response, 415)


def test_too_many_token_requests_is_a_429_in_the_error_shape(db, settings):
    cache.clear()
    client = APIClient()
    answers = [client.post("/api/auth/token/", {"username": "x", "password": "y"}).status_code for _ in range(11)]
    assert answers[0] == 400
    body = assert_error_shape(client.post("/api/auth/token/", {"username": "x", "password": "y"}), 429)
    assert body["errors"][0]["code"] == "throttled"
    cache.clear()


def test_a_host_the_site_does_not_serve_is_a_400_in_the_error_shape(client):
    response = client.get("/api/clusters/", HTTP_HOST="evil.example")
    assert assert_error_shape(response, 400)["errors"][0]["code"] == "bad_request"


def test_a_refused_page_outside_the_api_stays_html(client):
    assert client.get("/clusters/", HTTP_HOST="evil.example")["Content-Type"].startswith("text/html")
