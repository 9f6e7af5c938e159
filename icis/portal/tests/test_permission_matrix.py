"""The portal's rows of the permission matrix (the harness: icis/testing/matrix.py): DoIT's pages by role
and scope, and the public pages and API open to everyone, signed in or not."""

import pytest
from django.test import Client

from icis.portal.models import Enquiry
from icis.testing import matrix
from icis.testing.matrix import Endpoint

pytestmark = pytest.mark.django_db

CLUSTER_ENDPOINTS = [
    Endpoint(
        "page publish",
        "get",
        "/portal/manage/clusters/{id}/",
        ("portal.publish_cluster",),
        api=False,
        object_first=True,
    ),
]
ENQUIRY_ENDPOINTS = [
    Endpoint(
        "page enquiry", "get", "/portal/manage/enquiries/{id}/", ("portal.view_enquiry",), api=False, object_first=True
    ),
    Endpoint(
        "page enquiry edit",
        "get",
        "/portal/manage/enquiries/{id}/edit/",
        ("portal.change_enquiry",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page enquiry transition",
        "get",
        "/portal/manage/enquiries/{id}/transition/",
        ("portal.transition_enquiry",),
        api=False,
        object_first=True,
    ),
]
GLOBAL_ENDPOINTS = [
    Endpoint("page publications", "get", "/portal/manage/", ("portal.view_publication",), api=False),
    Endpoint("page enquiries", "get", "/portal/manage/enquiries/", ("portal.view_enquiry",), api=False),
    Endpoint("page conversion", "get", "/portal/manage/conversion/", ("portal.view_enquiry",), api=False),
]
PUBLIC = [
    "/portal/",
    "/en/portal/",
    "/portal/map/",
    "/portal/enquiry/",
    "/portal/open-data/",
    "/api/public/v1/clusters/",
    "/api/public/clusters/",
    "/api/public/v1/clusters/geojson/",
    "/api/public/v1/enquiries/challenge/",
]


@pytest.fixture
def enquiries(world):
    return {
        side: Enquiry.objects.create(
            reference=f"YC-TEST-{side}", area_ha=1, cluster=world[side], province_id=world[side].province_id
        )
        for side in ("a", "b")
    }


@matrix.each_persona
@pytest.mark.parametrize("endpoint", CLUSTER_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_cluster_page_answers_by_role_and_scope(world, persona, endpoint, which):
    matrix.check(world, persona, endpoint, world[which].pk, which)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", ENQUIRY_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_enquiry_page_answers_by_role_and_scope(world, enquiries, persona, endpoint, which):
    matrix.check(world, persona, endpoint, enquiries[which].pk, which)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=matrix.name)
def test_global_page_answers_by_role(world, persona, endpoint):
    matrix.check(world, persona, endpoint)


@matrix.each_persona
def test_the_public_portal_answers_everyone(world, persona):
    user = world["users"][persona]
    client = Client()
    if user is not None:
        client.force_login(user)
    for url in PUBLIC:
        assert client.get(url).status_code == 200, (persona, url)
