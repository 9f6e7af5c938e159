"""Builders for the inspections tests: a plan, an inspection done, a violation found."""

import datetime

from icis.inspections import services
from icis.inspections.choices import InspectionStatus, PlanStatus


def make_plan(boss, *, year=2026, province="01", title="Kế hoạch kiểm tra 2026", approved=False):
    plan = services.plan_create(data={"province_id": province, "year": year, "title": title}, actor=boss)
    return plan


def approve(plan, boss):
    plan = services.plan_transition(plan=plan, to=PlanStatus.SUBMITTED, actor=boss)
    return services.plan_transition(plan=plan, to=PlanStatus.APPROVED, actor=boss)


def make_inspection(boss, cluster, *, plan=None, tenant=None, topics=("construction",), **data):
    kind = "tenant" if tenant else data.pop("subject_kind", "cluster")
    return services.inspection_create(
        data={"plan": plan, "subject_kind": kind, "cluster": cluster, "tenant": tenant, **data},
        topics=topics,
        actor=boss,
    )


def done(inspection, boss, day=None):
    return services.inspection_transition(
        inspection=inspection, to=InspectionStatus.DONE, actor=boss, effective_on=day or datetime.date(2026, 3, 2)
    )


def make_violation(boss, inspection, *, deadline, description="Chưa có giấy phép xây dựng"):
    return services.violation_create(
        inspection=inspection,
        data={
            "topic": "construction",
            "description": description,
            "legal_basis": "NĐ 32/2024/NĐ-CP Điều 21 khoản 2",
            "severity": "serious",
            "corrective_action": "Xin giấy phép xây dựng",
            "deadline": deadline,
            "responsible": "Chủ đầu tư",
        },
        actor=boss,
    )
