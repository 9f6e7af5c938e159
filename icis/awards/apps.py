from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "icis.awards"
    label = "awards"
    verbose_name = _("Emulation and commendation")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, Panel, menu, panels, role_grants
        from icis.core.scoping import scope_links

        from . import panels as contributed
        from .models import Achievement

        # Evidence filed with an achievement is seen by whoever sees the achievement.
        scope_links.register(
            "documents.Document", through=lambda: Achievement.evidence.through, source="achievement", target="document"
        )
        menu.register(
            MenuItem(
                "awards",
                _("Commendation"),
                "awards:nomination_list",
                order=78,
                section="awards",
                parent="inspections",
                permissions=("awards.view_nomination",),
            )
        )
        # On the annual plan's commendation task (planning's task page): the yearly list of its year.
        panels.register(
            "plan_task",
            Panel(
                "awards",
                "awards/_plan_task_panel.html",
                contributed.plan_task,
                slot="side",
                permissions=("awards.view_nomination",),
            ),
        )
        role_grants.grant(roles.READERS, "awards.view_nomination", "awards.view_achievement", "awards.view_awardtitle")
        role_grants.grant(
            roles.DOIT,
            "awards.add_nomination",
            "awards.change_nomination",
            "awards.decide_nomination",
            "awards.add_achievement",
            "awards.change_achievement",
        )
        # Communes propose their collectives and individuals and submit the drafts to DoIT.
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "awards.add_nomination", "awards.change_nomination")
