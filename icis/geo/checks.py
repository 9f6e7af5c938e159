"""Start-up checks of the province-dependent settings (a wrong value stops the server, naming it).

`ICIS_PROVINCE_CODE` is the home province: where province-wide users without a province scope act,
and what a new cluster's province defaults to. It must be a GSO province code and, once the
administrative units are loaded (the data migration does it), one of the provinces in the database.
"""

import re

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError, connection

CODE = re.compile(r"^[0-9A-Z]{2,5}$")


def _provinces() -> dict[str, str] | None:
    """Province codes → names, or None when the table is not there yet (before `migrate`)."""
    try:
        if "geo_province" not in connection.introspection.table_names():
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT code, name FROM geo_province")
            return dict(cursor.fetchall())
    except DatabaseError:
        return None


@register()
def province_settings(app_configs, **kwargs):
    code = getattr(settings, "ICIS_PROVINCE_CODE", None)
    if not isinstance(code, str) or not CODE.match(code):
        return [
            Error(
                f"ICIS_PROVINCE_CODE={code!r} is not a province code: give the GSO code of the home province, "
                "as GET /api/provinces/ lists them",
                id="geo.E001",
            )
        ]
    provinces = _provinces()
    if provinces and code not in provinces:
        known = ", ".join(f"{c} {n}" for c, n in sorted(provinces.items())[:6])
        return [
            Error(
                f"ICIS_PROVINCE_CODE={code!r} is not a province in the database (e.g. {known}, …): "
                "fix the setting, or load the province first (manage.py load_admin_units)",
                id="geo.E002",
            )
        ]
    return []
