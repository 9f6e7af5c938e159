from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "icis.environment"
    label = "environment"
    verbose_name = _("Wastewater and environment")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, Panel, Tab, menu, panels, role_grants, tabs

        from . import panels as contributed

        menu.register(
            MenuItem(
                "environment",
                _("Wastewater"),
                "environment:board",
                order=50,
                section="environment",
                permissions=("environment.view_violation",),
            )
        )
        panels.register(
            "cluster",
            Panel(
                "environment",
                "environment/_cluster_panel.html",
                contributed.cluster,
                order=20,
                permissions=("environment.view_wastewaterplant",),
            ),
        )
        tabs.register(
            "cluster",
            Tab(
                "environment",
                _("Wastewater plants"),
                lambda cluster: f"{reverse('environment:plant_list')}?cluster={cluster.pk}",
                order=20,
                permissions=("environment.view_wastewaterplant",),
            ),
        )
        models = ("wastewaterplant", "sample", "violation", "monitoringrequirement", "tenantconnection", "regulation")
        role_grants.grant(roles.READERS, *(f"environment.view_{m}" for m in models))
        role_grants.grant(
            roles.DOIT,
            *(f"environment.{a}_{m}" for a in ("add", "change") for m in ("wastewaterplant", "monitoringrequirement")),
            *(f"environment.{a}_tenantconnection" for a in ("add", "change")),
            "environment.transition_wastewaterplant",
            "environment.add_sample",
            "environment.change_violation",
        )
        role_grants.grant(roles.INVESTOR.name, "environment.add_sample")

        from icis.core import attention

        from . import attention as environment_attention

        attention.register("environment", environment_attention.items, environment_attention.summary)

        from . import (
            checks,  # noqa: F401
            kept,
        )

        kept.connect()
