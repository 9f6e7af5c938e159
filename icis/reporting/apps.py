from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "icis.reporting"
    label = "reporting"
    verbose_name = _("Periodic reports")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, menu, role_grants

        forms = ("reporting.view_form03", "reporting.view_form04")
        menu.register(
            MenuItem("reporting", _("Reports"), "reporting:index", order=80, section="reporting", permissions=forms)
        )
        # Form 04 covers the province; Form 03 a commune in scope.
        role_grants.grant(roles.OVERSEERS, *forms)
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "reporting.view_form03")
