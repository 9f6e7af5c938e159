import datetime

import pytest
from django.core.exceptions import ValidationError

from icis.tenancy import periods, selectors, services
from icis.tenancy.choices import SubmissionStatus

from .conftest import project

pytestmark = pytest.mark.django_db

FORM_02 = {
    "approved_investment_bn_vnd": 320,
    "disbursed_bn_vnd": 150.5,
    "land_ready_ha": 18,
    "land_leased_ha": 8,
    "occupancy_percent": 40,
    "projects_leased": 2,
    "projects_fdi": 0,
    "projects_operating": 1,
    "revenue_bn_vnd": 12,
    "budget_paid_bn_vnd": 1.2,
    "employees": 35,
    "avg_income_m_vnd": 9.5,
    "wwtp_built": 1,
    "wwtp_compliant": 0,
}


def test_periods_follow_circular_14():
    h1 = periods.parse("2026-H1")
    assert (h1.start, h1.end) == (datetime.date(2025, 12, 15), datetime.date(2026, 6, 14))
    assert [h1.deadline(f) for f in ("01", "02", "03", "04")] == [
        datetime.date(2026, 6, 20),
        datetime.date(2026, 6, 20),
        datetime.date(2026, 6, 25),
        datetime.date(2026, 6, 30),
    ]
    year = periods.parse("2026-Y")
    assert (year.start, year.end, year.deadline("04")) == (
        datetime.date(2025, 12, 15),
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 31),
    )
    for bad in ["2026", "2026-H2", "26-H1", "2026-h1", ""]:
        with pytest.raises(ValueError):
            periods.parse(bad)


def test_every_state_change_of_a_report(cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss)
    project(cluster20, tenant.__class__.objects.create(name="B", tax_code="0109999999"), 3, boss)
    draft = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    assert draft.status == SubmissionStatus.DRAFT
    with pytest.raises(ValidationError):
        services.submission_accept(submission=draft, actor=boss)  # not submitted yet
    submitted = services.submission_submit(submission=draft, actor=boss)
    assert submitted.status == SubmissionStatus.SUBMITTED and submitted.submitted_by == boss
    with pytest.raises(ValidationError):
        services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    with pytest.raises(ValidationError) as caught:
        services.submission_return(submission=submitted, reason=" ", actor=boss)
    assert "reason" in caught.value.message_dict
    returned = services.submission_return(submission=submitted, reason="Mục 5 sai", actor=boss)
    assert returned.status == SubmissionStatus.RETURNED and returned.return_reason == "Mục 5 sai"
    corrected = services.submission_save(
        form="02", period="2026-H1", cluster=cluster20, data={**FORM_02, "occupancy_percent": 40}, actor=boss
    )
    resubmitted = services.submission_submit(submission=corrected, actor=boss)
    accepted = services.submission_accept(submission=resubmitted, actor=boss)
    assert accepted.status == SubmissionStatus.ACCEPTED
    with pytest.raises(ValidationError):
        services.submission_return(submission=accepted, reason="late", actor=boss)
    check = selectors.reported_vs_computed(accepted)
    assert check["computed"] == 40 and not check["differs"]


def test_reported_occupancy_that_differs_from_the_computed_one_is_flagged(cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss)
    report = services.submission_save(
        form="02", period="2026-H1", cluster=cluster20, data={**FORM_02, "occupancy_percent": 90}, actor=boss
    )
    check = selectors.reported_vs_computed(report)
    assert check["reported"] == 90 and check["computed"] == 25 and check["differs"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"revenue_bn_vnd": -1}, "data.revenue_bn_vnd"),
        ({"employees": 2.5}, "data.employees"),
        ({"employees": "many"}, "data.employees"),
        ({"wwtp_built": 2}, "data.wwtp_built"),
        ({"occupancy_percent": 120}, "data.occupancy_percent"),
        ({"surprise": 1}, "data.surprise"),
    ],
)
def test_bad_figures_are_refused_by_name_and_nothing_is_written(cluster20, boss, data, key):
    from icis.tenancy.models import Submission

    with pytest.raises(ValidationError) as caught:
        services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=data, actor=boss)
    assert key in caught.value.message_dict
    assert not Submission.objects.exists()


def test_an_incomplete_report_cannot_be_submitted(cluster20, boss):
    draft = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data={"employees": 3}, actor=boss)
    with pytest.raises(ValidationError) as caught:
        services.submission_submit(submission=draft, actor=boss)
    assert caught.value.error_dict["data"][0].code == "incomplete"


def test_overdue_lists_who_has_not_filed_from_the_deadline_day_on(cluster20, tenant, boss):
    from icis.clusters.models import Cluster

    p = project(cluster20, tenant, 5, boss)
    cluster20.investor = tenant.__class__._meta.get_field("organisation").related_model.objects.create(
        name="Investor", kind="investor"
    )
    cluster20.save()
    period = periods.parse("2026-H1")
    clusters = Cluster.objects.all()
    assert selectors.overdue(form="02", period=period, clusters=clusters, today=datetime.date(2026, 6, 19)) == []
    late = selectors.overdue(form="02", period=period, clusters=clusters, today=datetime.date(2026, 6, 20))
    assert [c.pk for c in late] == [cluster20.pk]
    assert [
        x.pk for x in selectors.overdue(form="01", period=period, clusters=clusters, today=datetime.date(2026, 7, 1))
    ] == [p.pk]
    report = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    services.submission_submit(submission=report, actor=boss)
    assert selectors.overdue(form="02", period=period, clusters=clusters, today=datetime.date(2026, 7, 1)) == []
