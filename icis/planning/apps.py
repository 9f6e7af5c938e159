from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "icis.planning"
    label = "planning"
    verbose_name = _("planning")

    def ready(self):
        from icis.core.registry import MenuItem, menu

        menu.register(MenuItem("planning", _("Plans"), "planning:home", order=60, section="planning"))

        from icis.accounts import roles
        from icis.core.registry import role_grants

        # DoIT officers keep the plan versions, their entries and the amendments with their change rows,
        # and record each step of an amendment's procedure (its approval by the provincial People's
        # Committee included, with the decision), not only the administrator.
        role_grants.grant(
            roles.DOIT,
            "planning.add_planentry",
            "planning.change_planentry",
            "planning.add_developmentplan",
            "planning.change_developmentplan",
            "planning.add_planamendment",
            "planning.change_planamendment",
            "planning.add_amendmentchange",
            "planning.change_amendmentchange",
            "planning.delete_amendmentchange",
            "planning.approve_plan",
        )

        from icis.core import attention

        from . import attention as planning_attention

        attention.register("planning", planning_attention.items)
