from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ConstructionConfig(AppConfig):
    name = "icis.construction"
    label = "construction"
    verbose_name = _("Construction monitoring")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, Panel, Tab, menu, panels, role_grants, tabs

        from . import panels as contributed
        from . import state  # noqa: F401 - the signals keeping each cluster's progress state

        menu.register(
            MenuItem(
                "construction",
                _("Construction"),
                "construction:board",
                order=30,
                section="construction",
                permissions=("construction.view_progressreport",),
            )
        )
        panels.register(
            "cluster",
            Panel(
                "construction",
                "construction/_cluster_panel.html",
                contributed.cluster,
                slot="bottom",
                permissions=("construction.view_progressreport",),
            ),
        )
        panels.register(
            "dashboard",
            Panel(
                "construction",
                "construction/_dashboard_card.html",
                contributed.dashboard,
                slot="bottom",
                permissions=("construction.view_obstacle",),
            ),
        )
        tabs.register(
            "cluster",
            Tab(
                "construction",
                _("Construction progress"),
                lambda cluster: reverse("construction:cluster_progress", args=[cluster.pk]),
                order=30,
                permissions=("construction.view_progressreport",),
            ),
        )
        models = ("progressreport", "milestone", "obstacle", "visitplan", "plannedvisit", "visitrecord", "visitphoto")
        # The site visits of wave 1 are read only (old clients of the API): they are recorded as inspections of the
        # topic construction now, so no role may write them (roles are groups, set again after every migrate).
        role_grants.grant(roles.READERS, *(f"construction.view_{m}" for m in models))
        role_grants.grant(
            roles.DOIT,
            *("construction.add_progressreport", "construction.review_progressreport"),
            *("construction.add_milestone", "construction.change_milestone"),
            *("construction.add_obstacle", "construction.change_obstacle"),
        )
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "construction.add_obstacle")
        role_grants.grant(roles.INVESTOR.name, "construction.add_progressreport")

        from icis.core import attention

        from . import attention as construction_attention

        attention.register("construction", construction_attention.items, construction_attention.summary)
