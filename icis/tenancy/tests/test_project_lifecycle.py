"""A tenant project's status is no longer an editable field: it changes by a dated transition through
the one lifecycle (icis.core.lifecycle), on the page and in the API, with its history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from icis.accounts import roles
from icis.tenancy import services
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import ProjectStatusChange, TenantProject
from icis.testing.factories import person

from .conftest import project

pytestmark = pytest.mark.django_db


def codes(error):
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_registering_writes_the_first_row_and_a_tenant_who_left_is_dated_by_its_leaving(cluster20, tenant, boss):
    running = project(cluster20, tenant, 2, boss, status=ProjectStatus.OPERATING)
    gone = project(cluster20, tenant, 2, boss, status=ProjectStatus.LEFT, ended_on=datetime.date(2024, 6, 1))
    first = running.status_changes.get()
    assert (first.from_status, first.to_status, first.effective_on) == ("", "operating", None)
    assert gone.status_changes.get().effective_on == gone.status_since == datetime.date(2024, 6, 1)


def test_a_transition_is_dated_recorded_and_leaving_frees_the_land(cluster20, tenant, boss):
    item = project(cluster20, tenant, 15, boss)
    services.project_transition(
        project=item, to_status=ProjectStatus.OPERATING, effective_on=datetime.date(2024, 3, 1), actor=boss
    )
    item = services.project_transition(
        project=item,
        to_status=ProjectStatus.LEFT,
        effective_on=datetime.date(2025, 1, 1),
        reason="Lease ended early",
        actor=boss,
    )
    left_on = datetime.date(2025, 1, 1)
    assert (item.status, item.status_since, item.ended_on) == ("left", left_on, left_on)
    rows = list(item.status_changes.order_by("id").values_list("from_status", "to_status", "reason"))
    assert [row[:2] for row in rows] == [("", "registered"), ("registered", "operating"), ("operating", "left")]
    assert rows[-1][2] == "Lease ended early"
    assert item.version == 3


@pytest.mark.parametrize(
    ("to", "day", "field", "code"),
    [
        ("registered", "2024-03-01", "to", "transition_not_allowed"),
        ("bogus", "2024-03-01", "to", "invalid"),
        ("stopped", "2024-01-31", "date", "date_before_current"),
        ("stopped", "future", "date", "future_date"),
    ],
)
def test_refused_transitions_change_nothing(cluster20, tenant, boss, to, day, field, code):
    item = project(cluster20, tenant, 2, boss)
    item = services.project_transition(
        project=item, to_status="operating", effective_on=datetime.date(2024, 2, 1), actor=boss
    )
    when = timezone.localdate() + datetime.timedelta(days=1) if day == "future" else datetime.date.fromisoformat(day)
    with pytest.raises(ValidationError) as caught:
        services.project_transition(project=item, to_status=to, effective_on=when, actor=boss)
    assert codes(caught.value) == {field: [code]}
    assert TenantProject.objects.get(pk=item.pk).status == "operating"
    assert ProjectStatusChange.objects.filter(project=item).count() == 2


def test_a_stale_version_is_refused(cluster20, tenant, boss):
    item = project(cluster20, tenant, 2, boss)
    with pytest.raises(ValidationError) as caught:
        services.project_transition(
            project=item, to_status="building", effective_on=datetime.date(2024, 2, 1), actor=boss, expected_version=0
        )
    assert caught.value.code == "stale"


def test_an_edit_may_not_change_the_status(cluster20, tenant, boss):
    item = project(cluster20, tenant, 2, boss)
    with pytest.raises(ValidationError) as caught:
        services.project_update(project=item, data={"status": ProjectStatus.STOPPED}, actor=boss)
    assert codes(caught.value) == {"status": ["read_only"]}
    # Sending the status unchanged (a full form) is fine.
    services.project_update(project=item, data={"status": ProjectStatus.REGISTERED, "employees": 5}, actor=boss)


def test_api_patch_refuses_the_status_and_transition_moves_it_with_history(api, cluster20, tenant, boss):
    item = project(cluster20, tenant, 2, boss)
    url = f"/api/tenant-projects/{item.pk}/"
    refused = api.patch(url, {"status": "stopped"}, format="json")
    assert refused.status_code == 400 and "status" in str(refused.json())
    moved = api.post(
        url + "transition/", {"to": "building", "date": "2024-05-01", "reason": "Works began"}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "building" and moved.json()["status_since"] == "2024-05-01"
    bad = api.post(url + "transition/", {"to": "registered", "date": "2024-05-02"}, format="json")
    assert bad.status_code == 400 and "transition_not_allowed" in str(bad.json())
    history = api.get(url + "status-history/").json()
    assert [(h["from_status"], h["to_status"], h["interface"]) for h in history] == [
        ("registered", "building", "api"),
        ("", "registered", "command"),
    ]


def test_api_transition_of_a_project_out_of_scope_is_404(client, cluster20, tenant, boss):
    from rest_framework.test import APIClient

    from icis.testing import factories

    item = project(cluster20, tenant, 2, boss)
    stranger = person("stranger", roles.COMMUNE_OFFICIAL)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(stranger)}")
    response = api.post(f"/api/tenant-projects/{item.pk}/transition/", {"to": "building", "date": "2024-05-01"})
    assert response.status_code in (403, 404)
    assert TenantProject.objects.get(pk=item.pk).status == "registered"


def test_the_edit_page_has_no_status_field_and_the_status_page_moves_it(page, cluster20, tenant, boss):
    item = project(cluster20, tenant, 2, boss)
    edit = page.get(f"/tenancy/projects/{item.pk}/edit/").content.decode()
    assert 'name="status"' not in edit and f"/tenancy/projects/{item.pk}/status/" in edit
    status_page = page.get(f"/tenancy/projects/{item.pk}/status/")
    assert status_page.status_code == 200 and 'id="status-history"' in status_page.content.decode()
    refused = page.post(f"/tenancy/projects/{item.pk}/status/", {"to": "stopped", "date": "01/01/2099"})
    assert refused.status_code == 200 and "field-error" in refused.content.decode()
    moved = page.post(
        f"/tenancy/projects/{item.pk}/status/", {"to": "stopped", "date": "01/03/2024", "version": item.version}
    )
    assert moved.status_code == 302
    item.refresh_from_db()
    assert item.status == "stopped" and item.status_changes.order_by("-id").first().interface == "page"
    # The edit form no longer sends a status, and saving it keeps the status.
    saved = page.post(
        f"/tenancy/projects/{item.pk}/edit/",
        {
            "cluster": cluster20.pk,
            "tenant": tenant.pk,
            "land_ha": "3",
            "lease_start": "01/01/2024",
            "version": item.version,
        },
    )
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.status == "stopped" and item.land_ha == 3


def test_a_circular_14_report_keeps_a_typed_row_for_every_step(cluster20, boss):
    from .test_submissions import FORM_02

    draft = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    submitted = services.submission_submit(submission=draft, actor=boss)
    returned = services.submission_return(submission=submitted, reason="Check the revenue", actor=boss)
    with pytest.raises(ValidationError) as caught:
        services.submission_accept(submission=returned, actor=boss)
    assert codes(caught.value) == {"status": ["transition_not_allowed"]}
    rows = list(returned.status_changes.order_by("id").values_list("from_status", "to_status", "reason"))
    assert rows == [("", "draft", ""), ("draft", "submitted", ""), ("submitted", "returned", "Check the revenue")]
    assert returned.status_changes.filter(effective_on=timezone.localdate()).count() == 3
