from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "icis.dossiers"
    label = "dossiers"
    verbose_name = _("Establishment and expansion dossiers")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, Panel, menu, panels, role_grants

        from . import panels as contributed

        menu.register(
            MenuItem(
                "dossiers",
                _("Dossiers"),
                "dossiers:dossier_list",
                order=26,
                section="dossiers",
                parent="clusters",
                permissions=("dossiers.view_dossier",),
            )
        )
        panels.register(
            "cluster",
            Panel(
                "dossiers",
                "dossiers/_cluster_panel.html",
                contributed.cluster,
                order=40,
                permissions=("dossiers.view_dossier",),
            ),
        )
        role_grants.grant(
            roles.READERS, "dossiers.view_dossier", "dossiers.view_dossierstep", "dossiers.view_applicant"
        )
        role_grants.grant(
            roles.DOIT,
            *(f"dossiers.{p}" for p in ("add_dossier", "change_dossier", "add_dossierstep", "record_any_step")),
            *(f"dossiers.{p}" for p in ("add_applicant", "change_applicant", "view_scoringscheme")),
            *(f"dossiers.{a}_{m}" for a in ("view", "add", "change") for m in ("publicholiday", "workingdayoverride")),
            *(
                f"dossiers.{a}_{m}"
                for a in ("view", "add", "change")
                for m in ("procedureversion", "proceduredeadline")
            ),
            # The mountainous flag of a commune decides the 5 ha floor of a dossier's gate.
            "geo.set_mountainous",
        )
        # Commune officials open dossiers and record the commune's steps (2-3: the service refuses the others).
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "dossiers.add_dossier", "dossiers.add_dossierstep")

        from icis.core import attention

        from . import attention as dossiers_attention

        attention.register("dossiers", dossiers_attention.items)
