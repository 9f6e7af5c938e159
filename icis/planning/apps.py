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

        # DoIT officers keep the plan versions' entries (not only the administrator).
        role_grants.grant(roles.DOIT, "planning.add_planentry", "planning.change_planentry")

        from icis.core import attention

        from . import attention as planning_attention

        attention.register("planning", planning_attention.items)
