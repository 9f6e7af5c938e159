"""Panels, tabs, menu entries and role grants contributed by the apps through icis.core.registry."""

import copy
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from icis.accounts import roles
from icis.core.registry import MenuItem, Panel, Tab, menu, panels, role_grants, tabs
from icis.core.scoping import scope_links
from icis.documents.models import Document
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_templates(tmp_path, settings):
    """A template folder of a pretend app that contributes to the cluster page."""
    (tmp_path / "pretend").mkdir()
    (tmp_path / "pretend" / "_panel.html").write_text(
        '<div id="pretend-panel">Pretend panel of {{ cluster.code }}: {{ note }}'
        "{% if perms.clusters.change_cluster %} (may edit){% endif %}</div>"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    return tmp_path


@pytest.fixture
def pretend_panel(test_templates):
    seen = []

    def context(request, cluster):
        seen.append((request.user.username, cluster.pk))
        return None if cluster.notes == "hide" else {"cluster": cluster, "note": "from the registry"}

    panels.register("cluster", Panel("pretend", "pretend/_panel.html", context, slot="side", order=1))
    yield seen
    panels.unregister("cluster", "pretend")


def test_a_panel_registered_by_an_app_shows_on_the_cluster_page(page, pretend_panel):
    cluster = make_cluster(name="Cụm có bảng")
    html = page.get(f"/clusters/{cluster.pk}/").content.decode()
    assert f"Pretend panel of {cluster.code}: from the registry (may edit)" in html
    assert pretend_panel == [("boss", cluster.pk)]
    # order=1 puts it first in the side column, before the apps' own panels
    assert html.index('id="pretend-panel"') < html.index('id="tenancy-panel"')


def test_a_panel_whose_context_is_none_is_left_out(page, pretend_panel):
    cluster = make_cluster(notes="hide")
    assert 'id="pretend-panel"' not in page.get(f"/clusters/{cluster.pk}/").content.decode()


def test_a_panel_is_shown_only_to_users_holding_its_permission(test_templates, hanoi):
    cluster = make_cluster(communes=[])
    panels.register(
        "cluster",
        Panel(
            "guarded",
            "pretend/_panel.html",
            lambda request, obj: {"cluster": obj, "note": "secret"},
            permissions=("clusters.transition_cluster",),
        ),
    )
    try:
        officer = person("officer", roles.DOIT_OFFICER)
        leader = person("leader", roles.CITY_LEADER)
        for user, shown in ((officer, True), (leader, False)):
            client = Client()
            client.force_login(user)
            html = client.get(f"/clusters/{cluster.pk}/").content.decode()
            assert ("Pretend panel" in html) is shown, user.username
    finally:
        panels.unregister("cluster", "guarded")


def test_a_panel_name_is_registered_once_per_page():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        panels.register("cluster", Panel("tenancy", "x.html", lambda r, o: {}))


def test_the_apps_panels_are_registered_in_their_order():
    side = [p.name for p in panels.for_page("cluster", "side")]
    assert side == ["maps", "tenancy", "environment", "legal", "dossiers", "inspections"]
    assert [p.name for p in panels.for_page("cluster", "bottom")] == ["construction"]


def test_a_tab_registered_by_an_app_links_from_the_cluster_page(page):
    cluster = make_cluster()
    tabs.register("cluster", Tab("pretend", "Pretend records", lambda c: f"/pretend/{c.pk}/", order=1))
    try:
        html = page.get(f"/clusters/{cluster.pk}/").content.decode()
    finally:
        tabs.unregister("cluster", "pretend")
    assert f'href="/pretend/{cluster.pk}/" data-tab="pretend">Pretend records<' in html
    assert f'href="/construction/clusters/{cluster.pk}/" data-tab="construction"' in html


def _menu(client) -> list[str]:
    """The names of the navigation entries on the dashboard, in order (drop-down children after their parent)."""
    return re.findall(r'data-menu="([\w-]+)"', client.get("/").content.decode())


def _menu_before_the_registry(user) -> list[str]:
    """The entries base.html showed when it named every app, by the same permission tests."""
    p = user.has_perm
    entries = [
        ("dashboard", True),
        ("clusters", True),
        ("clusters-list", True),
        ("map", True),
        ("dossiers", p("dossiers.view_dossier")),
        ("registry-io", p("registry_io.export_registry")),
        ("registry-import", p("registry_io.export_registry") and p("registry_io.add_registryimport")),
        ("registry-export", p("registry_io.export_registry")),
        ("construction", p("construction.view_progressreport")),
        ("tenancy", p("tenancy.view_tenantproject")),
        ("tenancy-occupancy", p("tenancy.view_tenantproject")),
        ("tenancy-projects", p("tenancy.view_tenantproject")),
        ("tenancy-import", p("tenancy.view_tenantproject") and p("tenancy.add_tenantproject")),
        ("tenancy-submissions", p("tenancy.view_tenantproject")),
        ("environment", p("environment.view_violation")),
        ("inspections", p("inspections.view_inspection") or p("awards.view_nomination")),
        ("inspections-list", p("inspections.view_inspection")),
        ("inspections-field", p("inspections.view_inspection") and p("inspections.add_finding")),
        ("awards", p("awards.view_nomination")),
        ("planning", True),
        ("reporting", p("reporting.view_form03") or p("reporting.view_form04")),
        ("portal", p("portal.view_enquiry")),
        ("portal-enquiries", p("portal.view_enquiry")),
        ("portal-publications", p("portal.view_enquiry") and p("portal.view_publication")),
        ("portal-conversion", p("portal.view_enquiry")),
        ("portal-public", p("portal.view_enquiry")),
        ("records", p("documents.view_document") or p("accounts.view_organisation")),
        ("documents", p("documents.view_document")),
        ("organisations", p("accounts.view_organisation")),
        ("my-tasks", p("documents.view_document") or p("accounts.view_organisation")),
        ("api", True),
        ("audit", p("accounts.view_auditlog")),
        ("admin", user.is_staff),
    ]
    return [name for name, shown in entries if shown]


@pytest.mark.parametrize("persona", [role.name for role in roles.ROLES] + ["no-role"])
def test_the_menu_follows_the_users_permissions_as_before(world, persona):
    user = world["users"][persona]
    client = Client()
    client.force_login(user)
    assert _menu(client) == _menu_before_the_registry(user)


def test_the_menu_of_a_staff_superuser_has_every_entry(page, boss):
    assert _menu(page) == _menu_before_the_registry(boss)
    assert "admin" in _menu(page) and "audit" in _menu(page)


def test_the_current_section_is_marked_active(page):
    html = page.get("/clusters/").content.decode()
    assert re.search(r'data-menu="clusters"><a class="nav-link dropdown-toggle active"', html)
    assert not re.search(r'data-menu="dashboard"><a class="nav-link active"', html)
    html = page.get("/").content.decode()
    assert re.search(r'data-menu="dashboard"><a class="nav-link active" aria-current="page"', html)
    # A page of an entry shown in another's drop-down marks that drop-down: the map is under Clusters.
    html = page.get("/map/").content.decode()
    assert re.search(r'data-menu="clusters"><a class="nav-link dropdown-toggle active"', html)


def test_a_menu_entry_registered_by_an_app_is_shown_by_its_permission(world):
    menu.register(MenuItem("pretend", "Pretend", "dashboard:home", order=15, permissions=("clusters.add_cluster",)))
    try:
        for persona, shown in (("doit-officer", True), ("investor", False)):
            client = Client()
            client.force_login(world["users"][persona])
            assert ("pretend" in _menu(client)) is shown, persona
    finally:
        menu.unregister("pretend")


def test_a_drop_down_without_a_visible_child_is_left_out(world):
    child = MenuItem("pretend-child", "Child", "dashboard:home", permissions=("x.y",))
    menu.register(MenuItem("pretend", "Pretend", children=(child,)))
    try:
        client = Client()
        client.force_login(world["users"]["city-leader"])
        assert "pretend" not in _menu(client)
    finally:
        menu.unregister("pretend")


def test_an_entry_with_a_parent_is_shown_in_the_parents_drop_down(world):
    own = MenuItem("pretend-own", "Own", "dashboard:home", permissions=("x.y",))
    menu.register(MenuItem("pretend", "Pretend", order=15, permissions=("x.y",), children=(own,)))
    menu.register(
        MenuItem("pretend-extra", "Extra", "dashboard:home", parent="pretend", permissions=("clusters.add_cluster",))
    )
    grouped = MenuItem("pretend-grouped", "Grouped", "dashboard:home", parent="pretend")
    menu.register(MenuItem("pretend-group", "Group", parent="pretend", children=(grouped,)))
    try:
        officer, leader = Client(), Client()
        officer.force_login(world["users"]["doit-officer"])
        leader.force_login(world["users"]["city-leader"])
        # The parent's own child is hidden from both (x.y), yet the drop-down shows what each may see.
        names = _menu(officer)
        assert names[names.index("pretend") : names.index("pretend") + 4] == [
            "pretend",
            "pretend-extra",
            "pretend-group",
            "pretend-grouped",
        ]
        assert "pretend-extra" not in _menu(leader) and "pretend-grouped" in _menu(leader)
        html = officer.get("/").content.decode()
        assert '<h6 class="dropdown-header" data-menu="pretend-group">Group</h6>' in html
        # Never on the bar itself.
        assert 'class="nav-item" data-menu="pretend-extra"' not in html
    finally:
        for name in ("pretend", "pretend-extra", "pretend-group"):
            menu.unregister(name)


def test_an_entry_naming_an_unknown_parent_is_a_configuration_error(world):
    menu.register(MenuItem("pretend", "Pretend", "dashboard:home", parent="no-such-entry"))
    try:
        with pytest.raises(ImproperlyConfigured, match="no-such-entry"):
            menu.visible(world["users"]["doit-officer"])
    finally:
        menu.unregister("pretend")


def test_the_apps_grant_their_own_permissions_to_the_roles(db):
    # accounts names no app above it; the apps' grants reach the groups.
    assert not [p for r in roles.ROLES for p in r.own if not p.startswith("accounts.")]
    officer = Group.objects.get(name=roles.DOIT_OFFICER.name)
    codenames = set(officer.permissions.values_list("content_type__app_label", "codename"))
    assert ("construction", "review_progressreport") in codenames
    assert ("clusters", "transition_cluster") in codenames
    assert "clusters.change_cluster_legal" not in roles.INVESTOR.permissions
    assert "tenancy.change_tenant" not in roles.INVESTOR.permissions
    assert set(roles.TENANT.permissions) == {
        "tenancy.view_tenant",
        "tenancy.view_tenantproject",
        "tenancy.view_submission",
        "tenancy.add_submission",
        "tenancy.change_submission",
        "tenancy.change_tenant",
        # A firm reads its own inspections, findings, evidence, violations and follow-up results.
        "inspections.view_inspection",
        "inspections.view_finding",
        "inspections.view_evidence",
        "inspections.view_violation",
        "inspections.view_followup",
    }


def test_a_grant_reaches_the_group_when_the_roles_are_synced(db):
    role_grants.grant(roles.CITY_LEADER.name, "clusters.add_cluster")
    try:
        roles.roles_sync()
        leader = Group.objects.get(name=roles.CITY_LEADER.name)
        assert leader.permissions.filter(codename="add_cluster").exists()
    finally:
        role_grants.revoke(roles.CITY_LEADER.name, "clusters.add_cluster")
        roles.roles_sync()
    assert not Group.objects.get(name=roles.CITY_LEADER.name).permissions.filter(codename="add_cluster").exists()


def test_a_grant_must_name_app_and_codename():
    with pytest.raises(ImproperlyConfigured):
        role_grants.grant(roles.CITY_LEADER.name, "add_cluster")


def test_documents_are_scoped_through_the_links_the_apps_register(world):
    """Documents name no app: the clusters app registers the link that scopes them."""
    official = world["users"]["commune-official"]
    docs = world["docs"]

    def visible():
        rows = Document.objects.restrict(official).filter(pk__in=[d.pk for d in docs.values()])
        return set(rows.values_list("number", flat=True))

    assert visible() == {docs["a"].number, docs["general"].number}
    registered = scope_links._links["documents.Document"]
    scope_links._links["documents.Document"] = []  # as if no app linked documents: all are general
    try:
        assert visible() == {d.number for d in docs.values()}
    finally:
        scope_links._links["documents.Document"] = registered
