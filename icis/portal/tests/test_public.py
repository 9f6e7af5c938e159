"""The public portal: anonymous pages and API, published data only, the acceptance path from a search to
a signed lease, the crawler that looks for confidential markers, and OC4IDS validation."""

import datetime
import json
import re
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from icis.accounts import roles
from icis.clusters.choices import ESTABLISHED_STATES
from icis.clusters.models import Cluster
from icis.portal import oc4ids, services
from icis.portal.choices import EnquiryStatus, FieldGroup
from icis.portal.models import Enquiry, Publication
from icis.tenancy.models import TenantProject
from icis.testing.factories import person, superuser

from .conftest import ALL_GROUPS, MARKERS, challenge_answer

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')


def vacant_on_page(client, code) -> str:
    html = client.get(f"/portal/clusters/{code}/").content.decode()
    return re.search(r'class="col-5 portal-vacant">([^<]+)<', html).group(1)


def send_enquiry(client, **fields):
    form = client.get("/portal/enquiry/" + (f"?cluster={fields['cluster']}" if "cluster" in fields else ""))
    assert form.status_code == 200
    html = form.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    data = {
        "area_ha": "5",
        "contact_name": "Nguyễn Văn A",
        "email": MARKERS["enquiry_email"],
        "token": token,
        "answer": challenge_answer(token),
        **fields,
    }
    return client.post("/portal/enquiry/", data)


