"""Commendation through the pages and the API: a second award refused, province scope (an attacker
naming another province's cluster or document), the yearly list as a page, XLSX and PDF."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from icis.accounts import roles
from icis.accounts.models import Scope
from icis.awards.choices import NominationStatus
from icis.awards.models import Achievement, Nomination
from icis.geo.models import Commune, Province
from icis.geo.services import admin_units_load
from icis.testing.factories import make_cluster, person
from icis.testing.personas import api_client_for

from .factories import awarded, collective, decision, move, title

pytestmark = pytest.mark.django_db
D = datetime.date

# A made-up province for tests only (its codes are outside the GSO ranges), as in geo's provinces tests.
TEST_PROVINCE = {
    "province": {"code": "T9", "name": "Tỉnh Thử Nghiệm (dữ liệu kiểm thử)"},
    "units": [
        {
            "code": "T9001",
            "name": "Xã Núi Thử",
            "merged_from": [
                {
                    "code": "T9901",
                    "name": "Xã Cũ Thử",
                    "type": "full",
                    "legacy_district": "Huyện Thử",
                    "legacy_district_code": "T99",
                }
            ],
        }
    ],
}


@pytest.fixture
def two(hanoi, boss):
    """A cluster in the home province (01) and one in the test province (T9), each with a decision linked
    to it and an awarded nomination; a DoIT officer of each province and the national role."""
    admin_units_load(payload=TEST_PROVINCE)
    h = make_cluster(name="Cụm Đông Thử", communes=[Commune.objects.get(code="10273")])
    t = make_cluster(
        name="Cụm Núi Thử", province=Province.objects.get(code="T9"), communes=[Commune.objects.get(code="T9001")]
    )
    doc_h, doc_t = decision(cluster=h), decision(cluster=t, issuer="Sở Công Thương Thử")
    test_doit = person("test-doit", roles.DOIT_OFFICER)
    Scope.objects.create(user=test_doit, province_id="T9")
    return {
        "h": h,
        "t": t,
        "doc_h": doc_h,
        "doc_t": doc_t,
        "nh": awarded(collective(h, actor=boss, unit="Ban quản lý Đông Thử"), actor=boss, document=doc_h),
        "nt": awarded(collective(t, actor=boss, unit="Ban quản lý Núi Thử"), actor=boss, document=doc_t),
        "hanoi_doit": person("hanoi-doit", roles.DOIT_OFFICER),
        "test_doit": test_doit,
        "moit": person("moit", roles.NATIONAL),
    }


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def _payload(cluster_id, *, province="01", evidence=()):
    return {
        "title": title("giay-khen").pk,
        "year": 2025,
        "achievement": {
            "province": province,
            "recipient_kind": "collective",
            "unit": "Công ty Hạ tầng Thử",
            "description": "Lấp đầy cụm",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "clusters": [cluster_id],
            "evidence": list(evidence),
        },
    }


def test_a_provincial_officer_sees_only_their_province_and_the_national_role_all(two):
    hanoi, test, moit = (api_client_for(two[k]) for k in ("hanoi_doit", "test_doit", "moit"))
    assert [r["id"] for r in hanoi.get("/api/awards/").json()["results"]] == [two["nh"].pk]
    assert [r["id"] for r in test.get("/api/awards/").json()["results"]] == [two["nt"].pk]
    assert {r["id"] for r in moit.get("/api/awards/").json()["results"]} == {two["nh"].pk, two["nt"].pk}
    assert hanoi.get(f"/api/awards/{two['nt'].pk}/").status_code == 404
    assert _page(two["hanoi_doit"]).get(f"/awards/{two['nt'].pk}/").status_code == 404
    page = _page(two["hanoi_doit"]).get("/awards/").content.decode()
    assert "Ban quản lý Đông Thử" in page and "Ban quản lý Núi Thử" not in page


def test_an_attacker_cannot_name_another_provinces_cluster_province_or_document(two):
    api = api_client_for(two["hanoi_doit"])
    before = Achievement.objects.count()
    response = api.post("/api/awards/", _payload(two["t"].pk), format="json")
    assert response.status_code == 400 and "clusters" in str(response.json())
    response = api.post("/api/awards/", _payload(two["h"].pk, province="T9"), format="json")
    assert response.status_code == 400 and "province" in str(response.json())
    response = api.post("/api/awards/", _payload(two["h"].pk, evidence=[two["doc_t"].pk]), format="json")
    assert response.status_code == 400 and "evidence" in str(response.json())
    assert Achievement.objects.count() == before
    pending = move(collective(two["h"], actor=two["hanoi_doit"]), "submitted", actor=two["hanoi_doit"])
    response = api.post(
        f"/api/awards/{pending.pk}/transition/",
        {"to": "awarded", "date": "2026-01-20", "decision": two["doc_t"].pk},
        format="json",
    )
    assert response.status_code == 400 and "decision" in str(response.json())
    assert Nomination.objects.get(pk=pending.pk).status == NominationStatus.SUBMITTED
    # The page form refuses the same ids.
    page = _page(two["hanoi_doit"]).post(
        "/awards/new/",
        {
            "recipient_kind": "collective",
            "title": title("giay-khen").pk,
            "unit": "Công ty Hạ tầng Thử",
            "province": "01",
            "year": 2025,
            "period_start": "01/01/2025",
            "period_end": "31/12/2025",
            "description": "Lấp đầy cụm",
            "clusters": [two["t"].pk],
        },
    )
    assert page.status_code == 200 and "clusters" in page.context["form"].errors
    assert Achievement.objects.count() == before + 1  # only the one the officer nominated in scope


def test_a_second_award_is_refused_through_the_api_naming_the_first(two, boss):
    api = api_client_for(two["hanoi_doit"])
    first = two["nh"]
    response = api.post(
        "/api/awards/",
        {"title": title("giay-khen").pk, "year": 2025, "achievement_id": first.achievement_id},
        format="json",
    )
    assert response.status_code == 400
    body = str(response.json())
    assert "already_awarded" in body and first.decision.number in body


def test_a_second_award_is_refused_on_the_page(two, boss):
    first = collective(two["h"], actor=boss)
    from icis.awards import services

    second = services.nomination_create(title=title("giay-khen"), year=2025, achievement=first.achievement, actor=boss)
    second = move(second, "submitted", actor=boss)
    first = awarded(first, actor=boss)
    response = _page(two["hanoi_doit"]).post(
        f"/awards/{second.pk}/status/",
        {"to": "awarded", "date": "16/01/2026", "decision": two["doc_h"].pk, "version": second.version},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["to"])
    assert first.decision.number in errors
    assert Nomination.objects.get(pk=second.pk).status == NominationStatus.SUBMITTED


def test_the_page_records_a_nomination_and_its_steps(two):
    client = _page(two["hanoi_doit"])
    response = client.post(
        "/awards/new/",
        {
            "recipient_kind": "individual",
            "title": title("chien-si-thi-dua-co-so").pk,
            "unit": "Phòng Quản lý công nghiệp",
            "person_name": "Trần Thị Thử",
            "position": "Phó trưởng phòng",
            "province": "01",
            "year": 2025,
            "period_start": "01/01/2025",
            "period_end": "31/12/2025",
            "description": "Theo dõi 26 cụm đang xây dựng",
            "clusters": [two["h"].pk],
            "evidence": [two["doc_h"].pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    nomination = Nomination.objects.get(achievement__person_name="Trần Thị Thử")
    assert list(nomination.achievement.evidence.all()) == [two["doc_h"]]
    response = client.post(f"/awards/{nomination.pk}/status/", {"to": "submitted", "date": "10/01/2026"})
    assert response.status_code == 302
    response = client.post(f"/awards/{nomination.pk}/status/", {"to": "refused", "date": "12/01/2026"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    detail = client.get(f"/awards/{nomination.pk}/").content.decode()
    assert "Trần Thị Thử" in detail and "10/01/2026" in detail


def test_the_yearly_list_page_xlsx_and_pdf_by_province(two):
    hanoi = _page(two["hanoi_doit"])
    page = hanoi.get("/awards/yearly/", {"year": 2025}).content.decode()
    assert "Ban quản lý Đông Thử" in page and "Ban quản lý Núi Thử" not in page
    assert hanoi.get("/awards/yearly/", {"year": 2025, "province": "T9"}).status_code == 404
    workbook = load_workbook(io.BytesIO(hanoi.get("/awards/yearly/", {"year": 2025, "format": "xlsx"}).content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Ban quản lý Đông Thử" in cells and "Ban quản lý Núi Thử" not in cells
    assert two["doc_h"].number in " ".join(cells)
    moit = _page(two["moit"])
    both = moit.get("/awards/yearly/", {"year": 2025}).content.decode()
    assert "Ban quản lý Đông Thử" in both and "Ban quản lý Núi Thử" in both
    only_t = moit.get("/awards/yearly/", {"year": 2025, "province": "T9"}).content.decode()
    assert "Ban quản lý Đông Thử" not in only_t and "Ban quản lý Núi Thử" in only_t
    assert "Ban quản lý Đông Thử" not in hanoi.get("/awards/yearly/", {"year": 2024}).content.decode()
    pdf = hanoi.get("/awards/yearly/", {"year": 2025, "format": "pdf"})
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].endswith('-2025-01.pdf"')


def test_the_api_lists_titles_with_their_authority(two):
    rows = api_client_for(two["moit"]).get("/api/award-titles/").json()
    by_code = {row["code"]: row for row in rows}
    assert by_code["giay-khen"]["authority"] == "doit_director"
    assert by_code["co-thi-dua"]["authority"] == "provincial"
    assert by_code["lao-dong-tien-tien"]["recipients"] == "individual"


def test_the_annual_plans_commendation_task_links_to_the_yearly_list(two):
    from icis.planning.models import AnnualPlan, Task

    plan = AnnualPlan.objects.create(province_id="01", year=2026, title="Kế hoạch thử 2026")
    reward = Task.objects.create(
        plan=plan, title="Xem xét khen thưởng tập thể, cá nhân có thành tích", lead="Sở Công Thương"
    )
    other = Task.objects.create(plan=plan, title="Hoàn thành hạ tầng 26 cụm", lead="Sở Công Thương")
    client = _page(two["hanoi_doit"])
    html = client.get(f"/planning/tasks/{reward.pk}/").content.decode()
    assert "/awards/yearly/?year=2026&amp;province=01" in html
    assert 'id="awards-panel"' not in client.get(f"/planning/tasks/{other.pk}/").content.decode()


def test_a_commune_official_submits_on_the_page_and_is_offered_no_decision(two, boss):
    official = person("khen-xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    nomination = collective(two["h"], actor=boss)
    client = _page(official)
    form = client.get(f"/awards/{nomination.pk}/status/").context["form"]
    assert [value for value, _label in form.fields["to"].choices] == ["submitted"]
    assert client.post(f"/awards/{nomination.pk}/status/", {"to": "submitted", "date": "10/01/2026"}).status_code == 302
    html = client.get(f"/awards/{nomination.pk}/status/").content.decode()
    assert 'id="not-your-step"' in html
