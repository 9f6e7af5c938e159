import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from icis.accounts.models import Organisation, OrganisationKind
from icis.core import attention
from icis.inspections import selectors, services
from icis.inspections.choices import InspectionStatus, PlanStatus, ViolationStatus
from icis.inspections.models import ChecklistItem, ChecklistVersion, Inspection, InspectionPlan
from icis.tenancy import services as tenancy_services
from icis.testing.factories import make_cluster

from .factories import approve, done, make_inspection, make_plan, make_violation

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(hanoi):
    investor = Organisation.objects.create(name="Chủ đầu tư X", kind=OrganisationKind.INVESTOR)
    return make_cluster(name="Cụm Phú Xuyên", investor=investor, area_ha=30, industrial_land_ha=Decimal("20"))


@pytest.fixture
def firm(cluster, boss):
    tenant = tenancy_services.tenant_create(data={"name": "Công ty May", "tax_code": "0100000009"}, actor=boss)
    tenancy_services.project_create(
        data={"cluster": cluster, "tenant": tenant, "land_ha": Decimal("1"), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    return tenant


def test_every_topic_has_a_checklist_citing_the_decree():
    topics = set(ChecklistVersion.objects.values_list("topic", flat=True))
    assert topics == {"planning", "investment", "construction", "land_use", "environment", "fire_safety", "labour"}
    assert not ChecklistItem.objects.exclude(legal_basis__startswith="NĐ 32/2024/NĐ-CP Điều").exists()


def test_a_plan_inspecting_a_firm_already_inspected_by_plan_this_year_is_refused(boss, cluster, firm):
    first = make_plan(boss, title="Kế hoạch năm 2026")
    make_inspection(boss, cluster, plan=first, tenant=firm, planned_month=3)
    approve(first, boss)
    second = make_plan(
        boss,
        title="Kế hoạch bổ sung 2026",
    )
    entry = make_inspection(boss, cluster, plan=second, tenant=firm, planned_month=9)
    conflicts = selectors.art24_conflicts(second)
    assert [c.entry.pk for c in conflicts] == [entry.pk]
    assert "không quá một lần trong một năm" in conflicts[0].message
    second = services.plan_transition(plan=second, to=PlanStatus.SUBMITTED, actor=boss)
    with pytest.raises(ValidationError) as refused:
        services.plan_transition(plan=second, to=PlanStatus.APPROVED, actor=boss)
    assert refused.value.error_dict["to"][0].code == "art24_conflict"
    assert second.status == PlanStatus.SUBMITTED


def test_signs_of_violation_need_a_reason_and_then_lift_the_limit(boss, cluster, firm):
    first = make_plan(boss)
    make_inspection(boss, cluster, plan=first, tenant=firm)
    approve(first, boss)
    second = make_plan(boss, title="Đột xuất")
    entry = make_inspection(boss, cluster, plan=second, tenant=firm)
    with pytest.raises(ValidationError) as refused:
        services.inspection_update(inspection=entry, data={"signs_of_violation": True}, actor=boss)
    assert "signs_reason" in refused.value.error_dict
    services.inspection_update(
        inspection=entry,
        data={"signs_of_violation": True, "signs_reason": "Người dân phản ánh xả thải ban đêm"},
        actor=boss,
    )
    assert selectors.art24_conflicts(second) == []
    assert approve(second, boss).status == PlanStatus.APPROVED


def test_a_firm_inspected_last_year_may_be_planned_again(boss, cluster, firm):
    last_year = make_plan(boss, year=2025)
    make_inspection(boss, cluster, plan=last_year, tenant=firm)
    approve(last_year, boss)
    this_year = make_plan(boss, year=2026)
    make_inspection(boss, cluster, plan=this_year, tenant=firm)
    assert approve(this_year, boss).status == PlanStatus.APPROVED


def test_two_entries_for_one_firm_in_one_plan_conflict(boss, cluster, firm):
    plan = make_plan(boss)
    make_inspection(boss, cluster, plan=plan, tenant=firm, planned_month=2)
    second = make_inspection(boss, cluster, plan=plan, tenant=firm, planned_month=8)
    assert [c.entry.pk for c in selectors.art24_conflicts(plan)] == [second.pk]


def test_returning_a_plan_needs_what_to_correct(boss, cluster):
    plan = make_plan(boss)
    make_inspection(boss, cluster, plan=plan)
    plan = services.plan_transition(plan=plan, to=PlanStatus.SUBMITTED, actor=boss)
    with pytest.raises(ValidationError):
        services.plan_transition(plan=plan, to=PlanStatus.RETURNED, actor=boss)
    plan = services.plan_transition(plan=plan, to=PlanStatus.RETURNED, actor=boss, reason="Thiếu tổ kiểm tra")
    assert list(plan.status_changes.values_list("to_status", flat=True)) == ["returned", "submitted", "draft"]


def test_an_approved_plan_takes_no_new_entry(boss, cluster):
    plan = make_plan(boss)
    make_inspection(boss, cluster, plan=plan)
    approve(plan, boss)
    with pytest.raises(ValidationError) as refused:
        make_inspection(boss, cluster, plan=plan)
    assert refused.value.code == "not_editable"


def test_a_follow_up_carries_the_open_violations_forward_and_records_results(boss, cluster, monkeypatch):
    plan = make_plan(boss)
    visit = make_inspection(boss, cluster, plan=plan)
    approve(plan, boss)
    visit = done(visit, boss, datetime.date(2026, 3, 2))
    first = make_violation(boss, visit, deadline=datetime.date(2026, 6, 30), description="Thiếu giấy phép")
    second = make_violation(boss, visit, deadline=datetime.date(2026, 7, 31), description="Chưa có PCCC")
    follow_up = make_inspection(boss, cluster)
    assert list(selectors.carried_forward(follow_up)) == [first, second]
    services.follow_up_record(inspection=follow_up, violation=first, result=ViolationStatus.REMEDIED, actor=boss)
    first.refresh_from_db()
    assert first.status == ViolationStatus.REMEDIED
    assert [v.pk for v in selectors.carried_forward(follow_up)] == [first.pk, second.pk]  # its result is shown
    later = make_inspection(boss, cluster)
    assert list(selectors.carried_forward(later)) == [second]
    # Its deadline passing puts the one left open on the dashboard's attention list.
    before = [
        i for i in attention.collect(boss, datetime.date(2026, 7, 31)) if i.kind == "inspection_violation_overdue"
    ]
    assert before == []
    after = [i for i in attention.collect(boss, datetime.date(2026, 8, 1)) if i.kind == "inspection_violation_overdue"]
    assert [i.title for i in after] == ["Cụm Phú Xuyên: Chưa có PCCC"]


def test_a_follow_up_refuses_a_violation_of_another_subject(boss, cluster, hanoi):
    other = make_cluster(name="Cụm khác", area_ha=20)
    visit = done(make_inspection(boss, other), boss)
    violation = make_violation(boss, visit, deadline=datetime.date(2026, 6, 30))
    follow_up = make_inspection(boss, cluster)
    with pytest.raises(ValidationError) as refused:
        services.follow_up_record(inspection=follow_up, violation=violation, result="remedied", actor=boss)
    assert refused.value.error_dict["violation"][0].code == "not_carried_forward"


def test_a_record_synced_twice_is_stored_once(boss, cluster):
    import uuid

    key = uuid.uuid4()
    one = services.inspection_create(
        data={"subject_kind": "cluster", "cluster": cluster}, topics=["planning"], actor=boss, client_id=key
    )
    two = services.inspection_create(
        data={"subject_kind": "cluster", "cluster": cluster}, topics=["planning"], actor=boss, client_id=key
    )
    assert one.pk == two.pk and Inspection.objects.count() == 1


def test_an_inspection_by_plan_is_held_only_once_the_plan_is_approved(boss, cluster):
    plan = make_plan(boss)
    entry = make_inspection(boss, cluster, plan=plan)
    with pytest.raises(ValidationError) as refused:
        done(entry, boss)
    assert refused.value.error_dict["to"][0].code == "plan_not_approved"
    approve(plan, boss)
    assert done(entry, boss).status == InspectionStatus.DONE


def test_a_firm_subject_must_lease_in_the_cluster(boss, cluster, hanoi):
    stranger = tenancy_services.tenant_create(data={"name": "Công ty Lạ", "tax_code": "0100000010"}, actor=boss)
    with pytest.raises(ValidationError) as refused:
        make_inspection(boss, cluster, tenant=stranger)
    assert refused.value.error_dict["tenant"][0].code == "not_in_cluster"


def test_the_earlier_entries_of_a_conflict_list_undated_plans_last_on_every_database(boss, cluster, firm):
    # by when each plan took its status: NULLs first in an ascending order on SQLite, last on PostgreSQL
    dated, undated = make_plan(boss, title="Kế hoạch A"), make_plan(boss, title="Kế hoạch B")
    for plan in (undated, dated):
        make_inspection(boss, cluster, plan=plan, tenant=firm)
    approve(dated, boss)
    # an approved plan whose approval no source dates (Art 24 would refuse approving a second one here)
    InspectionPlan.objects.filter(pk=undated.pk).update(status=PlanStatus.APPROVED, status_since=None)
    checked = make_plan(boss, title="Kế hoạch bổ sung")
    make_inspection(boss, cluster, plan=checked, tenant=firm)
    (conflict,) = selectors.art24_conflicts(checked)
    assert [other.plan_id for other in conflict.earlier] == [dated.pk, undated.pk]
