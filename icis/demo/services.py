"""The Hanoi demo registry: real public facts, each with its source. Idempotent."""

import csv
import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind, Scope
from icis.clusters import selectors as cluster_selectors
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterExpansion, Sector
from icis.core import channel
from icis.core.audit import acting
from icis.documents.models import Document, DocumentType, Source
from icis.geo.models import LegacyCommune, LegacyDistrict, Province, ProvinceSettings, strip_unit_type
from icis.geo.selectors import sole_successor
from icis.geo.services import admin_units_load
from icis.inspections import services as inspection_services
from icis.inspections.choices import PlanKind
from icis.inspections.models import InspectionPlan
from icis.planning.choices import AmendmentStatus
from icis.planning.models import AmendmentEvent, AnnualPlan, DevelopmentPlan, PlanAmendment, Target, Task

DATA_DIR = Path(__file__).resolve().parent / "data"
HANOI_PC = "UBND Thành phố Hà Nội"
T_AND_T = "Tập đoàn T&T (T&T Group)"

SEEDS = {
    "000_c069ef9763551caf.txt": {
        "title": "Vietnam News Agency (VNA), mid-2024: Hanoi eyes eight more industrial clusters by 2030",
        "published_on": None,
    },
    "004_b946fe7d94fd0cac.txt": {
        "title": "Viet Nam News / Bizhub: Hà Nội Plan No. 305/KH-UBND on industrial clusters in 2026",
        "published_on": datetime.date(2025, 11, 28),
    },
}

# Decree 32/2024 Art 3: the sectors encouraged in clusters.
SECTORS = [
    ("agro-processing", "Chế biến nông, lâm, thủy sản", "Agro-forestry-fishery processing"),
    ("mechanical", "Cơ khí", "Mechanical engineering"),
    ("supporting-industries", "Công nghiệp hỗ trợ", "Supporting industries"),
    ("textile-footwear", "Dệt may, da giày", "Textiles and footwear"),
    ("electronics-ict", "Điện tử, công nghệ thông tin", "Electronics and ICT"),
    (
        "new-technology",
        "Năng lượng thông minh, tự động hóa, vật liệu mới, công nghệ sinh học",
        "Smart energy, automation, new materials, biotechnology",
    ),
    ("local-crafts", "Ngành nghề nông thôn, làng nghề", "Rural trades and craft villages"),
]

CSV_STATUS = {
    "proposed_for_plan": ClusterStatus.PROPOSED,
    "established": ClusterStatus.ESTABLISHED,
    "under_construction": ClusterStatus.UNDER_CONSTRUCTION,
    "operating": ClusterStatus.OPERATING,
    "": ClusterStatus.PLANNED,
}
ESTABLISHED_YEAR = re.compile(r"Established (\d{4})")
OLD_COMMUNES_STATED = re.compile(r"in ([\wÀ-ỹ ]+?) and ([\wÀ-ỹ ]+?) communes")
OLD_COMMUNE_STATED = re.compile(r"\bin ([\wÀ-ỹ ]+?) commune\b")


DEMO_PASSWORD = "demo"


