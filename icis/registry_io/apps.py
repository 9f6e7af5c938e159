from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryIoConfig(AppConfig):
    name = "icis.registry_io"
    label = "registry_io"
    verbose_name = _("Registry import and export")

    def ready(self):
        from icis.accounts import roles
        from icis.core.registry import MenuItem, menu, role_grants

        menu.register(
            MenuItem(
                "registry-io",
                _("Registry workbook"),
                order=90,
                section="registry",
                parent="clusters",
                permissions=("registry_io.export_registry",),
                children=(
                    MenuItem(
                        "registry-import",
                        _("Import the registry"),
                        "registry_io:import_list",
                        permissions=("registry_io.add_registryimport",),
                    ),
                    MenuItem("registry-export", _("Export the registry"), "registry_io:export"),
                ),
            )
        )
        role_grants.grant(roles.DOIT, "registry_io.add_registryimport", "registry_io.view_registryimport")
        role_grants.grant(roles.OVERSEERS, "registry_io.export_registry")
