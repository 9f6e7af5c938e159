"""The default wording of the drafts for steps 2, 3, 4, 9 and 10 of the establishment procedure.

Written for ICIS (not official forms): each quotes the provision it acts under and leaves blanks
(…) where the record holds nothing. A province adjusts them in the administration pages.
"""

from django.db import migrations

SOURCE = (
    "Dự thảo mẫu của ICIS theo Nghị định 32/2024/NĐ-CP (Điều 9, 10, 11, 12) và Nghị định 139/2025/NĐ-CP (Điều 11); "
    "bố cục theo Nghị định 30/2020/NĐ-CP"
)

TEMPLATES = [
    {
        "step": 2,
        "issuer": "ỦY BAN NHÂN DÂN\n{communes}",
        "kind_title": "THÔNG BÁO",
        "number_suffix": "TB-UBND",
        "subject": "Về việc tiếp nhận hồ sơ đề nghị làm chủ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp {cluster}",
        "addressee": "",
        "body": (
            "Căn cứ Nghị định số 32/2024/NĐ-CP ngày 15 tháng 3 năm 2024 của Chính phủ về quản lý, phát triển cụm "
            "công nghiệp; Nghị định số 139/2025/NĐ-CP của Chính phủ quy định phân định thẩm quyền của chính quyền "
            "địa phương 02 cấp trong lĩnh vực quản lý nhà nước của Bộ Công Thương;\n\n"
            "Thực hiện khoản 1 Điều 10 Nghị định số 32/2024/NĐ-CP: “Thời hạn nhận hồ sơ trong vòng 15 ngày kể từ "
            "ngày ra thông báo.”\n\n"
            "Ủy ban nhân dân {communes} thông báo tiếp nhận hồ sơ đề nghị làm chủ đầu tư xây dựng hạ tầng kỹ thuật "
            "để {kind} cụm công nghiệp {cluster}, diện tích {area_ha} ha, tại {communes}, {province}.\n\n"
            "Doanh nghiệp, hợp tác xã, tổ chức có nhu cầu nộp hồ sơ theo quy định tại khoản 1 Điều 9 Nghị định số "
            "32/2024/NĐ-CP trong thời hạn 15 ngày kể từ ngày ra thông báo này."
        ),
        "recipients": "- Như trên;\n- Sở Công Thương;\n- Lưu: VT.",
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    },
    {
        "step": 3,
        "issuer": "ỦY BAN NHÂN DÂN\n{communes}",
        "kind_title": "TỜ TRÌNH",
        "number_suffix": "TTr-UBND",
        "subject": "Đề nghị {kind} cụm công nghiệp {cluster}",
        "addressee": "Sở Công Thương {province}",
        "body": (
            "Căn cứ Nghị định số 32/2024/NĐ-CP ngày 15 tháng 3 năm 2024 của Chính phủ về quản lý, phát triển cụm "
            "công nghiệp;\n\n"
            "Căn cứ: {references};\n\n"
            "Ủy ban nhân dân {communes} kính trình Sở Công Thương hồ sơ đề nghị {kind} cụm công nghiệp {cluster} "
            "(diện tích {area_ha} ha; đất công nghiệp {industrial_land_ha} ha) với doanh nghiệp, hợp tác xã, tổ chức "
            "đề nghị làm chủ đầu tư xây dựng hạ tầng kỹ thuật: {applicants}.\n\n"
            "Hồ sơ gồm các thành phần quy định tại khoản 1 Điều 9 Nghị định số 32/2024/NĐ-CP (02 bộ, kèm tệp tin "
            "điện tử), đề nghị Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan tổ chức thẩm định theo "
            "khoản 2 Điều 10 Nghị định số 32/2024/NĐ-CP."
        ),
        "recipients": "- Như trên;\n- Lưu: VT.",
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    },
    {
        "step": 4,
        "issuer": "ỦY BAN NHÂN DÂN {province}\nSỞ CÔNG THƯƠNG",
        "kind_title": "CÔNG VĂN",
        "number_suffix": "SCT-QLCN",
        "subject": "V/v lấy ý kiến thẩm định hồ sơ {kind} cụm công nghiệp {cluster}",
        "addressee": "Các sở, ngành liên quan",
        "body": (
            "Sở Công Thương nhận được hồ sơ đề nghị {kind} cụm công nghiệp {cluster} (diện tích {area_ha} ha, tại "
            "{communes}) kèm theo: {references}.\n\n"
            "Thực hiện khoản 3 Điều 10 Nghị định số 32/2024/NĐ-CP, Sở Công Thương đề nghị Quý cơ quan cho ý kiến "
            "về các nội dung thẩm định quy định tại Điều 11 Nghị định số 32/2024/NĐ-CP thuộc lĩnh vực quản lý.\n\n"
            "Văn bản góp ý xin gửi về Sở Công Thương trước ngày …/…/…. để tổng hợp."
        ),
        "recipients": "- Như trên;\n- Lưu: VT, QLCN.",
        "signer_title": "GIÁM ĐỐC",
    },
    {
        "step": 9,
        "issuer": "ỦY BAN NHÂN DÂN {province}\nSỞ CÔNG THƯƠNG",
        "kind_title": "BÁO CÁO",
        "number_suffix": "BC-SCT",
        "subject": "Thẩm định {kind} cụm công nghiệp {cluster}",
        "addressee": "Ủy ban nhân dân {province}",
        "body": (
            "Căn cứ Nghị định số 32/2024/NĐ-CP ngày 15 tháng 3 năm 2024 của Chính phủ về quản lý, phát triển cụm "
            "công nghiệp;\n\n"
            "Căn cứ: {references};\n\n"
            "Sở Công Thương báo cáo kết quả thẩm định {kind} cụm công nghiệp {cluster}: diện tích {area_ha} ha, đất "
            "công nghiệp {industrial_land_ha} ha, tại {communes}; chủ đầu tư xây dựng hạ tầng kỹ thuật đề xuất: "
            "{investor}.\n\n"
            "Nội dung thẩm định theo Điều 11 Nghị định số 32/2024/NĐ-CP: …\n\n"
            "Sở Công Thương kính trình Ủy ban nhân dân {province} xem xét, quyết định theo khoản 4 Điều 10 Nghị "
            "định số 32/2024/NĐ-CP."
        ),
        "recipients": "- Như trên;\n- Lưu: VT, QLCN.",
        "signer_title": "GIÁM ĐỐC",
    },
    {
        "step": 10,
        "issuer": "ỦY BAN NHÂN DÂN\n{province}",
        "kind_title": "QUYẾT ĐỊNH",
        "number_suffix": "QĐ-UBND",
        "subject": "Về việc {kind} cụm công nghiệp {cluster}",
        "addressee": "",
        "body": (
            "ỦY BAN NHÂN DÂN {province}\n\n"
            "Căn cứ Nghị định số 32/2024/NĐ-CP ngày 15 tháng 3 năm 2024 của Chính phủ về quản lý, phát triển cụm "
            "công nghiệp;\n\n"
            "Căn cứ: {references};\n\n"
            "QUYẾT ĐỊNH:\n\n"
            "Điều 1. {kind} cụm công nghiệp {cluster} với các nội dung chủ yếu: vị trí tại {communes}; diện tích "
            "{area_ha} ha; chủ đầu tư xây dựng hạ tầng kỹ thuật: {investor}. Các nội dung khác theo khoản 1 Điều "
            "12 Nghị định số 32/2024/NĐ-CP: …\n\n"
            "Điều 2. Tổ chức thực hiện: …\n\n"
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký."
        ),
        "recipients": "- Như Điều 3;\n- Bộ Công Thương;\n- Lưu: VT.",
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    },
]


def load(apps, schema_editor):
    DraftTemplate = apps.get_model("dossiers", "DraftTemplate")
    for spec in TEMPLATES:
        DraftTemplate.objects.update_or_create(step=spec["step"], province=None, defaults={**spec, "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_draft_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
