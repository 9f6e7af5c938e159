"""Every change to who may do what is in the audit log, whichever interface made it (finding 5).

Users, organisations, roles (groups) and their permissions, scopes, cluster assignments and
passwords; through the admin, the ORM (shell, commands) and the audit log page. Passwords changes
are events, never the hash.
"""

import pytest
from django.contrib.auth.models import Group, Permission, update_last_login

from icis.accounts import roles
from icis.accounts.models import AuditEvent, Organisation, OrganisationKind, User
from icis.clusters.models import ClusterAssignment
from icis.core import channel
from icis.core.audit import acting
from icis.testing.factories import english, make_cluster, person, superuser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    return client


def events(action, subject=""):
    return list(AuditEvent.objects.filter(action=action, subject__startswith=subject).order_by("id"))


def latest(user):
    return user.history.order_by("-history_date", "-history_id").first()


def _admin_form(client, user) -> dict:
    """The admin's change form for `user`, as it would be posted back unchanged."""
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or field.disabled:
            continue
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(item, "pk", item) for item in (value.all() if hasattr(value, "all") else value)]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    for date_name in ("date_joined", "last_login"):
        value = form.initial.get(date_name)
        data.pop(date_name, None)
        if value:
            data[f"{date_name}_0"] = value.strftime("%Y-%m-%d")
            data[f"{date_name}_1"] = value.strftime("%H:%M:%S")
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    return data


def test_changing_an_investors_organisation_in_the_admin_is_audited(admin_client, boss):
    x = Organisation.objects.create(name="Investor X", kind=OrganisationKind.INVESTOR)
    y = Organisation.objects.create(name="Investor Y", kind=OrganisationKind.INVESTOR)
    investor = person("investor", roles.INVESTOR, organisation=x)
    data = {**_admin_form(admin_client, investor), "organisation": y.pk}
    response = admin_client.post(f"/admin/accounts/user/{investor.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = latest(investor)
    assert (record.history_user, record.history_channel, record.organisation_id) == (boss, "admin", y.pk)
    assert "organisation" in [c.field for c in record.diff_against(record.prev_record).changes]
    [event] = events("privileges_changed", "investor")
    assert (event.actor, event.via, event.detail) == (boss, "admin", {"organisation": f"{x.pk} → {y.pk}"})


def test_granting_superuser_in_the_admin_is_audited(admin_client, boss):
    officer = person("officer", roles.DOIT_OFFICER)
    data = {**_admin_form(admin_client, officer), "is_superuser": "on", "is_staff": "on"}
    assert admin_client.post(f"/admin/accounts/user/{officer.pk}/change/", data).status_code == 302
    record = latest(officer)
    assert (record.is_superuser, record.history_user, record.history_channel) == (True, boss, "admin")
    [event] = events("privileges_changed", "officer")
    assert event.detail == {"is_superuser": "False → True", "is_staff": "False → True"}


def test_changing_a_password_in_the_admin_is_an_event_without_the_hash(admin_client, boss):
    officer = person("officer", roles.DOIT_OFFICER)
    new = "mây trắng bay qua Ba Vì 2026"
    response = admin_client.post(
        f"/admin/accounts/user/{officer.pk}/password/", {"password1": new, "password2": new, "usable_password": "true"}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(new)
    [event] = events("password_changed", "officer")
    assert (event.actor, event.via, event.detail) == (boss, "admin", {"usable": True})
    hashed = officer.password
    assert not any(hashed in str(e.detail) or hashed in e.subject for e in AuditEvent.objects.all())
    assert not hasattr(officer.history.model, "password")


def test_shell_changes_are_audited_as_commands_with_the_acting_user():
    officer = person("officer", roles.DOIT_OFFICER)
    officer.set_password("a-new-long-password-2")
    officer.save()
    [event] = events("password_changed", "officer")
    assert (event.actor, event.via) == (None, channel.COMMAND)
    admin = superuser()
    with acting(admin):
        officer.is_active = False
        officer.save()
    [event] = events("privileges_changed", "officer")
    assert (event.actor, event.via, event.detail) == (admin, "command", {"is_active": "True → False"})
    assert (latest(officer).history_user, latest(officer).is_active) == (admin, False)


def test_clearing_roles_and_direct_permissions_is_audited():
    officer = person("officer", roles.DOIT_OFFICER)
    permission = Permission.objects.get(codename="view_auditlog")
    officer.user_permissions.add(permission)
    officer.groups.clear()
    officer.user_permissions.clear()
    assert [e.detail for e in events("role_removed", "officer")] == [{"role": "doit-officer"}]
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="permission_").order_by("id")] == [
        "permission_added",
        "permission_removed",
    ]
    assert events("permission_removed")[0].detail == {"permission": "accounts.view_auditlog"}


def test_a_roles_name_and_permissions_are_audited():
    group = Group.objects.get(name=roles.CITY_LEADER.name)
    permission = Permission.objects.get(codename="view_auditlog")
    start = AuditEvent.objects.count()
    group.permissions.add(permission)
    group.permissions.remove(permission)
    permission.group_set.add(group)
    group.permissions.clear()
    details = [e.detail for e in AuditEvent.objects.order_by("id")[start:]]
    assert details[:3] == [
        {"added": ["accounts.view_auditlog"]},
        {"removed": ["accounts.view_auditlog"]},
        {"added": ["accounts.view_auditlog"]},
    ]
    assert "accounts.view_auditlog" in details[3]["removed"] and len(details) == 4
    group.name = "city-leader-renamed"
    group.save()
    assert group.history.order_by("-history_id").first().name == "city-leader-renamed"


def test_cluster_assignments_are_audited(hanoi, boss):
    cluster = make_cluster(name="Cụm A")
    official = person("official", roles.COMMUNE_OFFICIAL)
    with acting(boss):
        assignment = ClusterAssignment.objects.create(user=official, cluster=cluster)
        assignment.delete()
    assert [e.action for e in events("scope_", "official")] == []
    assert [(e.action, e.actor) for e in AuditEvent.objects.filter(subject="official: Cụm A").order_by("id")] == [
        ("scope_added", boss),
        ("scope_removed", boss),
    ]
    assert ClusterAssignment.history.filter(user_id=official.pk).count() == 2


def test_signing_in_writes_no_user_history_row(client):
    officer = person("officer", roles.DOIT_OFFICER)
    before = officer.history.count()
    update_last_login(None, officer)
    client.post("/accounts/login/", {"username": "officer", "password": "a-long-password-1"})
    assert officer.history.count() == before
    assert not events("privileges_changed") and not events("password_changed")


def test_the_audit_log_shows_account_changes(admin_client, boss):
    officer = person("officer", roles.DOIT_OFFICER)
    data = {**_admin_form(admin_client, officer), "is_superuser": "on"}
    admin_client.post(f"/admin/accounts/user/{officer.pk}/change/", data)
    security = admin_client.get("/audit/", {"model": "security"}).context["rows"]
    assert any(row.action == "account privileges changed" and row.object_repr == "officer" for row in security)
    history = admin_client.get("/audit/", {"model": "accounts.User"}).context["rows"]
    assert any(c["field"] == "is_superuser" for row in history for c in row.changes)
    assert admin_client.get(f"/audit/accounts/user/{officer.pk}/").status_code == 200
    assert User.history.model._meta.get_field("organisation")