def _demo_user(username: str, *, role, organisation=None, **flags):
    """A demo account (password `demo`). Only the demo set-up calls this: never a migration or production."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@icis.invalid", "organisation": organisation, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role.name))
    return user


def demo_admin():
    return _demo_user("admin", role=roles.ADMIN, is_staff=True, is_superuser=True)


def _demo_accounts() -> None:
    def org(name, kind):
        return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]

    _demo_user("doit", role=roles.DOIT_OFFICER, organisation=org("Sở Công Thương Hà Nội", OrganisationKind.DOIT))
    _demo_user(
        "leader", role=roles.CITY_LEADER, organisation=org("UBND Thành phố Hà Nội", OrganisationKind.PEOPLES_COMMITTEE)
    )
    _demo_user(
        "inspector",
        role=roles.INSPECTOR,
        organisation=org("Thanh tra Sở Công Thương Hà Nội", OrganisationKind.INSPECTION),
    )
    official = _demo_user(
        "commune-phu-xuyen",
        role=roles.COMMUNE_OFFICIAL,
        organisation=org("UBND xã Phú Xuyên", OrganisationKind.PEOPLES_COMMITTEE),
    )
    Scope.objects.get_or_create(user=official, commune_id="10273")
    # T&T Group is the investor a public source names for Nam Phúc Thọ; the account itself is a demo.
    _demo_user("investor-demo", role=roles.INVESTOR, organisation=Organisation.objects.get(name=T_AND_T))


def _source(obj, *, title="", url="", published_on=None, note="", document=None):
    Source.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        title=title,
        document=document,
        defaults={"url": url, "published_on": published_on, "note": note},
    )


def _cite(obj, source_field: str, note: str):
    for part in _source_parts(source_field):
        seed = SEEDS.get(part)
        if seed:
            _source(obj, title=seed["title"], published_on=seed["published_on"], note=note)
        elif part.startswith(("http://", "https://")):
            # "https://… (what it is)": the address as the link, the words after it as the title.
            url, _space, rest = part.partition(" ")
            # A link with Vietnamese or Japanese letters is stored percent-encoded: a URI, as the API declares.
            _source(obj, title=rest.strip(" ()") or url, url=iri_to_uri(url), note=note)
        else:
            _source(obj, title=part, note=note)


def _source_parts(source_field: str) -> list[str]:
    """The sources of one CSV row, separated by ";" outside brackets ("… (Japanese; end-2019 data)" is one)."""
    parts, depth, current = [], 0, ""
    for char in source_field:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _source_names(source_field: str) -> str:
    return "; ".join(SEEDS[p]["title"] if p in SEEDS else p for p in _source_parts(source_field))


def _document(*, number, year, doc_type, summary, issued_on=None):
    document, _ = Document.objects.get_or_create(
        number=number,
        year=year,
        issuer=HANOI_PC,
        defaults={"doc_type": doc_type, "issued_on": issued_on, "summary": summary},
    )
    return document


DOMAIN_BRIEF = "ICIS domain brief (shared/domain.md), from public reports on Plan 20/KH-UBND"
ANNUAL_PLANS = [
    {
        "year": 2024,
        "title": "Kế hoạch quản lý, đầu tư và phát triển cụm công nghiệp năm 2024",
        "number": "",
        "issued_on": None,
        "source": "000_c069ef9763551caf.txt",
        "needs_verification": True,
        "note": "Number and date not given by the source.",
        "targets": [
            ("infrastructure_completed", "Hoàn thành đầu tư hạ tầng và khánh thành 15–20 CCN", 15, 20, {}),
            ("established_or_expanded", "Thành lập, mở rộng 10–15 CCN", 10, 15, {}),
        ],
        "tasks": [],
    },
    {
        "year": 2025,
        "title": "Kế hoạch phát triển cụm công nghiệp năm 2025",
        "number": "20/KH-UBND",
        "issued_on": None,
        "source": DOMAIN_BRIEF,
        "needs_verification": True,
        "note": "Date not given by the source.",
        "targets": [
            (
                "infrastructure_completed",
                "Hoàn thành hạ tầng 30 CCN khởi công giai đoạn 2021–2024",
                30,
                30,
                {"started_from": 2021, "started_to": 2024},
            ),
            ("established_or_expanded", "Thành lập, mở rộng 15–20 CCN", 15, 20, {}),
        ],
        "tasks": [],
    },
    {
        "year": 2026,
        "title": "Kế hoạch quản lý, đầu tư và phát triển các cụm công nghiệp trên địa bàn Thành phố năm 2026",
        "number": "305/KH-UBND",
        "issued_on": datetime.date(2025, 11, 12),
        "source": "004_b946fe7d94fd0cac.txt",
        "needs_verification": False,
        "note": "",
        "targets": [
            ("fully_occupied", "Lấp đầy 6 CCN đã hoàn thành hạ tầng kỹ thuật", 6, 6, {"threshold": 100}),
            (
                "infrastructure_completed",
                "Hoàn thành hạ tầng 26 CCN khởi công giai đoạn 2021–2025",
                26,
                26,
                {"started_from": 2021, "started_to": 2025},
            ),
            ("established_or_expanded", "Thành lập, mở rộng 5–10 CCN mới", 5, 10, {}),
        ],
        "tasks": [
            "Xây dựng cơ chế, chính sách phát triển cụm công nghiệp",
            "Quản lý, vận hành các cụm công nghiệp đang hoạt động",
            "Đầu tư hạ tầng các cụm công nghiệp đã thành lập",
            "Phát triển cụm công nghiệp mới; mọi CCN mới có trạm xử lý nước thải đạt quy chuẩn",
            "Kiểm tra việc chấp hành pháp luật về quy hoạch, đầu tư, xây dựng, đất đai",
            "Lập kế hoạch kiểm tra định kỳ tiến độ hoàn thiện hạ tầng các CCN đang xây dựng",
            "Xem xét khen thưởng tập thể, cá nhân có thành tích năm 2026",
        ],
    },
]


def _load_annual_plans(province) -> None:
    for spec in ANNUAL_PLANS:
        document = None
        if spec["number"]:
            document = Document.objects.filter(number=spec["number"], year=spec["year"] - 1).first() or (
                Document.objects.filter(number=spec["number"]).first()
            )
        plan, created = AnnualPlan.objects.get_or_create(
            province=province,
            year=spec["year"],
            title=spec["title"],
            defaults={
                "number": spec["number"],
                "issued_on": spec["issued_on"],
                "document": document,
                "needs_verification": spec["needs_verification"],
                "notes": spec["note"],
            },
        )
        if not created:
            continue
        _cite(plan, spec["source"], "Targets as the source states them")
        for order, (key, label, low, high, params) in enumerate(spec["targets"]):
            Target.objects.create(
                plan=plan, indicator=key, label=label, target_min=low, target_max=high, params=params, order=order
            )
        doit, _created = Organisation.objects.get_or_create(
            name="Sở Công Thương Hà Nội", defaults={"kind": OrganisationKind.DOIT}
        )
        for title in spec["tasks"]:
            Task.objects.create(
                plan=plan,
                title=title,
                lead="Sở Công Thương",
                lead_organisation=doit,
                coordinating="Sở Tài chính; UBND các xã, phường; các chủ đầu tư hạ tầng",
            )


def _load_amendment_2024() -> None:
    plan = DevelopmentPlan.objects.filter(is_current=True).first()
    title = "Bổ sung 8 cụm công nghiệp vào Quy hoạch phát triển CCN (đề xuất năm 2024)"
    if plan is None or PlanAmendment.objects.filter(title=title).exists():
        return
    amendment = PlanAmendment.objects.create(
        title=title,
        plan=plan,
        status=AmendmentStatus.TO_CITY,
        status_since=datetime.date(2024, 6, 30),
        notes="Seed 000: DoIT with the People's Committees of Gia Lâm, Thường Tín and Phú Xuyên proposed that the "
        "City People's Committee continue the procedures. Earlier steps and their dates are not in the source.",
    )
    amendment.clusters.set(Cluster.objects.filter(status=ClusterStatus.PROPOSED))
    AmendmentEvent.objects.create(
        amendment=amendment,
        from_status="",
        to_status=AmendmentStatus.TO_CITY,
        effective_on=datetime.date(2024, 6, 30),
        reason="As of H1 2024 (seed 000_c069ef9763551caf.txt)",
    )


def _legacy_district(name_vi: str) -> LegacyDistrict | None:
    for district in LegacyDistrict.objects.all():
        if strip_unit_type(district.name) == name_vi:
            return district
    return None


def _load_province_settings(province) -> None:
    """Hanoi's own settings (geo.ProvinceSettings): its briefing header and place, and the date from which
    Plan 305/KH-UBND requires new clusters to have a compliant wastewater plant. Kept if already set."""
    ProvinceSettings.objects.get_or_create(
        province=province,
        defaults={
            "briefing_parent": "UBND THÀNH PHỐ HÀ NỘI",
            "briefing_place": "Hà Nội",
            "new_clusters_since": datetime.date(2025, 11, 12),
            "new_clusters_source": "Kế hoạch 305/KH-UBND ngày 12/11/2025 của UBND Thành phố Hà Nội",
        },
    )


def _load_plan(province, actor):
    decision = _document(
        number="1292/QĐ-UBND",
        year=2018,
        doc_type=DocumentType.DECISION,
        summary="Quy hoạch phát triển cụm công nghiệp Hà Nội đến năm 2020, định hướng đến năm 2030",
    )
    _document(
        number="305/KH-UBND",
        year=2025,
        issued_on=datetime.date(2025, 11, 12),
        doc_type=DocumentType.PLAN,
        summary="Kế hoạch quản lý, đầu tư và phát triển các cụm công nghiệp trên địa bàn Thành phố năm 2026",
    )
    _document(
        number="20/KH-UBND",
        year=2025,
        doc_type=DocumentType.PLAN,
        summary="Kế hoạch phát triển cụm công nghiệp năm 2025",
    )
    plan, created = DevelopmentPlan.objects.get_or_create(
        province=province,
        is_current=True,
        defaults={
            "name": "Quy hoạch phát triển cụm công nghiệp Hà Nội đến năm 2020, định hướng đến năm 2030",
            "document": decision,
            "horizon_year": 2030,
            "cluster_count": 159,
            "area_ha": Decimal("3204.31"),
            "notes": "To 2020: 138 clusters / 2,622.91 ha; 2021–2030: 5 expansions (~45.4 ha), 21 new (~536 ha).",
        },
    )
    if created:
        _cite(plan, "000_c069ef9763551caf.txt", "159 clusters, 3,204 ha to 2030")
    return plan


# Seed 000: "construction began on four industrial clusters … raising the total now under construction to 24
# out of the 43 established in the 2018 - 2020 period": these four were established before H1 2024, on a
# date the seed does not give.
H1_2024_STARTS = ("Dong Phu Yen", "Tam Hiep", "Lien Hiep", "Xa Cau")
SEED_000 = "000_c069ef9763551caf.txt"
EXPANSION_SUFFIX = " mở rộng"
PHASE = re.compile(r"\s*\(?giai đoạn \d+\)?$")


def _rows() -> list[dict]:
    return list(csv.DictReader((DATA_DIR / "hanoi-clusters-public-facts.csv").open(encoding="utf-8")))


def _expansion_parent(row: dict, rows: list[dict]) -> dict | None:
    """The row a "<name> mở rộng" row enlarges (same name and district), if the file holds it."""
    if not row["name_vi"].endswith(EXPANSION_SUFFIX):
        return None
    base = row["name_vi"].removesuffix(EXPANSION_SUFFIX)
    return next(
        (r for r in rows if r["name_vi"] == base and r["legacy_district_vi"] == row["legacy_district_vi"]), None
    )


def _code(index: int) -> str:
    """A row's code is its place in the file (HN-001 is row 1): stable, so loading twice adds nothing."""
    return f"HN-{index:03d}"


