from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "icis.documents"
    label = "documents"
    verbose_name = _("documents")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, menu, role_grants

        menu.register(
            MenuItem(
                "records",
                _("Documents & organisations"),
                order=85,
                permissions=("documents.view_document", "accounts.view_organisation"),
                children=(
                    MenuItem(
                        "documents",
                        _("Documents"),
                        "documents:document_list",
                        section="documents",
                        permissions=("documents.view_document",),
                    ),
                    MenuItem(
                        "organisations",
                        _("Organisations"),
                        "organisations:list",
                        section="organisations",
                        permissions=("accounts.view_organisation",),
                    ),
                    MenuItem("my-tasks", _("My organisation's plan tasks"), "planning:my_tasks"),
                ),
            )
        )

        role_grants.grant(roles.READERS, "documents.view_document")
        role_grants.grant(roles.DOIT, "documents.add_document", "documents.change_document")
        role_grants.grant(roles.COMMUNE_OFFICIAL.name, "documents.add_document")
