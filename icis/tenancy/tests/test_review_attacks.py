"""Review of the kept Form 01 figures (`Submission.keep_figures`, migration tenancy 0007): attacks on the
save, the API, the migration and the Form 03/04 totals, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from icis.clusters.models import Cluster
from icis.reporting import selectors as reporting
from icis.tenancy import periods, services
from icis.tenancy.models import KEPT_FIGURES, Submission, Tenant, TenantProject

from .conftest import other_tenant, project
from .test_kept_figures import fill_as_migrating

pytestmark = pytest.mark.django_db

H1 = periods.parse("2026-H1")
FORM_01 = {"revenue_bn_vnd": 12.5, "budget_paid_bn_vnd": 1.25, "employees": 10, "avg_income_m_vnd": 8}


def kept(submission) -> tuple:
    row = Submission.objects.filter(pk=submission.pk).values_list(*KEPT_FIGURES).get()
    return tuple(row)


def run_migration_fill():
    fill_as_migrating()


def totals_equal_decoded(clusters):
    decoded = [data for _pk, data in reporting._submission_figures("01", H1, clusters)]
    count, totals = reporting._form01_totals(H1, clusters)
    assert count == len(decoded)
    for key in KEPT_FIGURES.values():
        assert totals[key] == reporting._sum(decoded, key), key
    return totals


# --------------------------------------------------------------------------------------------- huge figures
@pytest.mark.parametrize("revenue", ["1000000000000000000", "1.000.000.000.000.000.000", 1e18, 1e24])
def test_a_huge_figure_is_refused_as_a_form_error_not_a_crash(cluster20, tenant, boss, revenue):
    """Revenue has no maximum in `clean_figures`; 10^18 (and up) passes it, then `keep_figures` quantizes it
    to 10 decimals beyond the 28-digit decimal context and the save dies with decimal.InvalidOperation (a 500).
    Before the change the report saved. It must be a field error."""
    owner = project(cluster20, tenant, 5, boss)
    with pytest.raises(ValidationError) as refused:
        services.submission_save(
            form="01", period="2026-H1", tenant_project=owner, data={**FORM_01, "revenue_bn_vnd": revenue}, actor=boss
        )
    assert "data.revenue_bn_vnd" in refused.value.message_dict
    assert not Submission.objects.exists()


def test_a_huge_figure_through_the_api_is_a_400(api, cluster20, tenant, boss):
    owner = project(cluster20, tenant, 5, boss)
    response = api.post(
        "/api/submissions/",
        {"form": "01", "period": "2026-H1", "tenant_project": owner.pk, "data": {**FORM_01, "employees": 10**19}},
        format="json",
    )
    assert response.status_code == 400, response.content[:300]


def test_a_figure_that_overflows_a_float_is_refused(cluster20, tenant, boss):
    """400 nines parse as a Decimal, then `float()` makes them infinity: stored, that is JSON `Infinity`
    (PostgreSQL refuses it; SQLite keeps it and Form 04 would call it left out)."""
    owner = project(cluster20, tenant, 5, boss)
    with pytest.raises(ValidationError) as refused:
        services.submission_save(
            form="01", period="2026-H1", tenant_project=owner, data={**FORM_01, "revenue_bn_vnd": "9" * 400}, actor=boss
        )
    assert "data.revenue_bn_vnd" in refused.value.message_dict


def test_the_largest_accepted_figures_are_kept_and_summed(cluster20, boss):
    """Just under the ceiling: kept and summed by Form 04 as the decoded JSON sums them. PostgreSQL sums exact
    numerics; SQLite sums floats (15 significant digits), so a 13-digit total keeps its 2 shown decimals there
    but not the 6 the total is rounded to (as before the change: the JSON query summed floats too)."""
    for n, revenue in enumerate(["999999999999", "0.000001", "123456789.123456"], start=2):
        owner = project(cluster20, other_tenant(boss, n), 1, boss)
        report = services.submission_save(
            form="01", period="2026-H1", tenant_project=owner, data={**FORM_01, "revenue_bn_vnd": revenue}, actor=boss
        )
        services.submission_submit(submission=report, actor=boss)
        services.submission_accept(submission=report, actor=boss)
    assert kept(report)[0] == Decimal("123456789.123456")
    total = reporting._form01_totals(H1, Cluster.objects.all())[1]["revenue_bn_vnd"]
    decoded = Decimal("1000123456788.123457")
    assert total == ((decoded, 0) if connection.vendor == "postgresql" else (Decimal("1000123456788.12"), 0))
    assert total[0].quantize(Decimal("0.01")) == decoded.quantize(Decimal("0.01"))


# ------------------------------------------------------------------------------------ the migration's fill
def _legacy(owner, boss, data, status="draft"):
    """A Form 01 as an earlier writer could have stored it, then the migration's fill run over it."""
    report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=FORM_01, actor=boss)
    Submission.objects.filter(pk=report.pk).update(data=data, status=status, **dict.fromkeys(KEPT_FIGURES))
    return report


def test_the_migration_fills_numeric_strings_and_json_null_as_a_save_would(cluster20, tenant, boss):
    owner = project(cluster20, tenant, 5, boss)
    report = _legacy(owner, boss, {"revenue_bn_vnd": "12.5", "budget_paid_bn_vnd": None, "employees": 7}, "accepted")
    run_migration_fill()
    filled = kept(report)
    assert filled == (Decimal("12.5"), None, Decimal(7))
    report.refresh_from_db()
    report.save()
    assert kept(report) == filled
    totals = totals_equal_decoded(Cluster.objects.all())
    assert totals["budget_paid_bn_vnd"] == (Decimal(0), 1)


def test_the_migration_survives_a_draft_with_a_figure_the_column_cannot_hold(cluster20, tenant, boss):
    """Before the change nothing bounded revenue, so a draft may hold 10^24: the fill casts every Form 01 (drafts
    too) into numeric(30,10). On PostgreSQL that aborts the migration (numeric field overflow); on SQLite it
    stores a REAL that the column's converter cannot read back (InvalidOperation on every load of the row)."""
    owner = project(cluster20, tenant, 5, boss)
    report = _legacy(owner, boss, {**FORM_01, "revenue_bn_vnd": 1e24})
    with transaction.atomic():
        run_migration_fill()
    assert kept(Submission.objects.get(pk=report.pk)) == (None, Decimal("1.25"), Decimal(10))  # the row loads
    assert reporting._form01_totals(H1, Cluster.objects.all())[0] == 0  # a draft: not counted, and no crash


# --------------------------------------------------------------------------------------- writes, history, API
def test_the_api_neither_shows_nor_takes_the_kept_figures(api, cluster20, tenant, boss):
    owner = project(cluster20, tenant, 5, boss)
    created = api.post(
        "/api/submissions/",
        {
            "form": "01",
            "period": "2026-H1",
            "tenant_project": owner.pk,
            "data": FORM_01,
            "kept_revenue_bn_vnd": "999",
            "kept_employees": "-5",
        },
        format="json",
    )
    assert created.status_code == 201, created.content[:300]  # unknown fields are ignored, not stored
    assert not any(key.startswith("kept_") for key in created.json())
    report = Submission.objects.get()
    assert kept(report) == (Decimal("12.5"), Decimal("1.25"), Decimal(10))
    etag = api.get(f"/api/submissions/{report.pk}/")["ETag"]
    changed = api.patch(
        f"/api/submissions/{report.pk}/",
        {"kept_revenue_bn_vnd": "1", "data": {**FORM_01, "employees": 11}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200, changed.content[:300]
    assert kept(report) == (Decimal("12.5"), Decimal("1.25"), Decimal(11))
    assert not any(key.startswith("kept_") for key in api.get(f"/api/submissions/{report.pk}/").json())


def test_the_history_leaves_the_kept_figures_out_and_a_revert_recomputes_them(cluster20, tenant, boss):
    owner = project(cluster20, tenant, 5, boss)
    first = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=FORM_01, actor=boss)
    services.submission_save(
        form="01",
        period="2026-H1",
        tenant_project=owner,
        data={**FORM_01, "revenue_bn_vnd": 99},
        expected_version=first.version,
        actor=boss,
    )
    history = Submission.history.model
    assert not {f.name for f in history._meta.fields} & set(KEPT_FIGURES)
    old = Submission.history.filter(id=first.pk).order_by("history_id").first()
    # simple_history fills excluded fields from the *current* row: the old version carries today's figures
    assert old.instance.data["revenue_bn_vnd"] == 12.5
    old.instance.save()  # a revert goes through save: the kept figures follow the reverted data
    assert kept(first)[0] == Decimal("12.5")


def test_a_save_of_other_fields_does_not_touch_the_kept_figures(cluster20, tenant, boss):
    owner = project(cluster20, tenant, 5, boss)
    report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=FORM_01, actor=boss)
    services.submission_submit(submission=report, actor=boss)
    services.submission_accept(submission=report, actor=boss)
    assert kept(report) == (Decimal("12.5"), Decimal("1.25"), Decimal(10))
    totals_equal_decoded(Cluster.objects.all())


def test_a_report_stays_with_its_cluster_when_the_project_moves(cluster20, tenant, boss):
    """Form 01's `cluster` is the project's cluster at the time of the report, in the kept columns' query as in
    the decoded one: both count the report where it was filed."""
    from icis.testing.factories import make_cluster

    owner = project(cluster20, tenant, 5, boss)
    report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=FORM_01, actor=boss)
    services.submission_submit(submission=report, actor=boss)
    services.submission_accept(submission=report, actor=boss)
    other = make_cluster(name="Cụm khác", area_ha=25, industrial_land_ha=20)
    TenantProject.objects.filter(pk=owner.pk).update(cluster=other)
    for scope in (Cluster.objects.filter(pk=cluster20.pk), Cluster.objects.filter(pk=other.pk)):
        totals_equal_decoded(scope)
    assert reporting._form01_totals(H1, Cluster.objects.filter(pk=cluster20.pk))[0] == 1


def test_form_04_fdi_count_as_a_subquery_equals_the_join(cluster20, boss):
    fdi = Tenant.objects.create(name="FDI Co", tax_code="0109999999", is_fdi=True)
    local = Tenant.objects.create(name="Local Co", tax_code="0108888888", is_fdi=False)
    project(cluster20, fdi, 2, boss)
    project(cluster20, local, 2, boss)
    joined = TenantProject.objects.filter(tenant__is_fdi=True).count()
    sub = TenantProject.objects.filter(tenant_id__in=Tenant.objects.filter(is_fdi=True).values("pk")).count()
    assert joined == sub == 1


def test_a_fixture_of_a_form_01_loads_with_its_kept_figures(cluster20, tenant, boss, tmp_path):
    """A fixture made before 0007 (or by hand) has no kept_* fields: loaddata writes the row through
    `save_base(raw=True)`, past `Submission.save`, so without the raw pre_save hook Form 04 counted the
    report's figures as left out (`restore` copies the columns as stored and needs none)."""
    from django.core import serializers
    from django.core.management import call_command

    owner = project(cluster20, tenant, 5, boss)
    report = services.submission_save(form="01", period="2026-H1", tenant_project=owner, data=FORM_01, actor=boss)
    services.submission_submit(submission=report, actor=boss)
    services.submission_accept(submission=report, actor=boss)
    fields = [f.name for f in Submission._meta.local_fields if f.name not in KEPT_FIGURES and not f.primary_key]
    fixture = tmp_path / "form01.json"
    fixture.write_text(serializers.serialize("json", [Submission.objects.get()], fields=fields))
    Submission.objects.filter(pk=report.pk).update(**dict.fromkeys(KEPT_FIGURES))  # as loaded into a fresh row
    call_command("loaddata", str(fixture), verbosity=0)
    assert kept(report) == (Decimal("12.5"), Decimal("1.25"), Decimal(10))
