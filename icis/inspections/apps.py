from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "icis.inspections"
    label = "inspections"
    verbose_name = _("Inspections and compliance")

    def ready(self):
        from icis.accounts import roles
        from icis.core import attention
        from icis.core.registry import MenuItem, Panel, Tab, menu, moved, panels, role_grants, tabs

        from . import attention as inspections_attention
        from . import moved as moved_pages
        from . import panels as contributed

        menu.register(
            MenuItem(
                "inspections",
                _("Inspections and commendation"),
                "inspections:inspection_list",
                order=55,
                section="inspections",
                permissions=("inspections.view_inspection",),
                children=(
                    MenuItem("inspections-list", _("Inspections"), "inspections:inspection_list"),
                    MenuItem(
                        "inspections-field",
                        _("Today's route"),
                        "inspections_field:route",
                        permissions=("inspections.add_finding",),
                    ),
                ),
            )
        )
        panels.register(
            "cluster",
            Panel(
                "inspections",
                "inspections/_cluster_panel.html",
                contributed.cluster,
                slot="side",
                order=45,
                permissions=("inspections.view_violation",),
            ),
        )
        # Construction's site visits are inspections of the topic construction (docs/inspections.md): its
        # cluster page shows them, its buttons lead here, and its retired pages send their users here.
        panels.register(
            "construction_cluster",
            Panel(
                "site-visits",
                "inspections/_construction_visits.html",
                contributed.construction_visits,
                slot="visits",
                permissions=("inspections.view_inspection",),
            ),
        )
        panels.register(
            "construction_cluster",
            Panel(
                "record-visit",
                "inspections/_construction_visit_button.html",
                contributed.construction_visit_button,
                slot="actions",
                permissions=("inspections.add_inspection",),
            ),
        )
        panels.register(
            "construction_board",
            Panel(
                "visit-plans",
                "inspections/_construction_plans_button.html",
                contributed.construction_plans_button,
                slot="actions",
                permissions=("inspections.view_inspectionplan",),
            ),
        )
        moved.register("construction:visit_plans", moved_pages.visit_plans)
        moved.register("construction:visit_plan", moved_pages.visit_plan)
        moved.register("construction:visit_add", moved_pages.visit_add)
        moved.register("construction:photo", moved_pages.visit_photo)
        tabs.register(
            "cluster",
            Tab(
                "inspections",
                _("Inspections"),
                lambda cluster: f"{reverse('inspections:inspection_list')}?cluster={cluster.pk}",
                order=45,
                permissions=("inspections.view_inspection",),
            ),
        )
        readable = (
            "inspectionplan",
            "inspection",
            "checklistversion",
            "checklistitem",
            "checklistanswer",
            "finding",
            "evidence",
            "violation",
            "followup",
        )
        role_grants.grant(roles.READERS, *(f"inspections.view_{m}" for m in readable))
        # A firm reads its own inspections, findings and violations (the scope rule keeps it to its own).
        role_grants.grant(
            roles.TENANT.name,
            *(f"inspections.view_{m}" for m in ("inspection", "finding", "evidence", "violation", "followup")),
        )
        field_work = (
            *(f"inspections.{a}_{m}" for a in ("add", "change") for m in ("inspection", "checklistanswer")),
            *(f"inspections.{a}_{m}" for a in ("add", "change") for m in ("finding", "violation", "followup")),
            "inspections.add_evidence",
        )
        role_grants.grant(
            roles.DOIT,
            "inspections.add_inspectionplan",
            "inspections.change_inspectionplan",
            "inspections.submit_inspectionplan",
            *field_work,
        )
        # An inspector reaches only the plans whose team includes them and those plans' subjects (models.team_q).
        role_grants.grant(roles.INSPECTOR.name, *field_work, "inspections.team_only")
        role_grants.grant(roles.CITY_LEADER.name, "inspections.approve_inspectionplan")

        attention.register("inspections", inspections_attention.items, inspections_attention.summary)
