"""Ids and numbers from query strings and forms: anything malformed is refused or ignored, never a 500."""

import pytest

from icis.core.views import id_or_none
from icis.testing.factories import make_cluster

BAD = ["x", "", " ", "-1", "0", "1.5", "²", "١", "99999999999999999999", "1e3", None]


@pytest.mark.parametrize("value", BAD)
def test_malformed_ids_are_none(value):
    assert id_or_none(value) is None


def test_well_formed_ids_are_numbers():
    assert id_or_none("42") == 42 and id_or_none(" 7 ") == 7 and id_or_none(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "abc", "sNaN"])
def test_the_eligibility_check_refuses_an_area_that_is_not_a_number_naming_the_field(page, hanoi, value):
    cluster = make_cluster(area_ha=10)
    response = page.get(f"/legal/clusters/{cluster.pk}/", {"added_area_ha": value})
    assert response.status_code == 200 and response.context["added"] is None
    assert len(response.context["errors"]) == 1 and response.context["result"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "²", "x"])
def test_pages_that_take_an_id_in_the_query_string_ignore_a_malformed_one(page, hanoi, value):
    make_cluster(area_ha=10)
    assert page.get("/construction/briefing/", {"cluster": value}).status_code == 200
    assert page.get("/environment/plants/new/", {"cluster": value}).status_code == 200
