import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class PortalConfig(AppConfig):
    name = "icis.portal"
    label = "portal"
    verbose_name = _("Investment portal")

    def ready(self):
        from icis.accounts import roles
        from icis.core import periodic
        from icis.core.registry import MenuItem, menu, role_grants

        from . import signals

        signals.connect()
        # Daily, queued by the job workers when due (docs/jobs.md "Daily jobs").
        periodic.register(
            "portal-refresh",
            "icis.portal.jobs.refresh_job",
            at=datetime.time(0, 30),
            label=gettext_noop("Investment portal: refresh readiness and vacant land"),
        )
        periodic.register(
            "portal-purge-enquiries",
            "icis.portal.jobs.purge_job",
            at=datetime.time(2, 0),
            label=gettext_noop("Investment portal: erase enquirers' personal data past retention"),
        )

        menu.register(
            MenuItem(
                "portal",
                _("Investment portal"),
                order=82,
                section="portal_admin",
                permissions=("portal.view_enquiry",),
                children=(
                    MenuItem("portal-enquiries", _("Investment enquiries"), "portal_admin:enquiry_list"),
                    MenuItem(
                        "portal-publications",
                        _("Published clusters"),
                        "portal_admin:publication_list",
                        permissions=("portal.view_publication",),
                    ),
                    MenuItem("portal-conversion", _("Enquiries to leases"), "portal_admin:conversion"),
                    MenuItem("portal-public", _("The public portal"), "portal:home"),
                ),
            )
        )
        role_grants.grant(roles.OVERSEERS, "portal.view_publication", "portal.view_enquiry")
        role_grants.grant(
            roles.DOIT,
            "portal.add_publication",
            "portal.change_publication",
            "portal.publish_cluster",
            "portal.change_enquiry",
            "portal.transition_enquiry",
            "portal.close_enquiry",
        )
        # The cluster's infrastructure investor follows the enquiries pursued in its clusters: it moves them
        # through the working steps and keeps notes; closing one (lease signed, lost) is DoIT's
        # (`portal.close_enquiry`, icis/portal/choices.py CLOSING_STATES).
        role_grants.grant(
            (roles.INVESTOR.name,), "portal.view_enquiry", "portal.change_enquiry", "portal.transition_enquiry"
        )