def _load_clusters(province, actor) -> int:
    rows = _rows()
    t_and_t, _ = Organisation.objects.get_or_create(name=T_AND_T, defaults={"kind": OrganisationKind.INVESTOR})
    created = 0
    for index, row in enumerate(rows, start=1):
        if _expansion_parent(row, rows) is not None:
            continue  # loaded by _load_expansions once its cluster exists
        code = _code(index)
        if Cluster.objects.filter(code=code).exists():
            continue
        district = _legacy_district(row["legacy_district_vi"])
        status = CSV_STATUS[row["last_known_status"]]
        as_of = datetime.date.fromisoformat(row["status_as_of"]) if row["status_as_of"] else None
        fact = row["fact"]
        to_verify = []
        if status == ClusterStatus.PLANNED:
            to_verify.append("Status not stated by the source; assumed planned.")
        if not row["legacy_district_vi"]:
            to_verify.append("District not stated by the source.")
        if "approximate" in fact:
            to_verify.append("Area approximate in the source.")
        legacy_communes, communes, basis = [], [], CommuneBasis.STATED
        stated = OLD_COMMUNES_STATED.search(fact) or OLD_COMMUNE_STATED.search(fact)
        if stated and district:
            legacy_communes = list(
                LegacyCommune.objects.filter(district=district, name__in=[f"Xã {n}" for n in stated.groups()])
            )
            successors = {sole_successor(old) for old in legacy_communes}
            if legacy_communes and None not in successors:
                communes = list(successors)
        if not communes and district:
            suggestion = cluster_selectors.name_commune_suggestion(
                name=PHASE.sub("", row["name_vi"]), legacy_district_code=district.code
            )
            if suggestion:
                communes, basis = [suggestion], CommuneBasis.SUGGESTED
                to_verify.append(
                    f"Commune {suggestion.name} suggested from the cluster's name only; confirm from a document."
                )
        established = ESTABLISHED_YEAR.search(fact)
        first_status, first_date = status, as_of
        first_reason = reason = f"{fact} (source: {_source_names(row['source'])})"
        if established and status != ClusterStatus.ESTABLISHED:
            first_status, first_date = (
                ClusterStatus.ESTABLISHED,
                datetime.date(int(established.group(1)), 12, 31),
            )
        elif row["name_ascii"] in H1_2024_STARTS and SEED_000 in row["source"]:
            first_status, first_date = ClusterStatus.ESTABLISHED, None
            first_reason = (
                "Established in 2018–2020, date not given: seed 000 counts it among the 43 clusters established "
                f"in that period (source: {_source_names(SEED_000)})"
            )
            to_verify.append("Establishment date not given by the source.")
        if as_of is None:
            to_verify.append("No source dates this status.")
        cluster = cluster_services.cluster_create(
            data={
                "code": code,
                "name": row["name_vi"],
                "name_ascii": row["name_ascii"],
                "kind": row["kind"],
                "province": province,
                "legacy_district": district,
                "area_ha": Decimal(row["area_ha"]) if row["area_ha"] else None,
                "investor": t_and_t if "T&T Group" in fact else None,
                "needs_verification": bool(to_verify),
                "verification_note": " ".join(to_verify),
                "notes": fact,
            },
            actor=actor,
            status=first_status,
            status_date=first_date,
            reason=first_reason,
            communes=communes,
            commune_basis=basis,
            legacy_communes=legacy_communes,
        )
        if first_status != status:
            cluster_services.cluster_transition(
                cluster=cluster, to_status=status, effective_on=as_of, reason=reason, actor=actor
            )
        _cite(cluster, row["source"], fact)
        created += 1
    return created


