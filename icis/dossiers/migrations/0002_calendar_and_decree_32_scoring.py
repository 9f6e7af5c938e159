"""Every database gets the shipped working-day calendar (2024–2026) and the Decree 32/2024 scoring scheme.

Data, not code: `manage.py load_holidays` reloads the calendar file (idempotent); the scheme is edited
or superseded in the administration. The history rows are written here too, signed by the inactive
`system` account as commands sign theirs, since historical models do not record themselves.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

from icis.dossiers import calendar_data

DECREE_32 = {
    "name": "Nghị định 32/2024/NĐ-CP",
    "legal_basis": "Nghị định 32/2024/NĐ-CP, Điều 13 khoản 2 (hiệu lực từ 01/05/2024)",
    "effective_from": datetime.date(2024, 5, 1),
    "infrastructure_max": Decimal("15"),
    "environment_max": Decimal("15"),
    "capacity_max": Decimal("30"),
    "financial_max": Decimal("40"),
    "pass_mark": Decimal("50"),
}


def _system(apps):
    user_model = apps.get_model("accounts", "User")
    user, _created = user_model.objects.get_or_create(
        username="system", defaults={"is_active": False, "password": make_password(None)}
    )
    return user


def _historian(apps, model_name):
    system = _system(apps)
    historical = apps.get_model("dossiers", f"Historical{model_name}")
    model = apps.get_model("dossiers", model_name)
    fields = [f.attname for f in model._meta.concrete_fields]

    def record(row):
        historical.objects.create(
            **{name: getattr(row, name) for name in fields},
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="migration dossiers.0002",
            history_user_id=system.pk,
            history_channel="command",
        )

    return record


def load(apps, schema_editor):
    holiday = apps.get_model("dossiers", "PublicHoliday")
    override = apps.get_model("dossiers", "WorkingDayOverride")
    record_holiday, record_override = _historian(apps, "PublicHoliday"), _historian(apps, "WorkingDayOverride")

    def on_create(row):
        (record_holiday if isinstance(row, holiday) else record_override)(row)

    calendar_data.load(calendar_data.read(), holiday_model=holiday, override_model=override, on_create=on_create)

    scheme = apps.get_model("dossiers", "ScoringScheme")
    if not scheme.objects.filter(name=DECREE_32["name"]).exists():
        _historian(apps, "ScoringScheme")(scheme.objects.create(**DECREE_32))


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
