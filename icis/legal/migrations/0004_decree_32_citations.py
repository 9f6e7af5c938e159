"""Corrected Decree 32/2024 gates: each rule cites its article and clause in Vietnamese and quotes the
signed words; the titles no longer paraphrase Art 8.2c as "the land still free" (the decree says the
existing industrial land). A correction of how the same text was entered, not a new version of it."""

from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

RULES = [
    (
        "establish",
        "Art 8.1a",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 1 điểm a",
        "Có trong Danh mục các cụm công nghiệp đã được phê duyệt",
        "Có trong Danh mục các cụm công nghiệp trên địa bàn cấp tỉnh đã được cấp có thẩm quyền phê duyệt; có quỹ đất phù hợp với quy hoạch sử dụng đất trên địa bàn cấp huyện;",
    ),
    (
        "establish",
        "Art 8.1b",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 1 điểm b; Điều 13 khoản 2",
        "Có chủ đầu tư hạ tầng kỹ thuật được Hội đồng chấm từ 50 điểm trở lên",
        "Có doanh nghiệp, hợp tác xã, tổ chức có tư cách pháp lý, có năng lực đầu tư xây dựng hạ tầng kỹ thuật đề nghị làm chủ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp; … Doanh nghiệp, hợp tác xã, tổ chức có số điểm từ 50 trở lên được Ủy ban nhân dân cấp tỉnh xem xét, quyết định giao làm chủ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp tại Quyết định thành lập, mở rộng cụm công nghiệp …",
    ),
    (
        "establish",
        "Art 8.1c",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 1 điểm c",
        "Các CCN đã thành lập trên địa bàn: tỷ lệ lấp đầy trung bình trên 50% hoặc quỹ đất công nghiệp chưa cho thuê không vượt quá 100 ha",
        "Trong trường hợp địa bàn cấp huyện đã thành lập cụm công nghiệp thì tỷ lệ lấp đầy trung bình của các cụm công nghiệp đạt trên 50% hoặc tổng quỹ đất công nghiệp chưa cho thuê của các cụm công nghiệp không vượt quá 100 ha.",
    ),
    (
        "establish",
        "Art 2.1",
        "Nghị định 32/2024/NĐ-CP, Điều 2 khoản 1",
        "Quy mô từ 10 ha đến 75 ha; từ 05 ha ở miền núi và với CCN làng nghề",
        "Cụm công nghiệp có quy mô diện tích không vượt quá 75 ha và không dưới 10 ha. Riêng đối với cụm công nghiệp ở các huyện miền núi và cụm công nghiệp làng nghề có quy mô diện tích không vượt quá 75 ha và không dưới 05 ha.",
    ),
    (
        "expand",
        "Art 8.2a",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2 điểm a",
        "Tổng diện tích sau khi mở rộng không vượt quá 75 ha",
        "Tổng diện tích cụm công nghiệp sau khi mở rộng không vượt quá 75 ha; có quỹ đất phù hợp với quy hoạch sử dụng đất trên địa bàn cấp huyện;",
    ),
    (
        "expand",
        "Art 8.2b",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2 điểm b; Điều 13 khoản 2",
        "Có chủ đầu tư hạ tầng kỹ thuật được Hội đồng chấm từ 50 điểm trở lên",
        "Có doanh nghiệp, hợp tác xã, tổ chức có tư cách pháp lý, có năng lực đầu tư xây dựng hạ tầng kỹ thuật đề nghị làm chủ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp; … Doanh nghiệp, hợp tác xã, tổ chức có số điểm từ 50 trở lên được Ủy ban nhân dân cấp tỉnh xem xét, quyết định giao làm chủ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp tại Quyết định thành lập, mở rộng cụm công nghiệp …",
    ),
    (
        "expand",
        "Art 8.2c",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2 điểm c",
        "Tỷ lệ lấp đầy ít nhất 60% hoặc nhu cầu thuê đất công nghiệp vượt quá diện tích đất công nghiệp hiện có",
        "Đạt tỷ lệ lấp đầy ít nhất 60% hoặc nhu cầu thuê đất công nghiệp trong cụm công nghiệp vượt quá diện tích đất công nghiệp hiện có của cụm công nghiệp;",
    ),
    (
        "expand",
        "Art 8.2d",
        "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2 điểm d",
        "Đường giao thông nội bộ, cấp nước, thu gom và xử lý nước thải đã hoàn thành, đưa vào sử dụng",
        "Hoàn thành xây dựng, đưa vào sử dụng các công trình hạ tầng kỹ thuật dùng chung thiết yếu (gồm: Đường giao thông nội bộ, cấp nước, thu gom và xử lý nước thải) theo quy hoạch chi tiết đã được phê duyệt.",
    ),
]


def correct(apps, schema_editor):
    Rule = apps.get_model("legal", "Rule")
    HistoricalRule = apps.get_model("legal", "HistoricalRule")
    User = apps.get_model("accounts", "User")
    system, _created = User.objects.get_or_create(
        username="system", defaults={"is_active": False, "password": make_password(None)}
    )
    fields = [f.attname for f in Rule._meta.concrete_fields]
    for action, code, citation, title, quote in RULES:
        for rule in Rule.objects.filter(rule_set__code="nd32-2024", action=action, code=code):
            rule.citation, rule.title, rule.quote = citation, title, quote
            rule.save(update_fields=["citation", "title", "quote"])
            # Historical models do not record themselves: the change log row is written here.
            HistoricalRule.objects.create(
                **{name: getattr(rule, name) for name in fields},
                history_date=timezone.now(),
                history_type="~",
                history_change_reason="migration legal.0004: citations and the signed words",
                history_user_id=system.pk,
                history_channel="command",
            )


class Migration(migrations.Migration):
    dependencies = [("legal", "0003_rule_citation_and_quote"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
