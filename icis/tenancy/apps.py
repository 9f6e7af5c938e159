from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "icis.tenancy"
    label = "tenancy"
    verbose_name = _("Tenants and occupancy")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, Panel, Tab, menu, panels, role_grants, tabs

        from . import panels as contributed

        menu.register(
            MenuItem(
                "tenancy",
                _("Tenants"),
                order=40,
                section="tenancy",
                permissions=("tenancy.view_tenantproject",),
                children=(
                    MenuItem("tenancy-occupancy", _("Occupancy"), "tenancy:occupancy"),
                    MenuItem("tenancy-projects", _("Tenant projects"), "tenancy:project_list"),
                    MenuItem(
                        "tenancy-import",
                        _("Import tenant lists"),
                        "tenancy:import_list",
                        permissions=("tenancy.add_tenantproject",),
                    ),
                    MenuItem("tenancy-submissions", _("Periodic reports (Circular 14)"), "tenancy:submission_list"),
                ),
            )
        )
        panels.register("cluster", Panel("tenancy", "tenancy/_cluster_panel.html", contributed.cluster, order=10))
        tabs.register(
            "cluster",
            Tab(
                "tenancy",
                _("Tenant projects"),
                lambda cluster: f"{reverse('tenancy:project_list')}?cluster={cluster.pk}",
                order=10,
                permissions=("tenancy.view_tenantproject",),
            ),
        )
        read = ("tenancy.view_tenant", "tenancy.view_tenantproject", "tenancy.view_submission")
        report = ("tenancy.add_submission", "tenancy.change_submission")
        role_grants.grant(roles.READERS, *read)
        role_grants.grant(
            roles.DOIT,
            *("tenancy.add_tenant", "tenancy.change_tenant", "tenancy.add_tenantproject"),
            *("tenancy.change_tenantproject", *report, "tenancy.review_submission"),
        )
        # A firm's own record is changed by the firm or by DoIT: the investor registers a firm (add)
        # and its leases, never edits the firm.
        role_grants.grant(
            roles.INVESTOR.name,
            "tenancy.add_tenant",
            "tenancy.add_tenantproject",
            "tenancy.change_tenantproject",
            *report,
        )
        role_grants.grant(roles.TENANT.name, *read, *report, "tenancy.change_tenant")

        from icis.core import attention

        from . import attention as tenancy_attention

        attention.register("tenancy", tenancy_attention.items, tenancy_attention.summary)

        from icis.clusters.services import land_in_use_register

        from .services import leased_land

        land_in_use_register(leased_land)

        from . import kept

        kept.connect()
