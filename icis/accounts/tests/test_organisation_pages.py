"""Organisations get pages and an API; only investors (enterprise or public unit) may be a cluster's
infrastructure investor."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters import services as cluster_services
from icis.testing.factories import api_token, make_cluster, person

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "name": "Công ty CP Hạ tầng Phú Xuyên",
        "kind": "investor",
        "tax_code": "0101234567",
        "address": "",
        "notes": "",
    }
    return {**data, **overrides}


def test_register_search_and_edit_an_organisation(page, hanoi):
    response = page.post(reverse("organisations:add"), _form())
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Công ty CP Hạ tầng Phú Xuyên")
    html = page.get(reverse("organisations:list"), {"q": "ha tang phu xuyen"}).content.decode()
    assert "Công ty CP Hạ tầng Phú Xuyên" in html
    html = page.get(reverse("organisations:list"), {"q": "0101234567"}).content.decode()
    assert "Công ty CP Hạ tầng Phú Xuyên" in html
    url = reverse("organisations:edit", args=[organisation.pk])
    response = page.post(url, _form(address="Phú Xuyên, Hà Nội", version=organisation.version))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.address == "Phú Xuyên, Hà Nội" and organisation.tax_code == "0101234567"


@pytest.mark.parametrize(
    "overrides, field", [({"tax_code": "12345"}, "tax_code"), ({"name": ""}, "name"), ({"kind": "king"}, "kind")]
)
def test_bad_input_names_the_field_and_writes_nothing(page, hanoi, overrides, field):
    before = Organisation.objects.count()
    response = page.post(reverse("organisations:add"), _form(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert Organisation.objects.count() == before


def test_a_duplicate_name_is_refused(page, hanoi):
    page.post(reverse("organisations:add"), _form())
    response = page.post(reverse("organisations:add"), _form(tax_code=""))
    assert response.status_code == 200 and "name" in response.context["form"].errors


def test_only_investors_are_offered_and_accepted_as_a_clusters_investor(page, hanoi, boss):
    committee = Organisation.objects.create(name="UBND xã Phú Xuyên", kind=OrganisationKind.PEOPLES_COMMITTEE)
    firm = Organisation.objects.create(name="Công ty Hạ tầng", kind=OrganisationKind.INVESTOR)
    board = Organisation.objects.create(name="Ban QLDA huyện", kind=OrganisationKind.PUBLIC_INVESTOR)
    cluster = make_cluster()
    form = page.get(reverse("clusters:cluster_edit", args=[cluster.pk])).context["form"]
    offered = set(form.fields["investor"].queryset)
    assert firm in offered and board in offered and committee not in offered
    with pytest.raises(ValidationError) as refused:
        cluster_services.cluster_update(cluster=cluster, data={"investor": committee}, actor=boss)
    assert "investor" in refused.value.message_dict
    cluster.refresh_from_db()
    assert cluster.investor is None


def test_an_investor_of_a_cluster_keeps_an_investor_kind(page, hanoi, boss):
    firm = Organisation.objects.create(name="Công ty Hạ tầng", kind=OrganisationKind.INVESTOR)
    make_cluster(investor=firm)
    response = page.post(
        reverse("organisations:edit", args=[firm.pk]), _form(name=firm.name, kind="other", version=firm.version)
    )
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    firm.refresh_from_db()
    assert firm.kind == OrganisationKind.INVESTOR


def test_the_api_lists_creates_and_refuses(api, hanoi):
    response = api.post("/api/organisations/", {"name": "Cty X", "kind": "investor", "tax_code": "0101234567-001"})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "investor"
    bad = api.post("/api/organisations/", {"name": "Cty Y", "kind": "investor", "tax_code": "abc"})
    assert bad.status_code == 400 and "tax_code" in bad.content.decode()
    names = [o["name"] for o in api.get("/api/organisations/", {"q": "cty x"}).json()["results"]]
    assert names == ["Cty X"]


def test_an_investor_sees_no_organisation_pages_and_cannot_create_by_api(client, hanoi):
    investor = person("nhadautu", roles.INVESTOR)
    client.force_login(investor)
    assert client.get(reverse("organisations:list")).status_code == 403
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(investor)}")
    assert api.get("/api/organisations/").status_code == 403
    before = Organisation.objects.count()
    assert api.post("/api/organisations/", {"name": "Cty Z", "kind": "doit"}).status_code == 403
    assert Organisation.objects.count() == before