def _load_expansions(actor) -> int:
    """A "<name> mở rộng" row is an enlargement of the cluster <name>, on its own timeline: a
    ClusterExpansion of that cluster, not a second cluster. Its status is registered undated where the
    source gives no date."""
    rows = _rows()
    created = 0
    for index, row in enumerate(rows, start=1):
        parent_row = _expansion_parent(row, rows)
        if parent_row is None:
            continue
        parent = Cluster.objects.get(code=_code(rows.index(parent_row) + 1))
        as_of = datetime.date.fromisoformat(row["status_as_of"]) if row["status_as_of"] else None
        undated = "" if as_of else " (No source dates this status.)"
        notes = f"{row['name_vi']} ({_code(index)}): {row['fact']}{undated}"
        if parent.expansions.filter(notes=notes).exists():
            continue
        expansion = cluster_services.expansion_create(
            cluster=parent,
            data={"added_area_ha": Decimal(row["area_ha"]), "notes": notes},
            actor=actor,
            status=CSV_STATUS[row["last_known_status"]],
            status_date=as_of,
            reason=f"{row['fact']} (source: {_source_names(row['source'])})",
        )
        _cite(expansion, row["source"], row["fact"])
        created += 1
    return created


DEMO_VISIT_PLAN_TITLE = "Kế hoạch minh họa: kiểm tra hiện trường các cụm đang xây dựng năm %(year)s (minh họa)"
DEMO_VISIT_PLAN_NOTE = (
    "Dữ liệu minh họa do lệnh load_demo tạo ra, không phải kế hoạch thật của Hà Nội: một lượt kiểm tra hiện trường "
    "(chủ đề xây dựng) cho mỗi cụm mà bộ dữ liệu mẫu ghi là đang xây dựng, tối đa ba tháng một lần từ ngày nạp "
    "dữ liệu đến hết năm; đoàn là tài khoản thanh tra mẫu."
)


