"""The continuous-monitoring import page on the generic views: sign-in first, the plant through the
user's scope for "change" (404 outside it), and nothing is queued or written for a refused user."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from icis.accounts import roles
from icis.accounts.models import Organisation
from icis.clusters.choices import ClusterStatus
from icis.core.models import Job
from icis.environment.models import Sample
from icis.testing.factories import make_cluster, person

from .factories import day, make_plant

pytestmark = pytest.mark.django_db

CSV = b"date,parameter,value,unit\n2026-03-01,COD,62,mg/l\n"


@pytest.fixture
def plant(hanoi, boss):
    cluster = make_cluster(name="Cụm Phú Xuyên", status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    return make_plant(cluster, name="Trạm Phú Xuyên", since="2020-01-01")


def post(client, plant):
    return client.post(f"/environment/plants/{plant.pk}/import/", {"file": SimpleUploadedFile("q.csv", CSV)})


def test_anonymous_users_are_sent_to_sign_in(plant):
    anonymous = Client()
    for response in (anonymous.get(f"/environment/plants/{plant.pk}/import/"), post(anonymous, plant)):
        assert response.status_code == 302 and "login" in response["Location"]
    assert not Job.objects.exists() and not Sample.objects.exists()


def test_a_plant_outside_the_users_scope_is_not_found(plant):
    organisation = Organisation.objects.create(name="Nhà đầu tư khác", kind="investor")
    client = Client()
    client.force_login(person("stranger", roles.INVESTOR, organisation=organisation))
    assert client.get(f"/environment/plants/{plant.pk}/import/").status_code == 404
    assert post(client, plant).status_code == 404
    assert client.get("/environment/plants/999999/import/").status_code == 404
    assert not Job.objects.exists() and not Sample.objects.exists()


def test_the_page_names_the_plant(page, plant):
    response = page.get(f"/environment/plants/{plant.pk}/import/")
    assert response.status_code == 200 and response.context["plant"] == plant
