"""The first checklist of each topic, worded from Decree 32/2024/NĐ-CP (/work/shared/law), each item citing
the article it checks. Fire safety and labour cite the obligations Decree 32 names (Art 16.2, 17.1, 19.3,
23.2, 23.3); the detailed rules of those fields are in laws not kept here, so no item claims them."""

import datetime

from django.db import migrations

SOURCE = "Nghị định 32/2024/NĐ-CP về quản lý, phát triển cụm công nghiệp"
ND = "NĐ 32/2024/NĐ-CP"

CHECKLISTS = {
    "planning": [
        ("Cụm công nghiệp có trong Danh mục các cụm công nghiệp trên địa bàn cấp tỉnh đã được cấp có thẩm quyền phê duyệt.", f"{ND} Điều 8 khoản 1 điểm a"),
        ("Đã lập, phê duyệt quy hoạch chi tiết xây dựng cụm công nghiệp.", f"{ND} Điều 14 khoản 2; Điều 15"),
        ("Nội dung quy hoạch chi tiết phù hợp với Báo cáo đầu tư thành lập, mở rộng cụm công nghiệp, có bố trí hệ thống công trình hạ tầng kỹ thuật bảo vệ môi trường phù hợp với ngành nghề hoạt động của cụm công nghiệp.", f"{ND} Điều 15 khoản 1"),
        ("Dự án đầu tư được tiếp nhận trên cơ sở quy hoạch chi tiết và ngành, nghề sản xuất kinh doanh đã được cấp có thẩm quyền phê duyệt.", f"{ND} Điều 18 khoản 1"),
    ],
    "investment": [
        ("Chủ đầu tư xây dựng hạ tầng kỹ thuật triển khai dự án đúng Quyết định thành lập, mở rộng cụm công nghiệp (quy mô, tổng mức vốn, tiến độ).", f"{ND} Điều 12 khoản 1; Điều 16 khoản 1"),
        ("Chủ đầu tư có bộ phận quản lý, vận hành dự án; tổ chức triển khai thực hiện dự án theo quy hoạch chi tiết đã được phê duyệt, đảm bảo tiến độ thực hiện dự án.", f"{ND} Điều 19 khoản 1"),
        ("Chủ đầu tư thực hiện chế độ báo cáo định kỳ tình hình hoạt động của dự án; công bố công khai diện tích đất chưa cho thuê, cho thuê lại trong cụm công nghiệp.", f"{ND} Điều 19 khoản 5"),
        ("Tổ chức, cá nhân sản xuất kinh doanh triển khai dự án, hoạt động đúng nội dung hợp đồng kinh tế với chủ đầu tư, Quyết định chấp thuận chủ trương đầu tư, Giấy chứng nhận đăng ký đầu tư (nếu có).", f"{ND} Điều 23 khoản 1"),
        ("Tổ chức, cá nhân sản xuất kinh doanh thực hiện chế độ báo cáo định kỳ tình hình hoạt động của dự án đầu tư trong cụm công nghiệp.", f"{ND} Điều 23 khoản 4"),
    ],
    "construction": [
        ("Công trình hạ tầng kỹ thuật được thi công theo quy hoạch chi tiết và dự án đầu tư xây dựng đã được phê duyệt.", f"{ND} Điều 14 khoản 4; Điều 16 khoản 1"),
        ("Công trình xây dựng không theo tuyến trong cụm công nghiệp có giấy phép xây dựng theo quy định của pháp luật về xây dựng.", f"{ND} Điều 21 khoản 2"),
        ("Chủ đầu tư duy tu, bảo dưỡng, vận hành hệ thống công trình hạ tầng kỹ thuật chung của cụm công nghiệp.", f"{ND} Điều 19 khoản 2"),
        ("Đã hoàn thành, đưa vào sử dụng các công trình hạ tầng kỹ thuật dùng chung thiết yếu (đường giao thông nội bộ, cấp nước, thu gom và xử lý nước thải) trước khi mở rộng.", f"{ND} Điều 8 khoản 2 điểm d"),
    ],
    "land_use": [
        ("Cụm công nghiệp có quỹ đất phù hợp với quy hoạch sử dụng đất.", f"{ND} Điều 8 khoản 1 điểm a"),
        ("Tổ chức, cá nhân sử dụng đất đúng nội dung hợp đồng kinh tế với chủ đầu tư xây dựng hạ tầng kỹ thuật; quá thời hạn quy định đã đề nghị gia hạn.", f"{ND} Điều 23 khoản 1"),
        ("Việc thuê lại đất gắn với hạ tầng kỹ thuật chung thực hiện đúng quy định (hoặc thuê đất theo pháp luật đất đai nếu cụm không có chủ đầu tư là doanh nghiệp).", f"{ND} Điều 21 khoản 1"),
    ],
    "environment": [
        ("Có phương án phòng, chống ô nhiễm, suy thoái, cạn kiệt nguồn nước trong giai đoạn chuẩn bị, thực hiện dự án.", f"{ND} Điều 16 khoản 2"),
        ("Hệ thống thu gom, xử lý nước thải tập trung được xây dựng và vận hành.", f"{ND} Điều 8 khoản 2 điểm d; Điều 15 khoản 1"),
        ("Chủ đầu tư chấp hành các quy định của pháp luật về bảo vệ môi trường, bảo vệ tài nguyên nước trong cụm công nghiệp.", f"{ND} Điều 19 khoản 3"),
        ("Tổ chức, cá nhân sản xuất kinh doanh tuân thủ các quy định của pháp luật về bảo vệ môi trường.", f"{ND} Điều 23 khoản 2"),
    ],
    "fire_safety": [
        ("Có phương án phòng cháy chữa cháy trong giai đoạn chuẩn bị, thực hiện dự án đầu tư xây dựng hạ tầng kỹ thuật.", f"{ND} Điều 16 khoản 2"),
        ("Dịch vụ phòng cháy, chữa cháy chung trong cụm công nghiệp được chủ đầu tư tổ chức cung cấp, quản lý.", f"{ND} Điều 17 khoản 1, 2"),
        ("Chủ đầu tư chấp hành các quy định của pháp luật về phòng cháy chữa cháy và cứu nạn, cứu hộ.", f"{ND} Điều 19 khoản 3"),
        ("Tổ chức, cá nhân sản xuất kinh doanh tuân thủ các quy định của pháp luật về phòng cháy, chữa cháy và cứu nạn, cứu hộ.", f"{ND} Điều 23 khoản 2"),
    ],
    "labour": [
        ("Chủ đầu tư chấp hành các quy định của pháp luật về lao động, an toàn lao động, vệ sinh công nghiệp, bảo hiểm.", f"{ND} Điều 19 khoản 3"),
        ("Tổ chức, cá nhân sản xuất kinh doanh tuân thủ các quy định của pháp luật về lao động, an toàn lao động, vệ sinh công nghiệp, bảo hiểm.", f"{ND} Điều 23 khoản 2"),
        ("Tổ chức, cá nhân tham gia thu hút lao động, giải quyết việc làm tại địa phương, ưu tiên lao động thuộc diện chính sách, hộ gia đình bị thu hồi đất để xây dựng cụm công nghiệp.", f"{ND} Điều 23 khoản 3"),
    ],
}


def load(apps, schema_editor):
    ChecklistVersion = apps.get_model("inspections", "ChecklistVersion")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for topic, items in CHECKLISTS.items():
        checklist, _created = ChecklistVersion.objects.get_or_create(
            topic=topic, number=1, defaults={"valid_from": datetime.date(2024, 5, 1), "source": SOURCE}
        )
        for number, (text, basis) in enumerate(items, start=1):
            ChecklistItem.objects.update_or_create(
                checklist=checklist, number=number, defaults={"text": text, "legal_basis": basis}
            )


def unload(apps, schema_editor):
    apps.get_model("inspections", "ChecklistVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_inspection_plans_checklists_violations")]

    operations = [migrations.RunPython(load, unload)]
