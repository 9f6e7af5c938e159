from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "icis.documents"
    label = "documents"
    verbose_name = _("documents")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import role_grants

        role_grants.grant(roles.READERS, "documents.view_document")
        role_grants.grant(roles.DOIT, "documents.add_document", "documents.change_document")
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "documents.add_document")
