"""The forms and titles of commendation a cluster nomination may ask for, and who decides each.

From the project's domain brief (../shared/domain.md, "Emulation and commendation", a secondary summary
of Law 06/2022/QH15 and Decree 98/2023/NĐ-CP): the DoIT Director may award Giấy khen, Lao động tiên
tiến, Chiến sĩ thi đua cơ sở and Tập thể lao động tiên tiến; DoIT proposes the higher ones. The table is
data: a province corrects a title or its authority in the administration pages, never in code.
Adds what is missing; never overwrites a title already there.
"""

from django.db import migrations

NOTE = (
    "Theo tóm tắt Luật Thi đua, khen thưởng 06/2022/QH15 và Nghị định 98/2023/NĐ-CP trong tài liệu nghiệp vụ "
    "của ICIS (nguồn thứ cấp): đối chiếu với văn bản trước khi dựa vào."
)

TITLES = [
    # code, name, kind, recipients, authority
    ("giay-khen", "Giấy khen", "form", "both", "doit_director"),
    ("lao-dong-tien-tien", "Lao động tiên tiến", "title", "individual", "doit_director"),
    ("chien-si-thi-dua-co-so", "Chiến sĩ thi đua cơ sở", "title", "individual", "doit_director"),
    ("tap-the-lao-dong-tien-tien", "Tập thể lao động tiên tiến", "title", "collective", "doit_director"),
    ("bang-khen", "Bằng khen", "form", "both", "provincial"),
    ("tap-the-lao-dong-xuat-sac", "Tập thể lao động xuất sắc", "title", "collective", "provincial"),
    ("co-thi-dua", "Cờ thi đua", "title", "collective", "provincial"),
    ("chien-si-thi-dua-cap-tinh", "Chiến sĩ thi đua cấp tỉnh", "title", "individual", "provincial"),
    ("chien-si-thi-dua-toan-quoc", "Chiến sĩ thi đua toàn quốc", "title", "individual", "higher"),
]


def seed(apps, schema_editor):
    AwardTitle = apps.get_model("awards", "AwardTitle")
    for order, (code, name, kind, recipients, authority) in enumerate(TITLES, start=1):
        AwardTitle.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "recipients": recipients,
                "authority": authority,
                "note": NOTE,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_nominations_achievements_titles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
