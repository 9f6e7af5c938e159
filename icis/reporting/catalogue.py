"""Biểu 03/04 of Circular 14/2024 (Appendix I) as data: the 27 indicators in the signed wording, their
sub-items, units, sources, and the wording around the table (title, senders, recipients, column heads,
signature blocks).

Every Vietnamese string here is the signed text word for word
(`../shared/law/TT-14-2024-che-do-bao-cao-mau-van-ban-CCN.txt`); a test compares each with it. The
two forms differ in five labels (7, 8, 11, 15.2, 22): `items(form)` gives each form its own. The
English beside each label is a gloss for the English UI and the API, never printed on the form.
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

# What a figure was computed from (the API's `source`), and how the preview page names it.
REGISTRY = "registry"
FORM_01 = "accepted Form 01 submissions"
FORM_02 = "accepted Form 02 submissions"
MILESTONES = "construction milestones"
OCCUPANCY = "computed occupancy"
TENANT_PROJECTS = "tenant projects"
PLAN = "development plan"
FORMS_01_02 = "accepted Form 01 and Form 02 submissions"
WASTEWATER = "wastewater plant register"
SOURCE_LABELS = {
    REGISTRY: _("from the cluster registry"),
    FORM_01: _("from the accepted Forms 01"),
    FORM_02: _("from the accepted Forms 02"),
    MILESTONES: _("from the construction milestones"),
    OCCUPANCY: _("computed occupancy (Decree 32 Art 2.7)"),
    TENANT_PROJECTS: _("from the tenant projects"),
    PLAN: _("from the cluster development plan in force"),
    FORMS_01_02: _("from the accepted Forms 01 and 02"),
    WASTEWATER: _("from the wastewater plant register and its outlet samples"),
}

# Units: (Vietnamese, English).
CLUSTERS = ("Cụm", "clusters")
HA = ("ha", "ha")
BN_VND = ("Tỷ đồng", "VND bn")
PERCENT = ("%", "%")
PROJECTS = ("Dự án", "projects")
PEOPLE = ("Người", "people")


@dataclass(frozen=True)
class Item:
    number: str
    section: str
    label: str
    label_en: str
    unit: tuple[str, str]
    source: str

    @property
    def is_sub_item(self) -> bool:
        return "." in self.number


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    label_en: str


SECTIONS = (
    Section("I", "Phương án phát triển cụm công nghiệp", "Cluster development plan"),
    Section(
        "II",
        "Thành lập, đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp",
        "Establishment and infrastructure investment",
    ),
    Section("III", "Hoạt động của các cụm công nghiệp", "Operation of the clusters"),
)

ITEMS = (  # Biểu 04; Biểu 03 differs where FORM_03_WORDING says
    Item(
        "1",
        "I",
        "Số lượng cụm công nghiệp theo phương án phát triển cụm công nghiệp",
        "Clusters in the development plan",
        CLUSTERS,
        PLAN,
    ),
    Item(
        "2",
        "I",
        "Tổng diện tích các cụm công nghiệp theo phương án phát triển cụm công nghiệp",
        "Area of the clusters in the development plan",
        HA,
        PLAN,
    ),
    Item("3", "II", "Số lượng cụm công nghiệp đã thành lập", "Clusters established", CLUSTERS, REGISTRY),
    Item(
        "4", "II", "Tổng diện tích các cụm công nghiệp đã thành lập", "Area of the established clusters", HA, REGISTRY
    ),
    Item(
        "5",
        "II",
        "Số lượng cụm công nghiệp đã thành lập trong kỳ báo cáo",
        "Clusters established in the period",
        CLUSTERS,
        REGISTRY,
    ),
    Item(
        "6",
        "II",
        "Tổng diện tích các cụm công nghiệp đã thành lập trong kỳ báo cáo",
        "Area of the clusters established in the period",
        HA,
        REGISTRY,
    ),
    Item(
        "7",
        "II",
        "Số lượng cụm công nghiệp do doanh nghiệp làm chủ đầu tư hạ tầng kỹ thuật",
        "Clusters whose infrastructure investor is an enterprise",
        CLUSTERS,
        REGISTRY,
    ),
    Item(
        "8",
        "II",
        "Tổng diện tích các cụm công nghiệp do doanh nghiệp làm chủ đầu tư hạ tầng kỹ thuật",
        "Area of the clusters whose infrastructure investor is an enterprise",
        HA,
        REGISTRY,
    ),
    Item(
        "9",
        "II",
        "Số lượng cụm công nghiệp đã được phê duyệt quy hoạch chi tiết",
        "Clusters with an approved detailed plan",
        CLUSTERS,
        MILESTONES,
    ),
    Item(
        "10",
        "II",
        "Tổng diện tích các cụm công nghiệp đã được phê duyệt quy hoạch chi tiết",
        "Area of the clusters with an approved detailed plan",
        HA,
        MILESTONES,
    ),
    Item(
        "11",
        "II",
        "Số lượng cụm công nghiệp đã được phê duyệt dự án đầu tư xây dựng hạ tầng",
        "Clusters with an approved infrastructure project",
        CLUSTERS,
        MILESTONES,
    ),
    Item(
        "12",
        "II",
        "Tổng diện tích các cụm công nghiệp đã được phê duyệt dự án đầu tư xây dựng hạ tầng kỹ thuật",
        "Area of the clusters with an approved infrastructure project",
        HA,
        MILESTONES,
    ),
    Item(
        "13",
        "II",
        "Tổng vốn đầu tư xây dựng hạ tầng kỹ thuật của các cụm công nghiệp (tính theo dự án được phê duyệt)",
        "Infrastructure investment of the clusters (as the approved projects state it)",
        BN_VND,
        FORM_02,
    ),
    Item(
        "14",
        "II",
        "Tổng vốn đã đầu tư xây dựng hạ tầng kỹ thuật của các cụm công nghiệp (tổng vốn lũy kế đã thanh toán)",
        "Infrastructure investment made (cumulative payments)",
        BN_VND,
        FORM_02,
    ),
    Item(
        "15",
        "III",
        "Số lượng cụm công nghiệp đã hoạt động (đã có dự án đầu tư trong cụm): (15.1+15.2)",
        "Clusters in operation (with tenant projects): 15.1 + 15.2",
        CLUSTERS,
        TENANT_PROJECTS,
    ),
    Item(
        "15.1",
        "III",
        "Số lượng cụm công nghiệp hoạt động đã thành lập",
        "of which established",
        CLUSTERS,
        TENANT_PROJECTS,
    ),
    Item(
        "15.2",
        "III",
        "Số lượng cụm công nghiệp đã hoạt động nhưng chưa thành lập",
        "in operation but not established",
        CLUSTERS,
        TENANT_PROJECTS,
    ),
    Item(
        "15.3",
        "III",
        "Số lượng cụm công nghiệp làng nghề đã hoạt động",
        "craft-village clusters in operation",
        CLUSTERS,
        TENANT_PROJECTS,
    ),
    Item(
        "15.4",
        "III",
        "Số lượng cụm công nghiệp chuyên ngành đã hoạt động",
        "specialised clusters in operation",
        CLUSTERS,
        TENANT_PROJECTS,
    ),
    Item(
        "16",
        "III",
        "Tổng diện tích các cụm công nghiệp đã hoạt động: (16.1+16.2)",
        "Area of the clusters in operation: 16.1 + 16.2",
        HA,
        TENANT_PROJECTS,
    ),
    Item(
        "16.1",
        "III",
        "Tổng diện tích các cụm công nghiệp hoạt động đã thành lập",
        "of which established",
        HA,
        TENANT_PROJECTS,
    ),
    Item(
        "16.2",
        "III",
        "Tổng diện tích các cụm công nghiệp đã hoạt động nhưng chưa thành lập",
        "in operation but not established",
        HA,
        TENANT_PROJECTS,
    ),
    Item(
        "16.3",
        "III",
        "Tổng diện tích các cụm công nghiệp làng nghề đã hoạt động",
        "craft-village clusters in operation",
        HA,
        TENANT_PROJECTS,
    ),
    Item(
        "16.4",
        "III",
        "Tổng diện tích các cụm công nghiệp chuyên ngành đã hoạt động",
        "specialised clusters in operation",
        HA,
        TENANT_PROJECTS,
    ),
    Item(
        "17",
        "III",
        "Tổng diện tích đất công nghiệp của các cụm công nghiệp đã hoạt động (tính theo quy hoạch chi tiết đã "
        "được duyệt)",
        "Industrial land of the clusters in operation (per the approved detailed plans)",
        HA,
        REGISTRY,
    ),
    Item(
        "18",
        "III",
        "Tổng diện tích đất công nghiệp đã cho thuê tại các cụm công nghiệp",
        "Industrial land leased in the clusters",
        HA,
        OCCUPANCY,
    ),
    Item(
        "19",
        "III",
        "Tỷ lệ lấp đầy bình quân của các cụm công nghiệp đã hoạt động",
        "Average occupancy of the clusters in operation",
        PERCENT,
        OCCUPANCY,
    ),
    Item(
        "20",
        "III",
        "Tổng số dự án đầu tư sản xuất kinh doanh trong các cụm công nghiệp",
        "Tenant projects in the clusters",
        PROJECTS,
        TENANT_PROJECTS,
    ),
    Item(
        "21",
        "III",
        "Số dự án đầu tư sản xuất kinh doanh có vốn đầu tư nước ngoài trong các cụm công nghiệp",
        "of which foreign-invested",
        PROJECTS,
        TENANT_PROJECTS,
    ),
    Item(
        "22",
        "III",
        "Số dự án đầu tư sản xuất kinh doanh đang hoạt động trong cụm công nghiệp",
        "Tenant projects in operation",
        PROJECTS,
        TENANT_PROJECTS,
    ),
    Item(
        "23",
        "III",
        "Tổng doanh thu của các dự án đầu tư trong các cụm công nghiệp trong kỳ báo cáo",
        "Revenue of the projects in the clusters in the period",
        BN_VND,
        FORM_01,
    ),
    Item(
        "24",
        "III",
        "Nộp ngân sách nhà nước của các dự án đầu tư trong các cụm công nghiệp trong kỳ báo cáo",
        "State-budget payments of the projects in the clusters in the period",
        BN_VND,
        FORM_01,
    ),
    Item(
        "25",
        "III",
        "Tổng số lao động (có hợp đồng lao động) làm việc trong các cụm công nghiệp",
        "Employees with labour contracts working in the clusters",
        PEOPLE,
        FORMS_01_02,
    ),
    Item(
        "26",
        "III",
        "Số cụm công nghiệp đã và đang đầu tư hệ thống xử lý nước thải tập trung",
        "Clusters that have built or are building a central wastewater treatment system",
        CLUSTERS,
        WASTEWATER,
    ),
    Item(
        "27",
        "III",
        "Số cụm công nghiệp có hệ thống xử lý nước thải tập trung đạt tiêu chuẩn môi trường",
        "Clusters whose central wastewater treatment system meets the environmental standard",
        CLUSTERS,
        WASTEWATER,
    ),
)

# Where Biểu 03 words an item differently from Biểu 04 (the signed texts differ in these five).
FORM_03_WORDING = {
    "7": "Số lượng cụm công nghiệp do doanh nghiệp làm chủ đầu tư xây dựng hạ tầng kỹ thuật",
    "8": "Tổng diện tích các cụm công nghiệp do doanh nghiệp làm chủ đầu tư xây dựng hạ tầng kỹ thuật",
    "11": "Số lượng cụm công nghiệp đã được phê duyệt dự án đầu tư xây dựng hạ tầng kỹ thuật",
    "15.2": "Số lượng cụm công nghiệp hoạt động nhưng chưa thành lập",
    "22": "Số dự án đầu tư sản xuất kinh doanh đang hoạt động trong các cụm công nghiệp",
}
FORM_03_ITEMS = tuple(
    replace(item, label=FORM_03_WORDING[item.number]) if item.number in FORM_03_WORDING else item for item in ITEMS
)
# Biểu 03 items 1–2: the plan in force gives the province's totals only, so a commune's come from the
# registry's clusters of the plan located in it.
FORM_03_ITEMS = tuple(replace(item, source=REGISTRY) if item.number in ("1", "2") else item for item in FORM_03_ITEMS)

NUMBERS = tuple(item.number for item in ITEMS)
BY_NUMBER = {item.number: item for item in ITEMS}


def items(form: str) -> tuple[Item, ...]:
    return FORM_03_ITEMS if form == "03" else ITEMS


@dataclass(frozen=True)
class FormText:
    """The wording around a form's table, as Appendix I prints it."""

    code: str
    title: str
    title_en: str
    sender: str
    recipients: str
    signer: str
    signer_hint: str
    deadlines: str
    period: str = "6 tháng/năm"
    place_date: str = "..., ngày ... tháng … năm ..."
    footnote: str = ""


