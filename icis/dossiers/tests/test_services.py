"""The ladder: order, amendments, skips, the decision; deadlines and overdue steps; roles."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import StatusChange
from icis.documents.models import DocumentType
from icis.dossiers import ladder, selectors, services
from icis.dossiers.choices import StepState

from .conftest import STEP_DATES, climb, doc, record

pytestmark = pytest.mark.django_db
D = datetime.date


def codes(error: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def message(error: ValidationError) -> str:
    return " ".join(m for errors in error.message_dict.values() for m in errors)


def test_the_ladder_has_eleven_steps_and_decree_32_deadlines_as_data(db):
    assert [s.number for s in ladder.LADDER] == list(range(1, 12))
    rules = selectors.procedure_rules(selectors.procedure_on(D(2025, 1, 6)))
    assert rules[2].legs == (ladder.Leg(5, ladder.WORKING),) and rules[2].anchor == ladder.OPENED
    assert rules[3].legs == (ladder.Leg(15, ladder.CALENDAR), ladder.Leg(5, ladder.WORKING))
    assert rules[9].legs == (ladder.Leg(25, ladder.CALENDAR),) and rules[9].anchor == ladder.COMPLETE
    assert rules[10].legs == (ladder.Leg(7, ladder.WORKING),) and rules[10].anchor == 9
    assert sorted(rules) == [2, 3, 9, 10]
    assert rules[10].basis == "Nghị định 32/2024/NĐ-CP, Điều 10 khoản 4" and rules[10].version == "nd32-2024-dieu-10"
    assert ladder.step(2).document_type == DocumentType.NOTICE
    assert ladder.step(10).document_type == DocumentType.DECISION
    assert ladder.COMMUNE_STEPS == (2, 3)


def test_recording_the_next_step_moves_the_dossier_up(dossier, boss):
    climb(dossier, boss, 3)
    state = selectors.dossier_state(dossier, today=D(2025, 2, 11))
    assert state.current_step == 3 and state.next.number == 4
    assert [r.state for r in state.rungs[:4]] == [StepState.DONE] * 3 + [StepState.PENDING]
    assert state.current_record.date == STEP_DATES[3]


def test_the_step_date_defaults_to_the_documents_date_and_can_be_given(dossier, boss):
    first = record(dossier, 1, D(2018, 7, 10), boss)
    assert first.date == D(2018, 7, 10)
    notice = record(dossier, 2, D(2025, 1, 9), boss, on=D(2025, 1, 10))
    assert notice.date == D(2025, 1, 10)


def test_the_real_failure_step_5_after_the_council_was_set_up_is_refused(dossier, boss):
    """An officer drafted a step-5 letter for a cluster whose council was already set up (step 6)."""
    steps = climb(dossier, boss, 6)
    council = steps[5]
    letter = doc(DocumentType.OFFICIAL_LETTER, D(2025, 3, 10), cluster=dossier.cluster)
    with pytest.raises(ValidationError) as refused:
        services.dossier_step_record(dossier=dossier, step=5, document=letter, actor=boss)
    assert codes(refused.value) == {"step": ["step_behind"]}
    text = message(refused.value)
    assert "current step is 6" in text
    assert council.document.number in text and "03/03/2025" in text  # the current step's proof
    assert "next valid step is 7" in text
    assert str(DocumentType.DECISION.label) in text  # with its document type
    assert selectors.dossier_state(dossier).current_step == 6


def test_a_past_step_may_be_amended_when_the_record_names_what_it_amends(dossier, boss):
    steps = climb(dossier, boss, 6)
    corrected = doc(DocumentType.OFFICIAL_LETTER, D(2025, 3, 10), cluster=dossier.cluster)
    amendment = services.dossier_step_record(
        dossier=dossier, step=5, document=corrected, amends=steps[4], note="thay thế công văn", actor=boss
    )
    state = selectors.dossier_state(dossier)
    assert state.current_step == 6
    assert state.rungs[4].head == amendment and state.rungs[4].amendments == [amendment]
    # The replaced record cannot be amended again: its latest version can.
    with pytest.raises(ValidationError) as twice:
        services.dossier_step_record(dossier=dossier, step=5, document=corrected, amends=steps[4], actor=boss)
    assert codes(twice.value) == {"amends": ["already_amended"]}
    again = services.dossier_step_record(dossier=dossier, step=5, document=corrected, amends=amendment, actor=boss)
    assert selectors.head_records(dossier)[5] == again


def test_an_amendment_must_be_of_the_same_step_and_dossier(dossier, boss, cluster):
    steps = climb(dossier, boss, 3)
    with pytest.raises(ValidationError) as wrong:
        record(dossier, 2, D(2025, 1, 12), boss, amends=steps[2])
    assert codes(wrong.value) == {"amends": ["other_step"]}


def test_the_current_step_cannot_be_recorded_twice_without_amending(dossier, boss):
    climb(dossier, boss, 2)
    with pytest.raises(ValidationError) as refused:
        record(dossier, 2, D(2025, 1, 11), boss)
    assert codes(refused.value) == {"step": ["step_behind"]}


def test_jumping_ahead_needs_a_reason_and_shows_the_skipped_steps(dossier, boss):
    climb(dossier, boss, 2)
    with pytest.raises(ValidationError) as refused:
        record(dossier, 6, D(2025, 3, 3), boss)
    assert codes(refused.value) == {"skip_reason": ["skip_needs_reason"]}
    assert "3, 4, 5" in message(refused.value)
    record(dossier, 6, D(2025, 3, 3), boss, skip_reason="hồ sơ cũ chưa số hoá")
    state = selectors.dossier_state(dossier)
    assert state.current_step == 6
    assert [r.state for r in state.rungs[2:5]] == [StepState.SKIPPED] * 3
    assert state.rungs[3].skip_reason == "hồ sơ cũ chưa số hoá"


def test_the_document_must_be_of_the_steps_type(dossier, boss):
    climb(dossier, boss, 1)
    with pytest.raises(ValidationError) as refused:
        record(dossier, 2, D(2025, 1, 10), boss, doc_type=DocumentType.DECISION)
    assert codes(refused.value) == {"document": ["wrong_document_type"]}
    record(dossier, 2, D(2025, 1, 10), boss)


def test_a_document_of_another_cluster_is_refused_general_ones_are_not(dossier, boss, hanoi):
    from icis.testing.factories import make_cluster

    other = make_cluster(name="Cụm khác")
    foreign = doc(DocumentType.DECISION, D(2018, 7, 10), cluster=other)
    with pytest.raises(ValidationError) as refused:
        services.dossier_step_record(dossier=dossier, step=1, document=foreign, actor=boss)
    assert codes(refused.value) == {"document": ["document_other_cluster"]}
    plan = doc(DocumentType.DECISION, D(2018, 7, 10), number="1292/QĐ-UBND")
    services.dossier_step_record(dossier=dossier, step=1, document=plan, actor=boss)
    assert not plan.clusters.exists()  # a general document stays general (visible to everyone)


def test_a_document_entered_with_the_step_is_created_and_linked_to_the_cluster(dossier, boss):
    climb(dossier, boss, 1)
    step = services.dossier_step_record(
        dossier=dossier,
        step=2,
        new_document={"doc_type": "notice", "number": "12/TB-UBND", "issued_on": D(2025, 1, 10), "issuer": "UBND xã"},
        actor=boss,
    )
    assert step.document.number == "12/TB-UBND" and list(step.document.clusters.all()) == [dossier.cluster]


def test_steps_are_dated_in_order_and_not_in_the_future(dossier, boss):
    climb(dossier, boss, 3)
    with pytest.raises(ValidationError) as early:
        record(dossier, 4, D(2025, 2, 1), boss)
    assert codes(early.value) == {"date": ["date_before_previous"]}
    with pytest.raises(ValidationError) as future:
        record(dossier, 4, datetime.date.today() + datetime.timedelta(days=3), boss)
    assert codes(future.value) == {"date": ["future_date"]}


def test_step_10_establishes_the_cluster_with_the_decisions_date(dossier, boss):
    steps = climb(dossier, boss, 10)
    decision = steps[9]
    dossier.cluster.refresh_from_db()
    dossier.refresh_from_db()
    assert dossier.cluster.status == ClusterStatus.ESTABLISHED
    assert dossier.cluster.status_since == STEP_DATES[10]
    assert dossier.cluster.establishment_decision == decision.document
    change = StatusChange.objects.filter(cluster=dossier.cluster).first()
    assert change.to_status == ClusterStatus.ESTABLISHED and change.document == decision.document
    assert dossier.outcome == "established" and dossier.closed_on == STEP_DATES[10]
    (ended,) = dossier.status_changes.all()
    assert (ended.from_status, ended.to_status, ended.effective_on) == ("", "established", STEP_DATES[10])
    assert ended.document == decision.document and ended.actor == boss
    # Step 11 still follows; nothing before it can be recorded except as an amendment.
    record(dossier, 11, STEP_DATES[11], boss)
    assert selectors.dossier_state(dossier).next is None


def test_step_10_is_all_or_nothing_when_the_cluster_cannot_be_established(dossier, boss):
    climb(dossier, boss, 9)
    cluster_services.cluster_transition(
        cluster=dossier.cluster, to_status=ClusterStatus.REMOVED, effective_on=D(2025, 3, 30), reason="x", actor=boss
    )
    with pytest.raises(ValidationError) as refused:
        record(dossier, 10, STEP_DATES[10], boss)
    assert codes(refused.value) == {"step": ["cluster_not_planned"]}
    assert selectors.dossier_state(dossier).current_step == 9


def test_step_10_of_an_expansion_dossier_decides_the_expansion(cluster, boss):
    cluster_services.cluster_transition(
        cluster=cluster, to_status=ClusterStatus.ESTABLISHED, effective_on=D(2020, 1, 1), reason="QĐ", actor=boss
    )
    expansion = cluster_services.expansion_create(cluster=cluster, data={"added_area_ha": Decimal("5")}, actor=boss)
    dossier = services.dossier_open(
        cluster=cluster, kind="expand", expansion=expansion, opened_on=D(2025, 1, 6), actor=boss
    )
    climb(dossier, boss, 10)
    expansion.refresh_from_db()
    cluster.refresh_from_db()
    assert expansion.status == ClusterStatus.ESTABLISHED and expansion.status_since == STEP_DATES[10]
    assert cluster.status == ClusterStatus.ESTABLISHED and cluster.status_since == D(2020, 1, 1)


def test_opening_rules(cluster, boss):
    with pytest.raises(ValidationError) as future:
        services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2099, 1, 1), actor=boss)
    assert codes(future.value) == {"opened_on": ["future_date"]}
    services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 1, 6), actor=boss)
    with pytest.raises(ValidationError) as twice:
        services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 2, 6), actor=boss)
    assert codes(twice.value) == {"kind": ["duplicate"]}
    with pytest.raises(ValidationError) as no_expansion:
        services.dossier_open(cluster=cluster, kind="expand", opened_on=D(2025, 2, 6), actor=boss)
    assert codes(no_expansion.value) == {"expansion": ["required"]}


def test_a_withdrawn_dossier_takes_no_more_steps_and_frees_the_cluster(dossier, boss):
    climb(dossier, boss, 2)
    services.dossier_close(dossier=dossier, outcome="withdrawn", on=D(2025, 1, 20), actor=boss)
    with pytest.raises(ValidationError) as closed:
        record(dossier, 3, STEP_DATES[3], boss)
    assert codes(closed.value) == {"step": ["closed"]}
    dossier.refresh_from_db()
    assert selectors.dossier_state(dossier, today=D(2025, 6, 1)).overdue == []
    services.dossier_open(cluster=dossier.cluster, kind="establish", opened_on=D(2025, 2, 6), actor=boss)


# Deadlines ----------------------------------------------------------------------------------------------


def test_the_notice_is_due_five_working_days_after_the_first_letter_across_tet(cluster, boss):
    dossier = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 1, 20), actor=boss)
    record(dossier, 1, STEP_DATES[1], boss)
    on_time = selectors.dossier_state(dossier, today=D(2025, 2, 3))
    notice = on_time.rungs[1]
    assert notice.due == D(2025, 2, 3) and notice.state == StepState.DUE
    assert "20/01/2025" in notice.rule_text
    late = selectors.dossier_state(dossier, today=D(2025, 2, 4))
    assert late.rungs[1].state == StepState.OVERDUE and late.rungs[1].overdue_days == 1
    assert late.is_overdue and late.overdue == [late.rungs[1]]


def test_deadlines_of_steps_3_9_and_10(dossier, boss):
    climb(dossier, boss, 3)
    state = selectors.dossier_state(dossier, today=D(2025, 2, 11))
    assert state.rungs[2].due == D(2025, 2, 10) and state.rungs[2].late_days == 0
    assert "03/02/2025" in state.rungs[2].rule_text  # the end of the receiving window
    assert state.rungs[8].due == D(2025, 3, 7)  # 25 calendar days from step 3
    assert state.rungs[9].due is None  # counted from step 9, not recorded yet
    assert state.rungs[8].state == StepState.DUE
    assert selectors.dossier_state(dossier, today=D(2025, 3, 8)).rungs[8].state == StepState.OVERDUE
    # DoIT asked for more documents: the 25 days run from the day the dossier was complete.
    services.dossier_update(dossier=dossier, complete_on=D(2025, 3, 10), actor=boss)
    dossier.refresh_from_db()
    assert selectors.dossier_state(dossier, today=D(2025, 3, 8)).rungs[8].due == D(2025, 4, 4)
    climb_from = {n: STEP_DATES[n] for n in range(4, 10)}
    climb_from[9] = D(2025, 4, 24)
    for n, on in climb_from.items():
        record(dossier, n, on, boss)
    state = selectors.dossier_state(dossier, today=D(2025, 5, 8))
    assert state.rungs[8].late_days == 20  # due 4/4, done 24/4
    assert state.rungs[9].due == D(2025, 5, 7)  # 7 working days, over a working Saturday and a swapped Friday
    assert state.rungs[9].state == StepState.OVERDUE


def test_the_complete_dossier_date_needs_step_3_and_cannot_precede_it(dossier, boss):
    with pytest.raises(ValidationError) as early:
        services.dossier_update(dossier=dossier, complete_on=D(2025, 2, 1), actor=boss)
    assert codes(early.value) == {"complete_on": ["step_3_missing"]}
    climb(dossier, boss, 3)
    with pytest.raises(ValidationError) as before:
        services.dossier_update(dossier=dossier, complete_on=D(2025, 2, 1), actor=boss)
    assert codes(before.value) == {"complete_on": ["before_submission"]}


def test_an_unconfirmed_holiday_in_a_deadline_is_a_caveat(cluster, boss):
    dossier = services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 8, 27), actor=boss)
    notice = selectors.dossier_state(dossier, today=D(2025, 8, 28)).rungs[1]
    # 2/9 is a holiday for any year (generated); 1/9 is recorded but unconfirmed, so counted as worked.
    assert notice.due == D(2025, 9, 4) and any("01/09/2025" in c for c in notice.caveats)


# Roles ----------------------------------------------------------------------------------------------------


def test_a_commune_official_records_the_communes_steps_only(dossier, boss, commune_official):
    record(dossier, 1, STEP_DATES[1], boss)
    record(dossier, 2, STEP_DATES[2], commune_official)
    record(dossier, 3, STEP_DATES[3], commune_official)
    with pytest.raises(PermissionDenied) as refused:
        record(dossier, 4, STEP_DATES[4], commune_official)
    assert "2, 3" in str(refused.value) and "4" in str(refused.value)


def test_a_commune_official_of_another_commune_records_nothing(dossier, boss, other_commune_official):
    record(dossier, 1, STEP_DATES[1], boss)
    with pytest.raises(PermissionDenied):
        record(dossier, 2, STEP_DATES[2], other_commune_official)


def test_read_only_roles_record_nothing(dossier, boss, db):
    from icis.accounts import roles
    from icis.testing.factories import person

    leader = person("leader", roles.CITY_LEADER)
    with pytest.raises(PermissionDenied):
        record(dossier, 1, STEP_DATES[1], leader)
    with pytest.raises(PermissionDenied):
        services.dossier_open(cluster=dossier.cluster, kind="establish", opened_on=D(2025, 1, 6), actor=leader)


def test_recording_the_decision_needs_the_right_to_change_the_clusters_status(dossier, officer):
    climb(dossier, officer, 10)
    dossier.cluster.refresh_from_db()
    assert dossier.cluster.status == ClusterStatus.ESTABLISHED


def test_every_step_keeps_its_history(dossier, boss):
    steps = climb(dossier, boss, 2)
    assert steps[1].history.first().history_user == boss
    dossier.refresh_from_db()
    assert dossier.version == 3


# Closing: the one lifecycle ----------------------------------------------------------------------------


def test_closing_writes_one_typed_row_and_an_ended_dossier_is_final(dossier, boss):
    services.dossier_close(dossier=dossier, outcome="refused", on=D(2025, 1, 20), actor=boss, note="  no land  ")
    dossier.refresh_from_db()
    assert dossier.outcome == "refused" and dossier.closed_on == D(2025, 1, 20) and "no land" in dossier.note
    (row,) = dossier.status_changes.all()
    assert (row.from_status, row.to_status, row.effective_on, row.reason, row.actor) == (
        "",
        "refused",
        D(2025, 1, 20),
        "no land",
        boss,
    )
    version = dossier.version
    with pytest.raises(ValidationError) as again:
        services.dossier_close(dossier=dossier, outcome="withdrawn", on=D(2025, 1, 21), actor=boss)
    assert codes(again.value) == {"outcome": ["transition_not_allowed"]}
    assert message(again.value) == "Cannot go from “Refused” to “Withdrawn”; allowed: none, “Refused” is final."
    dossier.refresh_from_db()
    assert dossier.version == version and dossier.status_changes.count() == 1


def test_closing_dates_follow_the_lifecycle_rules_and_write_nothing(dossier, boss):
    with pytest.raises(ValidationError) as early:
        services.dossier_close(dossier=dossier, outcome="withdrawn", on=D(2025, 1, 1), actor=boss)
    assert codes(early.value) == {"date": ["date_before_current"]}
    assert message(early.value) == "The date 01/01/2025 is before the current status began (06/01/2025)."
    with pytest.raises(ValidationError) as future:
        services.dossier_close(dossier=dossier, outcome="withdrawn", on=D(2099, 1, 1), actor=boss)
    assert codes(future.value) == {"date": ["future_date"]}
    with pytest.raises(ValidationError) as decided:
        services.dossier_close(dossier=dossier, outcome="established", on=D(2025, 1, 20), actor=boss)
    assert codes(decided.value) == {"outcome": ["invalid"]}
    dossier.refresh_from_db()
    assert dossier.is_open and not dossier.status_changes.exists()


def test_the_migration_gives_dossiers_already_ended_their_row(dossier, boss, cluster):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("icis.dossiers.migrations.0007_dossier_status_history")
    steps = climb(dossier, boss, 10)
    dossier.status_changes.all().delete()
    migration.record_closed_dossiers(apps, None)
    (row,) = dossier.status_changes.all()
    assert (row.from_status, row.to_status, row.effective_on) == ("", "established", STEP_DATES[10])
    assert row.document == steps[9].document and row.interface == "command"
