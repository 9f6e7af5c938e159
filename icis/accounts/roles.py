"""The roles, as data: each is a Django group with these permissions.

`accounts.city_wide` makes a role act on the whole province; without it, a user sees only what
their scopes (communes, clusters, their investor organisation) reach. Views never test role names.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    permissions: tuple[str, ...]


READ = ("clusters.view_cluster", "documents.view_document", "clusters.view_clusterexpansion")
REGISTRY_WRITE = (
    "clusters.add_cluster",
    "clusters.change_cluster",
    "clusters.change_cluster_legal",
    "clusters.transition_cluster",
    "clusters.add_clusterexpansion",
    "clusters.change_clusterexpansion",
    "documents.add_document",
    "documents.change_document",
)

ADMIN = Role(
    "system-admin",
    _("System administrator"),
    (
        *READ,
        *REGISTRY_WRITE,
        "accounts.city_wide",
        "accounts.view_auditlog",
        "accounts.requires_2fa",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_scope",
        "accounts.delete_scope",
        "accounts.view_scope",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
    ),
)
DOIT_OFFICER = Role(
    "doit-officer",
    _("DoIT officer"),
    (
        *READ,
        *REGISTRY_WRITE,
        "accounts.city_wide",
        "accounts.requires_2fa",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
    ),
)
CITY_LEADER = Role("city-leader", _("City leader"), (*READ, "accounts.city_wide", "accounts.view_organisation"))
COMMUNE_OFFICIAL = Role(
    "commune-official",
    _("Commune official"),
    (
        *READ,
        "clusters.change_cluster",
        "clusters.change_cluster_legal",
        "documents.add_document",
    ),
)
INVESTOR = Role("investor", _("Infrastructure investor"), (*READ, "clusters.change_cluster"))
INSPECTOR = Role("inspector", _("Inspector"), (*READ, "accounts.city_wide", "accounts.view_organisation"))

ROLES = (ADMIN, DOIT_OFFICER, CITY_LEADER, COMMUNE_OFFICIAL, INVESTOR, INSPECTOR)


def roles_sync() -> None:
    """Create or update the role groups so that they hold exactly their listed permissions."""
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
