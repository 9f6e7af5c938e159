"""Decree 32/2024 Art 10 deadlines as the first procedure version (data, not code), and the calendar
file reloaded: each holiday's kind, and the 2025 swap (Friday 2/5 off, Saturday 26/4 worked) confirmed
from the notice the file cites (Thông báo 6150/TB-BLĐTBXH ngày 03/12/2024). History rows are signed
by the inactive `system` account, as in 0002."""

import datetime

from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

from icis.dossiers import calendar_data

ND32 = "Nghị định 32/2024/NĐ-CP"
VERSION = {
    "code": "nd32-2024-dieu-10",
    "title": "Nghị định 32/2024/NĐ-CP, Điều 10: thời hạn thành lập, mở rộng cụm công nghiệp",
    "legal_basis": "Nghị định 32/2024/NĐ-CP, Điều 10 (hiệu lực từ 01/05/2024)",
    "effective_from": datetime.date(2024, 5, 1),
    "notes": "Steps 4–8 have no deadline: the decree sets none. Step 9's 25 days run from the complete dossier.",
}
# step, anchor, anchor_step, legs, basis, text_vi, text_en
DEADLINES = [
    (
        2,
        "opened",
        None,
        [{"days": 5, "unit": "working"}],
        f"{ND32}, Điều 10 khoản 1",
        "5 ngày làm việc kể từ ngày nhận văn bản đầu tiên của nhà đầu tư ({date})",
        "5 working days from the investor's first letter ({date})",
    ),
    (
        3,
        "step",
        2,
        [{"days": 15, "unit": "calendar"}, {"days": 5, "unit": "working"}],
        f"{ND32}, Điều 10 khoản 1–2",
        "5 ngày làm việc kể từ khi hết 15 ngày nhận hồ sơ tính từ ngày thông báo ({date}; nhận hồ sơ đến {mid})",
        "5 working days after the 15 days of receiving dossiers from the notice ({date}; receiving ends {mid})",
    ),
    (
        9,
        "complete",
        None,
        [{"days": 25, "unit": "calendar"}],
        f"{ND32}, Điều 10 khoản 3",
        "25 ngày kể từ ngày Sở Công Thương nhận đủ hồ sơ ({date}); thời gian bổ sung hồ sơ không tính",
        "25 days from the day DoIT had the complete dossier ({date}); time to supplement it does not count",
    ),
    (
        10,
        "step",
        9,
        [{"days": 7, "unit": "working"}],
        f"{ND32}, Điều 10 khoản 4",
        "7 ngày làm việc kể từ ngày nhận hồ sơ, báo cáo thẩm định của Sở Công Thương ({date})",
        "7 working days from DoIT's appraisal report ({date})",
    ),
]


def _historian(apps, model_name, system):
    historical = apps.get_model("dossiers", f"Historical{model_name}")
    fields = [f.attname for f in apps.get_model("dossiers", model_name)._meta.concrete_fields]

    def record(row, kind="+"):
        historical.objects.create(
            **{name: getattr(row, name) for name in fields},
            history_date=timezone.now(),
            history_type=kind,
            history_change_reason="migration dossiers.0004",
            history_user_id=system.pk,
            history_channel="command",
        )

    return record


def load(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    system, _created = user_model.objects.get_or_create(
        username="system", defaults={"is_active": False, "password": make_password(None)}
    )
    version_model = apps.get_model("dossiers", "ProcedureVersion")
    deadline_model = apps.get_model("dossiers", "ProcedureDeadline")
    if not version_model.objects.filter(code=VERSION["code"]).exists():
        version = version_model.objects.create(**VERSION)
        _historian(apps, "ProcedureVersion", system)(version)
        record = _historian(apps, "ProcedureDeadline", system)
        for step, anchor, anchor_step, legs, basis, text_vi, text_en in DEADLINES:
            record(
                deadline_model.objects.create(
                    version=version,
                    step=step,
                    anchor=anchor,
                    anchor_step=anchor_step,
                    legs=legs,
                    basis=basis,
                    text_vi=text_vi,
                    text_en=text_en,
                )
            )

    holiday = apps.get_model("dossiers", "PublicHoliday")
    override = apps.get_model("dossiers", "WorkingDayOverride")
    historians = {holiday: _historian(apps, "PublicHoliday", system), override: _historian(apps, "WorkingDayOverride", system)}
    calendar_data.load(
        calendar_data.read(),
        holiday_model=holiday,
        override_model=override,
        on_create=lambda row: historians[type(row)](row),
        on_update=lambda row: historians[type(row)](row, "~"),
    )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_procedure_deadlines_and_holiday_kinds"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
