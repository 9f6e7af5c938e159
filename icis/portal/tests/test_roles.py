"""Who moves an enquiry along: the cluster's infrastructure investor takes its own enquiries through the
working steps (contacted, site visit, agreement) and keeps notes; closing one (lease signed, which
registers a tenant project, or lost) is DoIT's. Tested as an attacker: another cluster's enquiry by id, a
closing move posted by hand, a service call, a re-route to another investor's cluster."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from icis.accounts import roles
from icis.accounts.models import Organisation
from icis.portal import services
from icis.portal.choices import EnquiryStatus
from icis.portal.models import Enquiry
from icis.tenancy.models import TenantProject
from icis.testing.factories import person

from .test_public import send_enquiry, vacant_on_page

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today().strftime("%d/%m/%Y")


@pytest.fixture
def pipeline(portal_world):
    send_enquiry(Client(), cluster=portal_world["open"].code, company="Công ty Khách")
    own = Enquiry.objects.get(cluster=portal_world["open"])
    send_enquiry(Client(), cluster=portal_world["small"].code)
    other = Enquiry.objects.get(cluster=portal_world["small"])
    investor = person("investor-a", roles.INVESTOR, organisation=portal_world["open"].investor)
    client = Client()
    client.force_login(investor)
    return {**portal_world, "own": own, "other": other, "investor": investor, "client": client}


def move(client, enquiry, to, **extra):
    return client.post(f"/portal/manage/enquiries/{enquiry.pk}/transition/", {"to": to, "date": TODAY, **extra})


def snapshot(enquiry):
    enquiry.refresh_from_db()
    return (enquiry.status, enquiry.version, enquiry.tenant_project_id, enquiry.status_changes.count())


def test_investor_moves_its_own_enquiry_through_the_working_steps(pipeline):
    client, own = pipeline["client"], pipeline["own"]
    for step in (EnquiryStatus.CONTACTED, EnquiryStatus.SITE_VISIT, EnquiryStatus.AGREEMENT):
        moved = move(client, own, step)
        assert moved.status_code == 302, moved.content.decode()[:2000]
    own.refresh_from_db()
    assert own.status == EnquiryStatus.AGREEMENT
    assert own.status_changes.first().actor == pipeline["investor"]


def test_investor_cannot_sign_the_lease_page_refuses_clearly_and_nothing_changes(pipeline):
    client, own = pipeline["client"], pipeline["own"]
    for step in (EnquiryStatus.CONTACTED, EnquiryStatus.AGREEMENT):
        assert move(client, own, step).status_code == 302
    before = snapshot(own)
    projects = TenantProject.objects.count()
    vacant = vacant_on_page(Client(), pipeline["open"].code)
    refused = move(client, own, EnquiryStatus.LEASE_SIGNED, tenant_tax_code="0107777777", tenant_name="Công ty X")
    assert refused.status_code == 200
    assert "Sở Công Thương" in refused.content.decode() or "Department of Industry" in refused.content.decode()
    assert refused.context["form"].errors["to"]
    assert snapshot(own) == before
    assert TenantProject.objects.count() == projects
    assert vacant_on_page(Client(), pipeline["open"].code) == vacant


def test_investor_cannot_mark_an_enquiry_lost(pipeline):
    before = snapshot(pipeline["own"])
    refused = move(pipeline["client"], pipeline["own"], EnquiryStatus.LOST, reason="không liên lạc được")
    assert refused.status_code == 200 and refused.context["form"].errors["to"]
    assert snapshot(pipeline["own"]) == before


def test_investor_is_offered_only_the_working_steps(pipeline):
    client, own = pipeline["client"], pipeline["own"]
    for step in (EnquiryStatus.CONTACTED, EnquiryStatus.AGREEMENT):
        assert move(client, own, step).status_code == 302
    form = client.get(f"/portal/manage/enquiries/{own.pk}/transition/")
    html = form.content.decode()
    assert f'value="{EnquiryStatus.LEASE_SIGNED}"' not in html and f'value="{EnquiryStatus.LOST}"' not in html
    detail = client.get(f"/portal/manage/enquiries/{own.pk}/")
    assert "/transition/" not in detail.content.decode()  # no move left for the investor at "agreement"


def test_the_service_refuses_a_closing_move_for_the_investor(pipeline):
    own = pipeline["own"]
    own = services.enquiry_transition(enquiry=own, to=EnquiryStatus.CONTACTED, actor=pipeline["investor"])
    own = services.enquiry_transition(enquiry=own, to=EnquiryStatus.AGREEMENT, actor=pipeline["investor"])
    before = snapshot(own)
    with pytest.raises(ValidationError) as refused:
        services.enquiry_transition(
            enquiry=own,
            to=EnquiryStatus.LEASE_SIGNED,
            actor=pipeline["investor"],
            lease={"tenant_tax_code": "0107777777", "tenant_name": "Công ty X"},
        )
    assert refused.value.error_dict["to"][0].code == "not_allowed_for_role"
    assert snapshot(own) == before and not TenantProject.objects.filter(tenant__tax_code="0107777777").exists()


def test_investor_cannot_reach_another_clusters_enquiry_by_id(pipeline):
    client, other = pipeline["client"], pipeline["other"]
    before = snapshot(other)
    assert client.get(f"/portal/manage/enquiries/{other.pk}/").status_code == 404
    assert client.get(f"/portal/manage/enquiries/{other.pk}/transition/").status_code == 404
    assert move(client, other, EnquiryStatus.CONTACTED).status_code == 404
    assert client.post(f"/portal/manage/enquiries/{other.pk}/edit/", {"notes": "x", "version": 1}).status_code == 404
    assert snapshot(other) == before
    other.refresh_from_db()
    assert other.notes == ""


def test_investor_cannot_send_its_enquiry_to_another_investors_cluster(pipeline, hanoi):
    rival = Organisation.objects.create(name="Công ty Đối thủ", kind="investor")
    small = pipeline["small"]
    small.investor = rival
    small.save(update_fields=["investor"])
    own = pipeline["own"]
    refused = pipeline["client"].post(
        f"/portal/manage/enquiries/{own.pk}/edit/", {"cluster": small.pk, "notes": "chuyển", "version": own.version}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["cluster"]
    own.refresh_from_db()
    assert own.cluster == pipeline["open"] and own.notes == ""


def test_the_service_refuses_a_re_route_to_another_investors_cluster(pipeline, hanoi):
    # The rule lives in the service, so an API or a command that skips the form is refused the same way.
    rival = Organisation.objects.create(name="Công ty Đối thủ", kind="investor")
    small = pipeline["small"]
    small.investor = rival
    small.save(update_fields=["investor"])
    own = pipeline["own"]
    with pytest.raises(ValidationError) as refused:
        services.enquiry_update(enquiry=own, data={"cluster": small, "notes": "chuyển"}, actor=pipeline["investor"])
    assert "cluster" in refused.value.message_dict
    own.refresh_from_db()
    assert own.cluster == pipeline["open"] and own.notes == "" and own.version == 1
    # The cluster it is already in is no re-route, and a DoIT officer of the province may route anywhere in it.
    services.enquiry_update(enquiry=own, data={"cluster": own.cluster, "notes": "giữ"}, actor=pipeline["investor"])
    services.enquiry_update(enquiry=own, data={"cluster": small}, actor=pipeline["boss"])
    own.refresh_from_db()
    assert own.cluster == small and own.notes == "giữ"


def test_investor_keeps_notes_on_its_own_enquiry(pipeline):
    own = pipeline["own"]
    saved = pipeline["client"].post(
        f"/portal/manage/enquiries/{own.pk}/edit/",
        {"cluster": pipeline["open"].pk, "notes": "Đã gặp, hẹn khảo sát", "version": own.version},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    own.refresh_from_db()
    assert own.notes == "Đã gặp, hẹn khảo sát"


def test_doit_officer_closes_what_the_investor_brought_to_agreement(pipeline):
    own = pipeline["own"]
    for step in (EnquiryStatus.CONTACTED, EnquiryStatus.AGREEMENT):
        assert move(pipeline["client"], own, step).status_code == 302
    officer = Client()
    officer.force_login(person("doit", roles.DOIT_OFFICER))
    signed = move(officer, own, EnquiryStatus.LEASE_SIGNED, tenant_tax_code="0106666666", tenant_name="Công ty Y")
    assert signed.status_code == 302, signed.content.decode()[:2000]
    own.refresh_from_db()
    assert own.status == EnquiryStatus.LEASE_SIGNED and own.tenant_project.tenant.tax_code == "0106666666"


@pytest.mark.parametrize("role", [roles.CITY_LEADER, roles.INSPECTOR, roles.NATIONAL])
def test_overseers_read_the_pipeline_but_move_nothing(pipeline, role):
    client = Client()
    client.force_login(person("reader", role))
    before = snapshot(pipeline["own"])
    assert client.get(f"/portal/manage/enquiries/{pipeline['own'].pk}/").status_code == 200
    assert move(client, pipeline["own"], EnquiryStatus.CONTACTED).status_code == 403
    assert snapshot(pipeline["own"]) == before