def _load_visit_plan(province, actor, today: datetime.date) -> InspectionPlan:
    """An illustrative inspection plan (never a real one, and it says so): site visits to the demo's clusters
    under construction from today, the demo inspector on the team, so the field route has something today."""
    title = DEMO_VISIT_PLAN_TITLE % {"year": today.year}
    plan = InspectionPlan.objects.filter(province=province, title=title).first()
    if plan is not None:
        return plan
    inspector = get_user_model().objects.get(username="inspector")
    plan = inspection_services.plan_create(
        data={
            "province": province,
            "year": today.year,
            "kind": PlanKind.YEARLY,
            "title": title,
            "notes": DEMO_VISIT_PLAN_NOTE,
        },
        actor=actor,
    )
    inspection_services.plan_draft_construction_visits(
        plan=plan,
        period_start=today,
        period_end=datetime.date(today.year, 12, 31),
        # Every three months, or more often near the year's end, so that every cluster gets a visit this year.
        frequency_months=min(3, 13 - today.month),
        team=[inspector],
        actor=actor,
    )
    return plan


@transaction.atomic
def demo_load(*, today: datetime.date | None = None) -> dict:
    payload = json.loads((DATA_DIR / "hanoi-communes-2025.json").read_text(encoding="utf-8"))
    actor = demo_admin()
    with acting(actor, channel.COMMAND):
        units = admin_units_load(payload=payload)
        province = Province.objects.get(code=payload["province"]["code"])
        for code, name_vi, name_en in SECTORS:
            Sector.objects.get_or_create(code=code, defaults={"name_vi": name_vi, "name_en": name_en})
        _load_plan(province, actor)
        _load_province_settings(province)
        created = _load_clusters(province, actor)
        expansions = _load_expansions(actor)
        _load_annual_plans(province)
        _load_amendment_2024()
        _demo_accounts()
        _load_visit_plan(province, actor, today or timezone.localdate())
    return {
        "communes": units["communes"],
        "clusters_created": created,
        "expansions_created": expansions,
        "expansions": ClusterExpansion.objects.count(),
        "clusters": Cluster.objects.count(),
        "province": settings.ICIS_PROVINCE_CODE,
    }
