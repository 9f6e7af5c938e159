"""Biểu 03/04 of Circular 14/2024/TT-BCT as data: the 27 indicators, their sub-items, units and sources.

The form is a Vietnamese legal document, so its labels are Vietnamese in every UI language (as the
briefing's legal formulas are); each has an English translation beside it for the English UI and
the API. The labels follow the indicator list of the circular's appendix as summarised in
`../shared/domain.md`; compare them word for word with the signed text before the first official
submission (docs/reports.md).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# What a figure was computed from (the API's `source`), and how the preview page names it.
REGISTRY = "registry"
FORM_01 = "accepted Form 01 submissions"
FORM_02 = "accepted Form 02 submissions"
MILESTONES = "construction milestones"
OCCUPANCY = "computed occupancy"
TENANT_PROJECTS = "tenant projects"
SOURCE_LABELS = {
    REGISTRY: _("from the cluster registry"),
    FORM_01: _("from the accepted Forms 01"),
    FORM_02: _("from the accepted Forms 02"),
    MILESTONES: _("from the construction milestones"),
    OCCUPANCY: _("computed occupancy (Decree 32 Art 2.7)"),
    TENANT_PROJECTS: _("from the tenant projects"),
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

ITEMS = (
    Item(
        "1", "I", "Số lượng CCN trong phương án phát triển CCN", "Clusters in the development plan", CLUSTERS, REGISTRY
    ),
    Item(
        "2",
        "I",
        "Tổng diện tích các CCN trong phương án phát triển CCN",
        "Planned area of those clusters",
        HA,
        REGISTRY,
    ),
    Item("3", "II", "Số lượng CCN đã thành lập", "Clusters established", CLUSTERS, REGISTRY),
    Item("4", "II", "Tổng diện tích các CCN đã thành lập", "Area of the established clusters", HA, REGISTRY),
    Item(
        "5",
        "II",
        "Số lượng CCN thành lập mới trong kỳ báo cáo",
        "Clusters established in the period",
        CLUSTERS,
        REGISTRY,
    ),
    Item(
        "6",
        "II",
        "Tổng diện tích các CCN thành lập mới trong kỳ báo cáo",
        "Area of the clusters established in the period",
        HA,
        REGISTRY,
    ),
    Item(
        "7",
        "II",
        "Số lượng CCN có chủ đầu tư hạ tầng kỹ thuật là doanh nghiệp",
        "Clusters whose infrastructure investor is an enterprise",
        CLUSTERS,
        REGISTRY,
    ),
    Item(
        "8",
        "II",
        "Tổng diện tích các CCN có chủ đầu tư hạ tầng kỹ thuật là doanh nghiệp",
        "Area of the clusters whose infrastructure investor is an enterprise",
        HA,
        REGISTRY,
    ),
    Item(
        "9",
        "II",
        "Số lượng CCN đã được phê duyệt quy hoạch chi tiết",
        "Clusters with an approved detailed plan",
        CLUSTERS,
        MILESTONES,
    ),
    Item(
        "10",
        "II",
        "Tổng diện tích các CCN đã được phê duyệt quy hoạch chi tiết",
        "Area of the clusters with an approved detailed plan",
        HA,
        MILESTONES,
    ),
    Item(
        "11",
        "II",
        "Số lượng CCN đã được phê duyệt dự án đầu tư xây dựng hạ tầng kỹ thuật",
        "Clusters with an approved infrastructure project",
        CLUSTERS,
        MILESTONES,
    ),
    Item(
        "12",
        "II",
        "Tổng diện tích các CCN đã được phê duyệt dự án đầu tư xây dựng hạ tầng kỹ thuật",
        "Area of the clusters with an approved infrastructure project",
        HA,
        MILESTONES,
    ),
    Item(
        "13",
        "II",
        "Tổng vốn đầu tư xây dựng hạ tầng kỹ thuật CCN được phê duyệt",
        "Approved infrastructure investment",
        BN_VND,
        FORM_02,
    ),
    Item(
        "14",
        "II",
        "Tổng vốn đầu tư xây dựng hạ tầng kỹ thuật CCN đã giải ngân (lũy kế)",
        "Infrastructure investment disbursed (cumulative)",
        BN_VND,
        FORM_02,
    ),
    Item("15", "III", "Số lượng CCN đang hoạt động", "Operating clusters", CLUSTERS, REGISTRY),
    Item("15.1", "III", "Trong đó: CCN đã thành lập", "of which established", CLUSTERS, REGISTRY),
    Item(
        "15.2",
        "III",
        "CCN đang hoạt động nhưng chưa được thành lập",
        "operating but not formally established",
        CLUSTERS,
        REGISTRY,
    ),
    Item("15.3", "III", "CCN làng nghề", "craft-village clusters", CLUSTERS, REGISTRY),
    Item("15.4", "III", "CCN chuyên ngành", "specialised clusters", CLUSTERS, REGISTRY),
    Item("16", "III", "Tổng diện tích các CCN đang hoạt động", "Area of the operating clusters", HA, REGISTRY),
    Item("16.1", "III", "Trong đó: CCN đã thành lập", "of which established", HA, REGISTRY),
    Item(
        "16.2",
        "III",
        "CCN đang hoạt động nhưng chưa được thành lập",
        "operating but not formally established",
        HA,
        REGISTRY,
    ),
    Item("16.3", "III", "CCN làng nghề", "craft-village clusters", HA, REGISTRY),
    Item("16.4", "III", "CCN chuyên ngành", "specialised clusters", HA, REGISTRY),
    Item(
        "17",
        "III",
        "Tổng diện tích đất công nghiệp của các CCN đang hoạt động",
        "Industrial land of the operating clusters",
        HA,
        REGISTRY,
    ),
    Item(
        "18",
        "III",
        "Diện tích đất công nghiệp đã cho thuê của các CCN đang hoạt động",
        "Industrial land leased in the operating clusters",
        HA,
        OCCUPANCY,
    ),
    Item(
        "19",
        "III",
        "Tỷ lệ lấp đầy bình quân của các CCN đang hoạt động",
        "Average occupancy of the operating clusters",
        PERCENT,
        OCCUPANCY,
    ),
    Item("20", "III", "Số dự án thứ cấp đầu tư vào CCN", "Tenant projects in the clusters", PROJECTS, TENANT_PROJECTS),
    Item(
        "21",
        "III",
        "Trong đó: dự án có vốn đầu tư nước ngoài (FDI)",
        "of which foreign-invested (FDI)",
        PROJECTS,
        TENANT_PROJECTS,
    ),
    Item(
        "22",
        "III",
        "Số dự án thứ cấp đã đi vào hoạt động",
        "Tenant projects in operation",
        PROJECTS,
        TENANT_PROJECTS,
    ),
    Item(
        "23",
        "III",
        "Tổng doanh thu của các dự án thứ cấp trong CCN",
        "Revenue of the tenant projects",
        BN_VND,
        FORM_01,
    ),
    Item(
        "24",
        "III",
        "Tổng nộp ngân sách nhà nước của các dự án thứ cấp trong CCN",
        "State-budget payments of the tenant projects",
        BN_VND,
        FORM_01,
    ),
    Item(
        "25",
        "III",
        "Tổng số lao động làm việc tại các dự án thứ cấp trong CCN",
        "Employees of the tenant projects",
        PEOPLE,
        FORM_01,
    ),
    Item(
        "26",
        "III",
        "Số lượng CCN có trạm xử lý nước thải tập trung đã xây dựng hoặc đang xây dựng",
        "Clusters with a central wastewater plant built or under construction",
        CLUSTERS,
        FORM_02,
    ),
    Item(
        "27",
        "III",
        "Số lượng CCN có trạm xử lý nước thải tập trung đạt quy chuẩn môi trường",
        "Clusters whose central wastewater plant meets the environmental standard",
        CLUSTERS,
        FORM_02,
    ),
)

NUMBERS = tuple(item.number for item in ITEMS)
BY_NUMBER = {item.number: item for item in ITEMS}

# The form's fixed wording (Vietnamese in every UI language, like any legal form).
FORM_TITLE = "BÁO CÁO TÌNH HÌNH QUẢN LÝ, PHÁT TRIỂN CỤM CÔNG NGHIỆP"
FORM_BASIS = "Ban hành kèm theo Thông tư số 14/2024/TT-BCT ngày 15/8/2024 của Bộ trưởng Bộ Công Thương"
COLUMNS = ("STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú")
COLUMNS_EN = ("No.", "Indicator", "Unit", "Figure", "Notes")
PREPARER = "Người lập biểu"
HEAD = "Thủ trưởng đơn vị"
PREPARER_HINT = "(Ký, ghi rõ họ tên)"
HEAD_HINT = "(Ký, đóng dấu, ghi rõ họ tên)"