def test_anonymous_finds_clusters_with_five_hectares_vacant_in_a_sector_sends_an_enquiry_and_a_lease_changes_the_land(
    portal_world,
):
    anonymous = Client()
    listing = anonymous.get("/portal/", {"min_vacant_ha": "5", "sector": "c25"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Đông Phú Yên" in html  # 20 ha less 8 leased: 12 vacant
    assert "Cụm công nghiệp Nhỏ" not in html  # 4 ha only
    assert MARKERS["unpublished"] not in html
    assert "sessionid" not in listing.cookies
    page = anonymous.get(f"/portal/clusters/{portal_world['open'].code}/")
    body = page.content.decode()
    assert "85" in body and "Power supply" not in body  # Vietnamese page: components in Vietnamese
    assert vacant_on_page(anonymous, portal_world["open"].code).startswith("12")
    sent = send_enquiry(anonymous, sector="c25", power_kva="1000")
    assert sent.status_code == 302, sent.content.decode()[:3000]
    enquiry = Enquiry.objects.get()
    assert enquiry.cluster == portal_world["open"]
    assert enquiry.matches[0]["code"] == portal_world["open"].code
    assert {r["code"] for r in enquiry.matches[0]["reasons"]} >= {"vacant_land", "sector_allowed", "power"}
    thanks = anonymous.get(sent["Location"])
    assert enquiry.reference in thanks.content.decode()

    officer = person("doit", roles.DOIT_OFFICER)
    client = Client()
    client.force_login(officer)
    pipeline = client.get("/portal/manage/enquiries/")
    assert enquiry.reference in pipeline.content.decode()
    detail = client.get(f"/portal/manage/enquiries/{enquiry.pk}/")
    assert "Đông Phú Yên" in detail.content.decode()
    today = datetime.date.today().strftime("%d/%m/%Y")
    for step in (EnquiryStatus.CONTACTED, EnquiryStatus.SITE_VISIT, EnquiryStatus.AGREEMENT):
        moved = client.post(f"/portal/manage/enquiries/{enquiry.pk}/transition/", {"to": step, "date": today})
        assert moved.status_code == 302, moved.content.decode()[:2000]
    signed = client.post(
        f"/portal/manage/enquiries/{enquiry.pk}/transition/",
        {
            "to": EnquiryStatus.LEASE_SIGNED,
            "date": today,
            "tenant_tax_code": "0109999999",
            "tenant_name": "Công ty Mới",
        },
    )
    assert signed.status_code == 302, signed.content.decode()[:3000]
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.LEASE_SIGNED
    project = enquiry.tenant_project
    assert project.cluster == portal_world["open"] and project.land_ha == Decimal("5")
    assert vacant_on_page(anonymous, portal_world["open"].code).startswith("7")
    conversion = client.get("/portal/manage/conversion/")
    assert conversion.context["by_cluster"][0]["signed"] == 1


def test_english_portal_is_at_en_and_keeps_its_language_in_links(portal_world):
    page = Client().get("/en/portal/")
    html = page.content.decode()
    assert page["Content-Language"] == "en"
    assert 'lang="en"' in html and "Industrial clusters open to investors" in html
    assert f'href="/en/portal/clusters/{portal_world["open"].code}/"' in html
    assert "Metal products" in html
    detail = Client().get(f"/en/portal/clusters/{portal_world['open'].code}/").content.decode()
    assert "No land rent for the first 3 years." in detail and "Power supply" in detail


def test_search_ignores_accents(portal_world):
    html = Client().get("/portal/", {"q": "dong phu"}).content.decode()
    assert "Đông Phú Yên" in html and "Cụm công nghiệp Nhỏ" not in html


def test_a_field_group_not_published_is_not_shown(portal_world):
    small = Client().get(f"/api/public/v1/clusters/{portal_world['small'].code}/").json()
    assert "land" in small and "sectors" in small
    assert "readiness" not in small and "contact" not in small and "incentives" not in small
    assert Client().get(f"/portal/clusters/{portal_world['hidden'].code}/").status_code == 404
    assert Client().get(f"/api/public/v1/clusters/{portal_world['hidden'].code}/").status_code == 404


def test_withdrawing_a_publication_removes_the_cluster(portal_world):
    services.publication_save(cluster=portal_world["small"], data={}, publish=False, actor=portal_world["boss"])
    codes = [c["code"] for c in Client().get("/api/public/v1/clusters/").json()["results"]]
    assert codes == [portal_world["open"].code]


def test_publishing_records_who_and_when(portal_world):
    publication = Publication.objects.get(cluster=portal_world["open"])
    assert publication.published_by == portal_world["boss"] and publication.published_at is not None
    assert publication.readiness["overall_percent"] == 85.0


def test_unknown_field_group_is_refused(portal_world):
    with pytest.raises(ValidationError) as refused:
        services.publication_save(
            cluster=portal_world["small"], data={"field_groups": ["revenue"]}, publish=True, actor=portal_world["boss"]
        )
    assert "field_groups" in refused.value.message_dict


def test_the_api_pages_versions_and_answers_304_for_an_unchanged_etag(portal_world):
    client = Client()
    first = client.get("/api/public/v1/clusters/", {"page_size": 1})
    assert first.status_code == 200 and first["API-Version"] == "1"
    assert "public" in first["Cache-Control"] and first["ETag"]
    body = first.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    again = client.get("/api/public/v1/clusters/", {"page_size": 1}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/public/v1/clusters/", {"page": 9}).status_code == 404
    assert client.get("/api/public/v1/clusters/", {"min_vacant_ha": "abc"}).status_code == 400
    unversioned = client.get("/api/public/clusters/", {"page_size": 1})
    assert unversioned.json()["results"] == body["results"]
    vacant = client.get("/api/public/clusters/", {"min_vacant_ha": "5", "sector": "c25"}).json()
    assert [c["code"] for c in vacant["results"]] == [portal_world["open"].code]


def test_the_public_pages_are_cacheable_and_write_no_session(portal_world):
    client = Client()
    first = client.get("/portal/")
    assert "public" in first["Cache-Control"] and first["ETag"]
    assert client.get("/portal/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    for response in (first, client.get("/portal/map/"), client.get("/api/public/v1/clusters/geojson/")):
        assert "sessionid" not in response.cookies


def test_the_map_data_lists_only_published_clusters_with_a_published_location(portal_world):
    data = Client().get("/api/public/v1/clusters/geojson/").json()
    assert [f["id"] for f in data["features"]] == [portal_world["open"].code]
    assert data["features"][0]["properties"]["vacant_ha"] == 12.0


def test_enquiry_api_answers_the_proposals(portal_world):
    client = Client()
    challenge = client.get("/api/public/v1/enquiries/challenge/").json()
    answer = challenge_answer(challenge["token"])
    sent = client.post(
        "/api/public/enquiries/",
        {
            "area_ha": "3",
            "sector": "c25",
            "contact_name": "B",
            "phone": "0900",
            "token": challenge["token"],
            "answer": answer,
        },
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    codes = [p["code"] for p in sent.json()["proposals"]]
    assert codes == [portal_world["open"].code, portal_world["small"].code]


def test_a_wrong_answer_changes_nothing(portal_world):
    client = Client()
    challenge = client.get("/api/public/v1/enquiries/challenge/").json()
    wrong = str(int(challenge_answer(challenge["token"])) + 1)
    sent = client.post(
        "/api/public/v1/enquiries/",
        {"area_ha": "3", "contact_name": "B", "phone": "0900", "token": challenge["token"], "answer": wrong},
        content_type="application/json",
    )
    assert sent.status_code == 400 and sent.json()["errors"][0]["field"] == "answer"
    forged = client.post(
        "/api/public/v1/enquiries/",
        {"area_ha": "3", "contact_name": "B", "phone": "0900", "token": "x:y:z", "answer": "4"},
        content_type="application/json",
    )
    assert forged.status_code == 400
    assert not Enquiry.objects.exists()


def test_the_honeypot_pretends_and_saves_nothing(portal_world):
    sent = send_enquiry(Client(), website="http://spam.example")
    assert sent.status_code == 302
    assert not Enquiry.objects.exists()


def test_enquiries_are_rate_limited(portal_world, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], enquiry="2/hour")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        client = Client()
        assert send_enquiry(client).status_code == 302
        assert send_enquiry(client).status_code == 302
        assert send_enquiry(client).status_code == 429
        assert Enquiry.objects.count() == 2
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_personal_data_is_erased_after_the_provinces_retention(portal_world):
    from icis.geo.models import ProvinceSettings

    ProvinceSettings.objects.filter(province_id="01").update(enquiry_retention_days=30)
    send_enquiry(Client(), company="Công ty Thử", phone="0900000000", message="Xin gọi lại")
    enquiry = Enquiry.objects.get()
    created = timezone.localdate(enquiry.created_at)
    assert services.erase_personal_data(today=created + datetime.timedelta(days=29)) == []
    assert services.erase_personal_data(today=created + datetime.timedelta(days=30)) == [enquiry.reference]
    enquiry.refresh_from_db()
    assert (enquiry.company, enquiry.contact_name, enquiry.email, enquiry.phone, enquiry.message) == ("",) * 5
    assert enquiry.area_ha == Decimal("5") and enquiry.erased_on is not None
    for row in enquiry.history.all():
        assert not hasattr(row, "email")
    call_command("portal_purge_enquiries", verbosity=0)


def _crawl(start: list[str]) -> dict[str, bytes]:
    client = Client()
    seen, queue, bodies = set(), list(start), {}
    allowed = ("/portal/", "/en/portal/", "/api/public/")
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = parts.path + ("?" + parts.query if parts.query else "")
        if key in seen or not parts.path.startswith(allowed) or "/portal/manage/" in parts.path:
            continue
        seen.add(key)
        response = client.get(key)
        assert response.status_code in (200, 302, 404), (key, response.status_code)
        assert "sessionid" not in response.cookies, key
        body = response.content
        bodies[key] = body
        text = body.decode("utf-8", "replace")
        links = [urljoin(key, href.replace("&amp;", "&")) for href in HREF.findall(text)]
        if response.get("Content-Type", "").startswith(("application/json", "application/geo+json")):
            links += [
                urlsplit(v).path + ("?" + urlsplit(v).query if urlsplit(v).query else "")
                for v in re.findall(r'"(?:next|previous|url)":"([^"]+)"', text)
            ]
        queue.extend(links)
    return bodies


def test_the_crawler_finds_no_confidential_marker_on_any_public_page_or_endpoint(portal_world):
    # An enquiry with internal notes, and its personal data, must not leak either.
    send_enquiry(Client(), sector="c25")
    enquiry = Enquiry.objects.get()
    services.enquiry_update(enquiry=enquiry, data={"notes": MARKERS["enquiry_notes"]}, actor=portal_world["boss"])
    bodies = _crawl(
        [
            "/portal/",
            "/en/portal/",
            "/portal/map/",
            "/api/public/v1/clusters/?page_size=1",
            "/api/public/clusters/",
            "/api/public/v1/clusters/geojson/",
            "/api/public/oc4ids/?province=01",
            "/api/public/v1/oc4ids/",
            f"/api/public/v1/clusters/{portal_world['open'].code}/",
            f"/portal/enquiry/sent/{enquiry.reference}/",
        ]
    )
    assert len(bodies) >= 15, sorted(bodies)
    assert f"/portal/clusters/{portal_world['open'].code}/" in bodies
    for url, body in bodies.items():
        text = body.decode("utf-8", "replace")
        for name, marker in MARKERS.items():
            assert marker not in text, f"{name} ({marker}) leaked on {url}"


def test_the_oc4ids_package_validates_against_the_schema(portal_world):
    response = Client().get("/api/public/oc4ids/", {"province": "01"})
    assert response.status_code == 200
    package = response.json()
    assert oc4ids.validation_errors(package) == []
    (project,) = package["projects"]
    assert project["status"] == "maintenance"
    assert {m["id"] for m in project["metrics"]} == {"physicalProgress"}
    assert project["locations"][0]["geometry"]["type"] == "Point"
    download = Client().get("/api/public/v1/oc4ids/", {"province": "01", "download": "1"})
    assert "attachment" in download["Content-Disposition"]


def test_the_schema_check_catches_a_broken_package():
    assert oc4ids.validation_errors({"version": "x", "projects": []})


def test_the_oc4ids_export_of_the_demo_validates():
    call_command("load_demo", verbosity=0)
    boss = superuser()
    published = 0
    for cluster in Cluster.objects.filter(status__in=ESTABLISHED_STATES):
        services.publication_save(cluster=cluster, data={"field_groups": ALL_GROUPS}, publish=True, actor=boss)
        published += 1
    assert published
    package = oc4ids.package()
    assert len(package["projects"]) == published
    assert oc4ids.validation_errors(package) == []
    assert FieldGroup.PROJECT in ALL_GROUPS


def test_a_signed_lease_cannot_exceed_the_vacant_land(portal_world):
    send_enquiry(Client(), area_ha="5")
    enquiry = Enquiry.objects.get()
    boss = portal_world["boss"]
    for step in (EnquiryStatus.CONTACTED, EnquiryStatus.AGREEMENT):
        enquiry = services.enquiry_transition(enquiry=enquiry, to=step, actor=boss)
    with pytest.raises(ValidationError) as refused:
        services.enquiry_transition(
            enquiry=enquiry,
            to=EnquiryStatus.LEASE_SIGNED,
            actor=boss,
            lease={"tenant_tax_code": "0108888888", "tenant_name": "X", "land_ha": Decimal("13")},
        )
    assert "land_ha" in refused.value.message_dict
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.AGREEMENT and not TenantProject.objects.filter(tenant__tax_code="0108888888")


def test_lost_needs_a_reason_and_is_final(portal_world):
    send_enquiry(Client())
    enquiry = Enquiry.objects.get()
    with pytest.raises(ValidationError):
        services.enquiry_transition(enquiry=enquiry, to=EnquiryStatus.LOST, actor=portal_world["boss"])
    enquiry = services.enquiry_transition(
        enquiry=enquiry, to=EnquiryStatus.LOST, actor=portal_world["boss"], reason="chose another province"
    )
    with pytest.raises(ValidationError):
        services.enquiry_transition(enquiry=enquiry, to=EnquiryStatus.CONTACTED, actor=portal_world["boss"])


def test_investor_sees_enquiries_of_its_clusters_only(portal_world):
    send_enquiry(Client(), cluster=portal_world["small"].code)
    investor = person("inv", roles.INVESTOR, organisation=portal_world["open"].investor)
    assert not Enquiry.objects.restrict(investor).exists()
    send_enquiry(Client(), cluster=portal_world["open"].code)
    assert Enquiry.objects.restrict(investor).count() == 1


def test_the_staff_pages_answer(portal_world):
    client = Client()
    client.force_login(portal_world["boss"])
    assert client.get("/portal/manage/").status_code == 200
    form = client.get(f"/portal/manage/clusters/{portal_world['small'].pk}/")
    assert form.status_code == 200
    saved = client.post(
        f"/portal/manage/clusters/{portal_world['small'].pk}/",
        {"field_groups": ["land", "contact"], "contact_name": "Phòng A", "publish": "on", "version": 1},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    publication = Publication.objects.get(cluster=portal_world["small"])
    assert publication.field_groups == ["land", "contact"] and publication.is_published
    assert Client().get("/portal/manage/").status_code == 302  # anonymous: to the login page
    json.dumps(publication.readiness)


def test_the_enquiries_by_province_put_the_row_without_a_province_last_on_every_database(page, hanoi):
    # ordered by the province's name: NULLs first ascending on SQLite, last on PostgreSQL
    Enquiry.objects.create(reference="YC-TEST-NONE", area_ha=1)
    Enquiry.objects.create(reference="YC-TEST-HN", area_ha=1, province_id="01")
    rows = page.get("/portal/manage/conversion/").context["by_province"]
    assert [(row["province_id"], row["total"]) for row in rows] == [("01", 1), (None, 1)]
