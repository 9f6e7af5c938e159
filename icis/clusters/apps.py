from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "icis.clusters"
    label = "clusters"
    verbose_name = _("clusters")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, menu, role_grants
        from icis.core.scoping import scope_links

        from . import kept
        from .models import Cluster

        kept.connect()

        # A document is seen by whoever sees one of its clusters (and by all while it has none).
        scope_links.register(
            "documents.Document", through=lambda: Cluster.documents.through, source="cluster", target="document"
        )

        # Clusters is a drop-down: the list, and what other apps add about the registry (map, dossiers, workbook).
        menu.register(
            MenuItem(
                "clusters",
                _("Clusters"),
                "clusters:cluster_list",
                order=20,
                section="clusters",
                children=(MenuItem("clusters-list", _("Cluster list"), "clusters:cluster_list"),),
            )
        )
        role_grants.grant(roles.READERS, "clusters.view_cluster", "clusters.view_clusterexpansion")
        role_grants.grant(
            roles.DOIT,
            *("clusters.add_cluster", "clusters.change_cluster", "clusters.change_cluster_legal"),
            *("clusters.transition_cluster", "clusters.add_clusterexpansion", "clusters.change_clusterexpansion"),
        )
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "clusters.change_cluster", "clusters.change_cluster_legal")
        # An investor edits its cluster's facts, never the legal fields (decisions, status).
        role_grants.grant(roles.INVESTOR.name, "clusters.change_cluster")
