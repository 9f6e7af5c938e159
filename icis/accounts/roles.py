"""The roles, as data: each is a Django group with these permissions.

`accounts.national` makes a role act on every province (MoIT); `accounts.city_wide` on the whole of the
user's province (its province scopes, else the home province); without either, a user sees only what
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
# Construction monitoring (icis.construction): everyone who reads the registry reads construction records.
CONSTRUCTION_READ = tuple(
    f"construction.view_{m}"
    for m in ("progressreport", "milestone", "obstacle", "visitplan", "plannedvisit", "visitrecord", "visitphoto")
)
CONSTRUCTION_DOIT = (
    "construction.add_progressreport",
    "construction.review_progressreport",
    "construction.add_milestone",
    "construction.change_milestone",
    "construction.add_obstacle",
    "construction.change_obstacle",
    "construction.add_visitplan",
    "construction.approve_visitplan",
    "construction.change_plannedvisit",
    "construction.delete_plannedvisit",
    "construction.add_visitrecord",
)
READ = (*READ, *CONSTRUCTION_READ)
# Tenants and Circular 14 reports (icis.tenancy).
TENANCY_READ = ("tenancy.view_tenant", "tenancy.view_tenantproject", "tenancy.view_submission")
TENANCY_WRITE = (
    "tenancy.add_tenant",
    "tenancy.change_tenant",
    "tenancy.add_tenantproject",
    "tenancy.change_tenantproject",
)
REPORTING = ("tenancy.add_submission", "tenancy.change_submission")
# Circular 14 Forms 03/04 (icis.reporting): Form 04 for the whole province, Form 03 for a commune in scope.
AREA_REPORTS = ("reporting.view_form03", "reporting.view_form04")
READ = (*READ, *TENANCY_READ)
# Establishment and expansion dossiers (icis.dossiers): everyone who reads the registry reads dossiers;
# commune officials open dossiers and record the commune's steps (2-3: the service refuses the others).
DOSSIERS_READ = ("dossiers.view_dossier", "dossiers.view_dossierstep", "dossiers.view_applicant")
DOSSIERS_DOIT = (
    *(f"dossiers.{p}" for p in ("add_dossier", "change_dossier", "add_dossierstep", "record_any_step")),
    *(f"dossiers.{p}" for p in ("add_applicant", "change_applicant", "view_scoringscheme")),
    *(f"dossiers.{a}_{m}" for a in ("view", "add", "change") for m in ("publicholiday", "workingdayoverride")),
    *(f"dossiers.{a}_{m}" for a in ("view", "add", "change") for m in ("procedureversion", "proceduredeadline")),
    "geo.set_mountainous",
)
DOSSIERS_COMMUNE = ("dossiers.add_dossier", "dossiers.add_dossierstep")
READ = (*READ, *DOSSIERS_READ)
# Wastewater plants, monitoring and violations (icis.environment): everyone who reads the registry reads
# them; DoIT keeps them; investors add monitoring samples for their own plants.
ENVIRONMENT_READ = tuple(
    f"environment.view_{m}"
    for m in ("wastewaterplant", "sample", "violation", "monitoringrequirement", "tenantconnection", "regulation")
)
ENVIRONMENT_DOIT = (
    *(f"environment.{a}_{m}" for a in ("add", "change") for m in ("wastewaterplant", "monitoringrequirement")),
    *(f"environment.{a}_tenantconnection" for a in ("add", "change")),
    "environment.transition_wastewaterplant",
    "environment.add_sample",
    "environment.change_violation",
)
READ = (*READ, *ENVIRONMENT_READ)
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
        *CONSTRUCTION_DOIT,
        *TENANCY_WRITE,
        *REPORTING,
        "tenancy.review_submission",
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
        *AREA_REPORTS,
        *DOSSIERS_DOIT,
        *ENVIRONMENT_DOIT,
        "geo.change_own_province_settings",
    ),
)
DOIT_OFFICER = Role(
    "doit-officer",
    _("DoIT officer"),
    (
        *READ,
        *REGISTRY_WRITE,
        *CONSTRUCTION_DOIT,
        *TENANCY_WRITE,
        *REPORTING,
        "tenancy.review_submission",
        "accounts.city_wide",
        "accounts.requires_2fa",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
        *AREA_REPORTS,
        *DOSSIERS_DOIT,
        *ENVIRONMENT_DOIT,
    ),
)
CITY_LEADER = Role(
    "city-leader", _("Provincial leader"), (*READ, "accounts.city_wide", "accounts.view_organisation", *AREA_REPORTS)
)
COMMUNE_OFFICIAL = Role(
    "commune-official",
    _("Commune official"),
    (
        *READ,
        "clusters.change_cluster",
        "clusters.change_cluster_legal",
        "documents.add_document",
        "construction.add_obstacle",
        "reporting.view_form03",
        *DOSSIERS_COMMUNE,
    ),
)
INVESTOR = Role(
    "investor",
    _("Infrastructure investor"),
    (
        *READ,
        # A firm's own record is changed by the firm or by DoIT: the investor registers a firm
        # (add) and its leases, never edits the firm.
        *(p for p in TENANCY_WRITE if p != "tenancy.change_tenant"),
        *REPORTING,
        "clusters.change_cluster",
        "construction.add_progressreport",
        "environment.add_sample",
    ),
)
INSPECTOR = Role(
    "inspector",
    _("Inspector"),
    (*READ, "accounts.city_wide", "accounts.view_organisation", "construction.add_visitrecord", *AREA_REPORTS),
)

# The Ministry (MoIT, Cục Công Thương địa phương): reads every province and rolls the reports up.
NATIONAL = Role(
    "moit-officer",
    _("MoIT officer (national)"),
    (*READ, "accounts.national", "accounts.view_organisation", *AREA_REPORTS),
)

TENANT = Role(
    "tenant", _("Tenant (secondary investor)"), (*TENANCY_READ, *REPORTING, "tenancy.change_tenant")
)  # its own record only (the tenant scope rule)

ROLES = (ADMIN, DOIT_OFFICER, CITY_LEADER, COMMUNE_OFFICIAL, INVESTOR, INSPECTOR, NATIONAL, TENANT)


def roles_sync() -> None:
    """Create or update the role groups so that they hold exactly their listed permissions."""
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
