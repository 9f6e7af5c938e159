"""The roles, as data: each is a Django group with these permissions.

A role lists here only the accounts app's own permissions; every other app grants its permissions to
roles by name from its `AppConfig.ready()` (icis.core.registry.role_grants), so this app names no app
above it. `roles_sync()` (after every migrate) makes each group hold exactly the role's permissions.

`accounts.national` makes a role act on every province (MoIT); `accounts.city_wide` on the whole of the
user's province (its province scopes, else the home province); without either, a user sees only what
their scopes (communes, clusters, their investor organisation) reach. Views never test role names.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from icis.core.registry import role_grants


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    own: tuple[str, ...]

    @property
    def permissions(self) -> tuple[str, ...]:
        """The role's own permissions and those the apps grant it, each once."""
        return tuple(dict.fromkeys((*self.own, *role_grants.for_role(self.name))))


ORGANISATIONS_KEEP = ("accounts.view_organisation", "accounts.add_organisation", "accounts.change_organisation")

ADMIN = Role(
    "system-admin",
    _("System administrator"),
    (
        "accounts.city_wide",
        "accounts.view_auditlog",
        "accounts.requires_2fa",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_scope",
        "accounts.delete_scope",
        "accounts.view_scope",
        *ORGANISATIONS_KEEP,
    ),
)
DOIT_OFFICER = Role(
    "doit-officer", _("DoIT officer"), ("accounts.city_wide", "accounts.requires_2fa", *ORGANISATIONS_KEEP)
)
CITY_LEADER = Role("city-leader", _("Provincial leader"), ("accounts.city_wide", "accounts.view_organisation"))
COMMUNE_OFFICIAL = Role("commune-official", _("Commune official"), ())
INVESTOR = Role("investor", _("Infrastructure investor"), ())
INSPECTOR = Role("inspector", _("Inspector"), ("accounts.city_wide", "accounts.view_organisation"))
# The Ministry (MoIT, Cục Công Thương địa phương): reads every province and rolls the reports up.
NATIONAL = Role("moit-officer", _("MoIT officer (national)"), ("accounts.national", "accounts.view_organisation"))
TENANT = Role("tenant", _("Tenant (secondary investor)"), ())  # its own record only (the tenant scope rule)

ROLES = (ADMIN, DOIT_OFFICER, CITY_LEADER, COMMUNE_OFFICIAL, INVESTOR, INSPECTOR, NATIONAL, TENANT)

# Role names for the apps' grants (icis.core.registry.role_grants.grant(roles.READERS, ...)).
# Everyone who reads the registry: every role but the tenant, who sees only its own firm.
READERS = tuple(r.name for r in ROLES if r is not TENANT)
# The Department of Industry and Trade, who keep the registry (and the system administrator).
DOIT = (ADMIN.name, DOIT_OFFICER.name)
# The city-wide overseers who read every commune's figures.
OVERSEERS = (ADMIN.name, DOIT_OFFICER.name, CITY_LEADER.name, INSPECTOR.name, NATIONAL.name)


def roles_sync() -> None:
    """Create or update the role groups so that they hold exactly their listed permissions."""
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
