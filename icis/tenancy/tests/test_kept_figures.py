"""A Form 01's three summed figures (revenue, budget paid, employees) kept as numbers beside its JSON
(`Submission.keep_figures`), so that Forms 03/04 add up columns instead of decoding every report (issue 16).
Every way a report is written keeps them: the services, a plain save, a save of some fields, the national
generator's bulk insert (synthetic/tests/test_national.py) and the migration that filled the reports
already there. Forms 03 and 04 give the same totals as the decoded reports."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from icis.reporting import selectors as reporting
from icis.tenancy import periods, services
from icis.tenancy.models import KEPT_FIGURES, Submission

from .conftest import other_tenant, project
from .test_submissions import FORM_02

pytestmark = pytest.mark.django_db

FORM_01 = {"revenue_bn_vnd": "37,78", "budget_paid_bn_vnd": 0.1, "employees": 10, "avg_income_m_vnd": 8}
H1 = periods.parse("2026-H1")


def kept(submission) -> tuple:
    submission.refresh_from_db()
    return tuple(getattr(submission, column) for column in KEPT_FIGURES)


def accepted(submission, actor):
    services.submission_submit(submission=submission, actor=actor)
    return services.submission_accept(submission=submission, actor=actor)


def test_every_save_keeps_the_figures_of_form_01_and_none_of_form_02(cluster20, tenant, boss):
    first = project(cluster20, tenant, 5, boss)
    draft = services.submission_save(form="01", period="2026-H1", tenant_project=first, data=FORM_01, actor=boss)
    assert kept(draft) == (Decimal("37.78"), Decimal("0.1"), Decimal(10))  # "37,78" is 37.78, not 3,778
    # A correction changes them; a figure left out keeps nothing (None), not 0.
    draft = services.submission_save(
        form="01",
        period="2026-H1",
        tenant_project=first,
        data={**FORM_01, "revenue_bn_vnd": 40, "budget_paid_bn_vnd": ""},
        expected_version=draft.version,
        actor=boss,
    )
    assert kept(draft) == (Decimal(40), None, Decimal(10))
    # A save of some fields that names `data` writes them too; one that does not leaves them as they are.
    draft.data = {**draft.data, "employees": 12}
    draft.save(update_fields=["data"])
    assert kept(draft) == (Decimal(40), None, Decimal(12))
    Submission.objects.filter(pk=draft.pk).update(kept_employees=None)
    draft.save(update_fields=["version"])
    assert kept(draft) == (Decimal(40), None, None)
    form02 = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    assert kept(form02) == (None, None, None)  # Form 02 has revenue and employees too: not Form 01's
    # No writer stores anything but clean numbers; were one to, the save would keep it as left out, not fail.
    draft.data = {"revenue_bn_vnd": "abc", "budget_paid_bn_vnd": True, "employees": "NaN"}
    draft.save()
    assert kept(draft) == (None, None, None)
    draft.data = ["not", "an", "object"]
    draft.save()
    assert kept(draft) == (None, None, None)


def test_the_totals_of_forms_03_and_04_equal_the_decoded_reports(cluster20, tenant, boss):
    figures = [
        {**FORM_01, "revenue_bn_vnd": 1.005, "budget_paid_bn_vnd": 0.333333},
        {**FORM_01, "revenue_bn_vnd": "1.234,5", "employees": 7},
        {**FORM_01, "revenue_bn_vnd": 0.1, "budget_paid_bn_vnd": 0.2},
    ]
    for n, data in enumerate(figures, start=2):
        owner = project(cluster20, other_tenant(boss, n), 1, boss)
        report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=data, actor=boss)
        if n < 4:
            accepted(report, boss)  # the third stays a draft: not counted
    decoded = [data for _pk, data in reporting._submission_figures("01", H1, cluster20.__class__.objects.all())]
    count, totals = reporting._form01_totals(H1, cluster20.__class__.objects.all())
    assert count == len(decoded) == 2
    for key in KEPT_FIGURES.values():
        assert totals[key] == reporting._sum(decoded, key), key
    assert totals["revenue_bn_vnd"] == (Decimal("1235.505"), 0)
    # Another period, another scope: nothing.
    assert reporting._form01_totals(periods.parse("2025-Y"), cluster20.__class__.objects.all())[0] == 0
    assert reporting._form01_totals(H1, cluster20.__class__.objects.none())[0] == 0


def test_the_migration_fills_the_reports_already_there_as_the_old_query_read_them(cluster20, tenant, boss):
    owner = project(cluster20, tenant, 5, boss)
    report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=FORM_01, actor=boss)
    form02 = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    before = kept(report)
    Submission.objects.update(**dict.fromkeys(KEPT_FIGURES))
    indexes = fill_as_migrating()
    assert kept(report) == before == (Decimal("37.78"), Decimal("0.1"), Decimal(10))
    assert kept(form02) == (None, None, None)
    # PostgreSQL: the covering index of the accepted Forms 01 (the migration itself creates it)
    assert indexes == ([MIGRATION.CREATE] if connection.vendor == "postgresql" else [])


def test_the_migration_keeps_every_kind_of_stored_figure_as_a_save_keeps_it(cluster20, tenant, boss):
    """PostgreSQL keeps JSON numbers in SQL and the rest in Python, SQLite all in Python: each report ends with
    what `Submission.keep_figures` keeps of it, whatever an earlier writer stored."""
    stored = [
        FORM_01,
        {"revenue_bn_vnd": 1.005, "budget_paid_bn_vnd": 0.30000000000000004, "employees": 999999999999},
        {"revenue_bn_vnd": 0.00000000005, "budget_paid_bn_vnd": 0.000000000049, "employees": 0},
        {"revenue_bn_vnd": "12.5", "budget_paid_bn_vnd": None, "employees": " 7 "},
        {"revenue_bn_vnd": 1e24, "budget_paid_bn_vnd": "abc", "employees": True},
        {"revenue_bn_vnd": 99999999999999999999.9999999999, "budget_paid_bn_vnd": [1], "employees": {"n": 1}},
        {},
        ["not", "an", "object"],
    ]
    reports = []
    for n, data in enumerate(stored, start=2):
        owner = project(cluster20, other_tenant(boss, n), 1, boss)
        report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data={}, actor=boss)
        Submission.objects.filter(pk=report.pk).update(data=data, **dict.fromkeys(KEPT_FIGURES))
        reports.append(report)
    fill_as_migrating()
    for report in reports:
        report.refresh_from_db()
        filled = tuple(getattr(report, column) for column in KEPT_FIGURES)
        report.keep_figures()
        assert filled == tuple(getattr(report, column) for column in KEPT_FIGURES), report.data
    assert kept(reports[2]) == (Decimal("1E-10"), Decimal(0), Decimal(0))  # halves away from zero, as a save


MIGRATION = importlib.import_module("icis.tenancy.migrations.0007_submission_kept_figures")


def fill_as_migrating() -> list[str]:
    """Run the migration's fill in the test's transaction; returns the index statements it would run (an index
    cannot be built in a transaction that has just updated the table under deferred constraints)."""
    indexes = []

    def execute(sql):
        if sql.startswith("CREATE INDEX"):
            indexes.append(sql)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    MIGRATION.fill(apps, SimpleNamespace(connection=connection, execute=execute))
    return indexes
