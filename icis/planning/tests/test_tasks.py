"""Plan tasks followed: the lead organisation records status, progress, evidence and date; others
read; overdue tasks join the attention list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind
from icis.core.attention import collect
from icis.geo.models import Province
from icis.planning import services
from icis.planning.models import AnnualPlan, Task
from icis.testing.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(hanoi):
    doit = Organisation.objects.create(name="Sở Công Thương (thử)", kind=OrganisationKind.DOIT)
    finance = Organisation.objects.create(name="Sở Tài chính (thử)", kind=OrganisationKind.FINANCE)
    plan = AnnualPlan.objects.create(province=Province.objects.get(code="01"), year=2026, title="Kế hoạch 305 (thử)")
    task = Task.objects.create(
        plan=plan,
        title="Rà soát các cụm chậm tiến độ",
        lead="Sở Công Thương",
        lead_organisation=doit,
        due_on=datetime.date(2026, 6, 30),
    )
    task.coordinating_organisations.add(finance)
    return task


def _officer(org, name="lead"):
    user = person(name, roles.COMMUNE_OFFICIAL, communes=["10273"])
    user.organisation = org
    user.save()
    return user


def test_the_lead_organisation_records_progress_and_the_task_follows(client, task):
    officer = _officer(task.lead_organisation)
    client.force_login(officer)
    page = client.get(reverse("planning:task_detail", args=[task.pk]))
    assert page.status_code == 200 and page.context["may_record"]
    response = client.post(
        reverse("planning:task_record", args=[task.pk]),
        {"status": "in_progress", "on": "15/11/2026", "note": "Đã rà soát 12 cụm", "version": task.version},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress" and task.status_since == datetime.date(2026, 11, 15)
    assert task.updates.get().note == "Đã rà soát 12 cụm"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"status": "late", "on": "15/11/2026", "note": "x"}, "status"),
        ({"status": "done", "on": "15/11/2099", "note": "x"}, "on"),
        ({"status": "done", "on": "15/11/2026", "note": "  "}, "note"),
        ({"status": "done", "on": "31/02/2026", "note": "x"}, "on"),
    ],
)
def test_bad_progress_is_refused_on_its_field_and_nothing_is_written(client, task, data, field):
    client.force_login(_officer(task.lead_organisation))
    response = client.post(reverse("planning:task_record", args=[task.pk]), {**data, "version": task.version})
    assert response.status_code == 200 and field in response.context["form"].errors
    task.refresh_from_db()
    assert task.status == "open" and not task.updates.exists()


def test_progress_cannot_go_back_in_time(task):
    officer = _officer(task.lead_organisation)
    services.task_record(task=task, status="in_progress", on=datetime.date(2026, 11, 15), note="a", actor=officer)
    with pytest.raises(Exception) as refused:
        services.task_record(task=task, status="done", on=datetime.date(2026, 11, 1), note="b", actor=officer)
    assert "on" in refused.value.message_dict


def test_a_coordinating_organisation_sees_its_tasks_but_does_not_record(client, task):
    finance_officer = _officer(task.coordinating_organisations.get(), name="taichinh")
    client.force_login(finance_officer)
    html = client.get(reverse("planning:my_tasks")).content.decode()
    assert "Rà soát các cụm chậm tiến độ" in html
    assert client.get(reverse("planning:task_detail", args=[task.pk])).context["may_record"] is False
    response = client.post(
        reverse("planning:task_record", args=[task.pk]),
        {"status": "done", "on": "15/11/2026", "note": "x", "version": task.version},
    )
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.task_record(task=task, status="done", on=datetime.date(2026, 11, 15), note="x", actor=finance_officer)
    assert not task.updates.exists()


def test_an_overdue_task_joins_the_attention_list_of_its_organisations(task, boss):
    officer = _officer(task.lead_organisation)
    kinds = [(i.kind, i.url) for i in collect(officer, datetime.date(2026, 11, 30))]
    assert ("task_overdue", reverse("planning:task_detail", args=[task.pk])) in kinds
    services.task_record(task=task, status="done", on=datetime.date(2026, 11, 15), note="xong", actor=officer)
    assert "task_overdue" not in [i.kind for i in collect(officer, datetime.date(2026, 11, 30))]


def test_my_tasks_list_tasks_without_a_deadline_last_on_every_database(client, task):
    # NULLs sort first in an ascending order on SQLite, last on PostgreSQL
    Task.objects.create(
        plan=task.plan, title="Không hạn", lead="Sở Công Thương", lead_organisation=task.lead_organisation
    )
    client.force_login(_officer(task.lead_organisation))
    tasks = client.get(reverse("planning:my_tasks")).context["tasks"]
    assert [t.due_on for t in tasks] == [datetime.date(2026, 6, 30), None]


def test_a_plans_tasks_without_a_deadline_come_last_on_every_database(client, boss, task):
    # the plan page and the API read the model's order: NULLs first in an ascending order on SQLite
    Task.objects.create(plan=task.plan, title="Không hạn", lead="Sở Công Thương")
    client.force_login(boss)
    html = client.get(reverse("planning:annual_plan", args=[task.plan.pk])).content.decode()
    assert html.index("Rà soát các cụm chậm tiến độ") < html.index("Không hạn")
    plan = client.get(f"/api/annual-plans/{task.plan.pk}/").json()
    assert [t["due_on"] for t in plan["tasks"]] == ["2026-06-30", None]
