"""The gates of Decree 32/2024/NĐ-CP (Art 2.1 and Art 8), in force from 2024-05-01, as data."""

import datetime

from django.db import migrations

ESTABLISH = [
    ("Art 8.1a", "in_plan", {}, "Trong phương án phát triển CCN đã phê duyệt; đất phù hợp quy hoạch sử dụng đất"),
    ("Art 8.1b", "qualified_investor", {}, "Có chủ đầu tư hạ tầng kỹ thuật đủ điều kiện (chấm điểm ≥ 50)"),
    ("Art 8.1c", "area_unit_occupancy_or_unleased", {"min_average_percent": 50, "max_unleased_ha": 100},
     "Các CCN hiện có trên địa bàn: tỷ lệ lấp đầy bình quân > 50% hoặc diện tích đất công nghiệp chưa cho thuê ≤ 100 ha"),
    ("Art 2.1", "area_range", {"min_ha": 10, "max_ha": 75, "min_ha_reduced": 5},
     "Quy mô 10–75 ha (5–75 ha ở miền núi và CCN làng nghề)"),
]
EXPAND = [
    ("Art 8.2a", "area_after_expansion_max", {"max_ha": 75}, "Tổng diện tích sau mở rộng không quá 75 ha"),
    ("Art 8.2b", "qualified_investor", {}, "Có chủ đầu tư hạ tầng kỹ thuật đủ điều kiện"),
    ("Art 8.2c", "occupancy_min_or_demand", {"min_percent": 60},
     "Tỷ lệ lấp đầy ≥ 60% hoặc có nhu cầu thuê đất vượt diện tích đất công nghiệp còn lại"),
    ("Art 8.2d", "infrastructure_in_use", {"components": ["internal_roads", "water_supply"], "wastewater": True},
     "Đường nội bộ, cấp nước, thu gom và xử lý nước thải đã xây dựng và đưa vào sử dụng"),
]


def load(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    RuleSet = apps.get_model("legal", "RuleSet")
    Rule = apps.get_model("legal", "Rule")
    decree, _ = Document.objects.get_or_create(
        number="32/2024/NĐ-CP", year=2024, issuer="Chính phủ",
        defaults={"doc_type": "decision", "summary": "Nghị định về quản lý, phát triển cụm công nghiệp",
                  "search_text": " 32 2024 nd cp 32/2024/nd cp chinh phu "},
    )
    rule_set, created = RuleSet.objects.get_or_create(
        code="nd32-2024",
        defaults={"title": "Nghị định 32/2024/NĐ-CP, Điều 2.1 và Điều 8", "document": decree,
                  "effective_from": datetime.date(2024, 5, 1), "area_unit": "province",
                  "notes": "Thresholds as read in the decree (domain brief [P]). The area unit for Art 8.1c is the "
                  "province's choice under Decree 139/2025 Art 12: change it here."},
    )
    if not created:
        return
    for action, rules in (("establish", ESTABLISH), ("expand", EXPAND)):
        for order, (code, check_name, params, title) in enumerate(rules):
            Rule.objects.create(rule_set=rule_set, action=action, code=code, check_name=check_name, params=params,
                                title=title, order=order)


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial"), ("documents", "0002_document_version_historicaldocument_version")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
