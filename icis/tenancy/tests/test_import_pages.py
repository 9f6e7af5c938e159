"""The tenant import pages on the generic views (icis/core/generic.py): sign-in first, the URL's import
through the user's scope (404), the tenant permissions after (403), the clusters offered and the moves
allowed through the clusters the user may change, and a refused move shown as a message."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from icis.accounts import roles
from icis.accounts.models import Organisation
from icis.tenancy.models import TenantImport
from icis.testing.factories import english, make_cluster, person

from .test_imports import GOOD_ROWS, checked, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


@pytest.fixture
def cluster(hanoi):
    return make_cluster(name="Cụm Thử Nghiệm", area_ha=30, industrial_land_ha=20)


@pytest.fixture
def en(page):
    page.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return page


@pytest.fixture
def investor(cluster):
    organisation = Organisation.objects.create(name="T&T Group", kind="investor")
    cluster.investor = organisation
    cluster.save()
    return person("investor", roles.INVESTOR, organisation=organisation)


@pytest.fixture
def investor_page(investor):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(investor)
    return client


def test_anonymous_users_are_sent_to_sign_in(page, cluster):
    record = checked(page, cluster, xlsx(GOOD_ROWS))
    anonymous = Client()
    urls = [reverse("tenancy:import_list"), reverse("tenancy:import_template"), reverse("tenancy:project_export")]
    urls += [reverse(name, args=[record.pk]) for name in ("tenancy:import_detail", "tenancy:import_progress")]
    urls += [reverse("tenancy:import_errors", args=[record.pk])]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    response = anonymous.post(reverse("tenancy:import_commit", args=[record.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID


def test_the_upload_form_offers_only_the_clusters_the_user_may_change(investor_page, cluster):
    make_cluster(name="Cụm khác", industrial_land_ha=10, area_ha=10)
    response = investor_page.get(reverse("tenancy:import_list"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["cluster"].queryset) == [cluster]


def test_the_list_shows_only_the_users_own_imports(page, investor_page, cluster):
    checked(page, cluster, xlsx(GOOD_ROWS))
    mine = checked(investor_page, cluster, xlsx(GOOD_ROWS[:1]))
    assert list(investor_page.get(reverse("tenancy:import_list")).context["imports"]) == [mine]


def test_a_refused_move_is_a_message_and_changes_nothing(en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    en.post(reverse("tenancy:import_discard", args=[record.pk]))
    response = en.post(reverse("tenancy:import_commit", args=[record.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tenancy:import_detail", args=[record.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Cannot go from “Discarded” to “Importing”; allowed: none, “Discarded” is final."
    ]
    record.refresh_from_db()
    assert record.status == TenantImport.Status.DISCARDED


def test_a_move_answers_only_post(en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    for name in ("tenancy:import_commit", "tenancy:import_check", "tenancy:import_discard"):
        assert en.get(reverse(name, args=[record.pk])).status_code == 405
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID


def test_an_import_into_a_cluster_the_user_may_no_longer_change_cannot_be_moved(investor_page, cluster):
    record = checked(investor_page, cluster, xlsx(GOOD_ROWS))
    cluster.investor = None
    cluster.save()
    assert investor_page.get(reverse("tenancy:import_detail", args=[record.pk])).status_code == 200
    for name in ("tenancy:import_commit", "tenancy:import_discard"):
        assert investor_page.post(reverse(name, args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID
    assert upload(investor_page, cluster, xlsx(GOOD_ROWS)).status_code == 200  # no longer offered


def test_ones_own_import_without_the_tenant_permissions_is_forbidden(investor_page, investor, cluster):
    record = checked(investor_page, cluster, xlsx(GOOD_ROWS))
    investor.groups.clear()
    for name in ("tenancy:import_detail", "tenancy:import_progress", "tenancy:import_errors"):
        assert investor_page.get(reverse(name, args=[record.pk])).status_code == 403
    assert investor_page.post(reverse("tenancy:import_commit", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID
