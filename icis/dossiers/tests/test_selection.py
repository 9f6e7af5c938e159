"""Investor selection (Decree 32 Art 13.2): score ranges, the qualifying total, ranking, ties, schemes as data."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from icis.accounts.models import Organisation
from icis.dossiers import selectors, services
from icis.dossiers.choices import SelectionOutcome
from icis.dossiers.models import Applicant, ScoringScheme

pytestmark = pytest.mark.django_db
D = datetime.date


def org(name):
    return Organisation.objects.create(name=name, kind="investor")


def scores(infrastructure, environment, capacity, financial):
    return {
        "infrastructure_score": infrastructure,
        "environment_score": environment,
        "capacity_score": capacity,
        "financial_score": financial,
    }


def apply(dossier, name, values, actor):
    return services.applicant_add(dossier=dossier, organisation=org(name), scores=scores(*values), actor=actor)


def test_the_decree_32_scheme_is_loaded_as_data(db):
    scheme = selectors.scheme_in_force(D(2025, 1, 1))
    assert (scheme.infrastructure_max, scheme.environment_max, scheme.capacity_max, scheme.financial_max) == (
        15,
        15,
        30,
        40,
    )
    assert scheme.pass_mark == 50 and scheme.total_max == 100
    assert selectors.scheme_in_force(D(2024, 4, 30)) is None  # before Decree 32 took effect


@pytest.mark.parametrize(
    ("field", "maximum"),
    [("infrastructure_score", 15), ("environment_score", 15), ("capacity_score", 30), ("financial_score", 40)],
)
def test_each_score_is_within_its_range(dossier, boss, field, maximum):
    applicant = services.applicant_add(dossier=dossier, organisation=org("A"), actor=boss)
    services.applicant_score(applicant=applicant, scores={field: maximum}, actor=boss)
    for wrong, code in ((Decimal(maximum) + Decimal("0.01"), "out_of_range"), (Decimal("-1"), "min_value")):
        with pytest.raises(ValidationError) as refused:
            services.applicant_score(applicant=applicant, scores={field: wrong}, actor=boss)
        assert [e.code for e in refused.value.error_dict[field]] == [code]
    applicant.refresh_from_db()
    assert getattr(applicant, field) == maximum


@pytest.mark.parametrize("field", ["infrastructure", "environment", "capacity", "financial"])
def test_the_database_refuses_a_score_over_the_rows_maximum(dossier, boss, field):
    applicant = services.applicant_add(dossier=dossier, organisation=org("A"), actor=boss)
    setattr(applicant, f"{field}_score", getattr(applicant, f"{field}_max") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        applicant.save()


@pytest.mark.parametrize(
    ("values", "qualifies"),
    [((15, 15, 10, 10), True), ((15, 15, 10, Decimal("9.99")), False), ((15, 15, 10, 9), False)],
    ids=["50", "49.99", "49"],
)
def test_fifty_qualifies_and_less_does_not(dossier, boss, values, qualifies):
    applicant = apply(dossier, "A", values, boss)
    assert applicant.qualifies is qualifies
    result = selectors.selection_result(dossier)
    assert result["outcome"] == (SelectionOutcome.WINNER if qualifies else SelectionOutcome.NO_QUALIFIED)


def test_the_highest_qualifying_total_wins(dossier, boss):
    apply(dossier, "A", (10, 10, 20, 30), boss)  # 70
    b = apply(dossier, "B", (12, 12, 25, 30), boss)  # 79
    apply(dossier, "C", (5, 5, 10, 10), boss)  # 30: below the mark
    result = selectors.selection_result(dossier)
    assert result["outcome"] == SelectionOutcome.WINNER and result["winner"] == b
    assert [(a.organisation.name, a.rank) for a in result["ranking"]] == [("B", 1), ("A", 2), ("C", 3)]
    assert "B" in result["message"] and "79" in result["message"]


def test_a_tie_at_the_top_goes_to_the_council_chair(dossier, boss):
    a = apply(dossier, "A", (10, 10, 20, 30), boss)  # 70
    b = apply(dossier, "B", (15, 15, 10, 30), boss)  # 70
    apply(dossier, "C", (10, 10, 10, 30), boss)  # 60
    result = selectors.selection_result(dossier)
    assert result["outcome"] == SelectionOutcome.TIE and result["winner"] is None
    assert set(result["tied"]) == {a, b} and "A" in result["message"] and "B" in result["message"]
    assert [x.rank for x in result["ranking"]] == [1, 1, 3]
    with pytest.raises(ValidationError) as not_tied:
        services.dossier_chair_decide(
            dossier=dossier, applicant=Applicant.objects.get(organisation__name="C"), note="x", actor=boss
        )
    assert not_tied.value.error_dict["applicant"][0].code == "not_tied"
    with pytest.raises(ValidationError):
        services.dossier_chair_decide(dossier=dossier, applicant=b, note="  ", actor=boss)
    services.dossier_chair_decide(dossier=dossier, applicant=b, note="Biên bản họp Hội đồng", actor=boss)
    dossier.refresh_from_db()
    decided = selectors.selection_result(dossier)
    assert decided["outcome"] == SelectionOutcome.WINNER and decided["winner"] == b and decided["decided_by_chair"]


def test_the_chairs_choice_no_longer_applies_once_the_tie_is_gone(dossier, boss):
    a = apply(dossier, "A", (10, 10, 20, 30), boss)
    b = apply(dossier, "B", (15, 15, 10, 30), boss)
    services.dossier_chair_decide(dossier=dossier, applicant=b, note="chọn B", actor=boss)
    services.applicant_score(applicant=a, scores={"financial_score": 31}, actor=boss)
    dossier.refresh_from_db()
    result = selectors.selection_result(dossier)
    assert result["winner"].pk == a.pk and not result["decided_by_chair"]


def test_the_chair_decides_only_ties(dossier, boss):
    a = apply(dossier, "A", (10, 10, 20, 30), boss)
    with pytest.raises(ValidationError) as refused:
        services.dossier_chair_decide(dossier=dossier, applicant=a, note="x", actor=boss)
    assert refused.value.error_dict["applicant"][0].code == "no_tie"


def test_no_qualified_applicant(dossier, boss):
    apply(dossier, "A", (5, 5, 10, 10), boss)
    apply(dossier, "B", (15, 15, 10, Decimal("9.5")), boss)
    result = selectors.selection_result(dossier)
    assert result["outcome"] == SelectionOutcome.NO_QUALIFIED and result["winner"] is None
    assert "49.5" in result["message"]


def test_no_result_until_everyone_is_scored(dossier, boss):
    assert selectors.selection_result(dossier)["outcome"] == SelectionOutcome.NO_APPLICANTS
    apply(dossier, "A", (10, 10, 20, 30), boss)
    services.applicant_add(dossier=dossier, organisation=org("B"), actor=boss)
    result = selectors.selection_result(dossier)
    assert result["outcome"] == SelectionOutcome.INCOMPLETE and "B" in result["message"]


def test_an_organisation_applies_once_per_dossier(dossier, boss):
    company = org("A")
    services.applicant_add(dossier=dossier, organisation=company, actor=boss)
    with pytest.raises(ValidationError) as twice:
        services.applicant_add(dossier=dossier, organisation=company, actor=boss)
    assert twice.value.error_dict["organisation"][0].code == "duplicate"


def test_a_new_scheme_applies_to_dossiers_opened_after_it_takes_effect(cluster, boss):
    decree_32 = ScoringScheme.objects.get()
    decree_32.effective_to = D(2025, 6, 1)
    decree_32.save()
    ScoringScheme.objects.create(
        name="Nghị định mới (giả định)",
        legal_basis="test",
        effective_from=D(2025, 6, 1),
        infrastructure_max=20,
        environment_max=20,
        capacity_max=30,
        financial_max=30,
        pass_mark=60,
    )
    old = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 5, 30), actor=boss)
    a = apply(old, "A", (15, 15, 10, 10), boss)
    assert a.scheme == decree_32 and a.qualifies
    services.dossier_close(dossier=old, outcome="withdrawn", on=D(2025, 6, 2), actor=boss)
    new = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 6, 2), actor=boss)
    b = apply(new, "B", (20, 20, 10, 9), boss)
    assert b.infrastructure_max == 20 and not b.qualifies  # 59 < 60 under the new scheme


def test_no_scheme_in_force_is_said(cluster, boss):
    ScoringScheme.objects.all().delete()
    dossier = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 1, 6), actor=boss)
    with pytest.raises(ValidationError) as refused:
        services.applicant_add(dossier=dossier, organisation=org("A"), actor=boss)
    assert refused.value.error_dict["organisation"][0].code == "no_scheme"


def test_only_doit_records_scores(dossier, commune_official):
    with pytest.raises(PermissionDenied):
        services.applicant_add(dossier=dossier, organisation=org("A"), actor=commune_official)