FORM_03 = FormText(
    code="03",
    title="Tổng hợp tình hình cụm công nghiệp trên địa bàn cấp huyện",
    title_en="Summary of the clusters in the district (now the commune)",
    sender="Ủy ban nhân dân cấp huyện",
    recipients="Ủy ban nhân dân cấp tỉnh, Sở Công Thương",
    signer="TM. ỦY BAN NHÂN DÂN",
    signer_hint="(Chữ ký, họ và tên, chức danh, dấu)",
    deadlines="(Thời hạn gửi báo cáo: Báo cáo 6 tháng gửi trước ngày 25 tháng 6 hằng năm; Báo cáo năm gửi trước "
    "ngày 25 tháng 12 hằng năm)",
    footnote="Ghi chú: Cụm công nghiệp chuyên ngành là cụm công nghiệp có tối thiểu 60% diện tích đất công nghiệp "
    "để thu hút các dự án đầu tư có cùng ngành, nghề.",
)
FORM_04 = FormText(
    code="04",
    title="Tổng hợp tình hình cụm công nghiệp trên địa bàn cấp tỉnh",
    title_en="Summary of the clusters in the province",
    sender="Sở Công Thương",
    recipients="Ủy ban nhân dân cấp tỉnh, Bộ Công Thương (Cục Công Thương địa phương)",
    signer="GIÁM ĐỐC SỞ CÔNG THƯƠNG",
    signer_hint="(Chữ ký, họ và tên, dấu)",
    deadlines="(Thời hạn gửi báo cáo: Báo cáo 6 tháng gửi trước ngày 30 tháng 6 hằng năm; Báo cáo năm gửi trước "
    "ngày 31 tháng 12 hằng năm)",
)
TEXTS = {"03": FORM_03, "04": FORM_04}

# The wording every form of Appendix I shares.
APPENDIX = "PHỤ LỤC I"
BASIS = "(Kèm theo Thông tư số 14/2024/TT-BCT ngày 15 tháng 8 năm 2024 của Bộ trưởng Bộ Công Thương)"
SENDER = "Đơn vị gửi báo cáo"
RECIPIENTS = "Đơn vị nhận báo cáo"
PERIOD = "Kỳ báo cáo"
COLUMNS = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả (Luỹ kế đến thời điểm báo cáo)", "Ghi chú")
COLUMNS_EN = ("No.", "Indicator", "Unit", "Result (cumulative to the reporting date)", "Notes")
COLUMN_NUMBERS = ("(1)", "(2)", "(3)", "(4)", "(5)")
# Biểu 03 is made by the commune: Decree 139/2025 Art 6 gives the district's reporting duty to it.
COMMUNE_BASIS = (
    "Ủy ban nhân dân cấp xã thực hiện báo cáo thay Ủy ban nhân dân cấp huyện theo Điều 6 Nghị định số "
    "139/2025/NĐ-CP ngày 12 tháng 6 năm 2025 của Chính phủ."
)
