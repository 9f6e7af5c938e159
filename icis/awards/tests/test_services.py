"""Nominations: the lifecycle, who decides what, and one award per achievement."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from icis.accounts import roles
from icis.awards import services
from icis.awards.choices import NominationStatus
from icis.awards.models import Nomination
from icis.geo.models import Commune
from icis.testing.factories import make_cluster, person

from .factories import awarded, collective, decision, individual, move, title

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cluster(hanoi):
    return make_cluster(name="Cụm Thử Khen", communes=[Commune.objects.get(code="10273")])


def _code(error: ValidationError, field: str) -> str:
    return error.value.error_dict[field][0].code


def test_a_nomination_starts_as_a_draft_with_its_first_row(cluster, boss):
    nomination = collective(cluster, actor=boss)
    assert nomination.status == NominationStatus.DRAFTED
    assert [(r.from_status, r.to_status) for r in nomination.status_changes.all()] == [("", "drafted")]
    assert list(nomination.achievement.clusters.all()) == [cluster]


def test_the_doit_director_awards_a_title_they_may_with_its_decision(cluster, boss):
    nomination = awarded(collective(cluster, actor=boss), actor=boss)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED
    assert nomination.awarded_on == D(2026, 1, 15)
    assert nomination.decision is not None
    rows = list(nomination.status_changes.order_by("id").values_list("to_status", "document_id"))
    assert rows == [("drafted", None), ("submitted", None), ("awarded", nomination.decision_id)]


def test_an_award_needs_its_deciding_document(cluster, boss):
    nomination = move(collective(cluster, actor=boss), "submitted", actor=boss)
    with pytest.raises(ValidationError) as error:
        move(nomination, "awarded", actor=boss)
    assert _code(error, "decision") == "required"
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.SUBMITTED


def test_a_higher_title_goes_upward_before_it_is_awarded(cluster, boss):
    nomination = move(collective(cluster, actor=boss, code="co-thi-dua"), "submitted", actor=boss)
    with pytest.raises(ValidationError) as error:
        move(nomination, "awarded", actor=boss, decision=decision())
    assert _code(error, "to") == "needs_higher_authority"
    nomination = move(nomination, "proposed", actor=boss, on=D(2026, 1, 20))
    nomination = move(nomination, "awarded", actor=boss, decision=decision(on=D(2026, 3, 1)), on=D(2026, 3, 1))
    assert nomination.status == NominationStatus.AWARDED


def test_what_the_doit_director_decides_is_not_proposed_upward(cluster, boss):
    nomination = move(collective(cluster, actor=boss), "submitted", actor=boss)
    with pytest.raises(ValidationError) as error:
        move(nomination, "proposed", actor=boss)
    assert _code(error, "to") == "doit_decides"


def test_a_refusal_says_why_and_is_final(cluster, boss):
    nomination = move(individual(cluster, actor=boss), "submitted", actor=boss)
    with pytest.raises(ValidationError) as error:
        move(nomination, "refused", actor=boss)
    assert _code(error, "reason") == "required"
    nomination = move(nomination, "refused", actor=boss, reason="Chưa đủ thành tích")
    with pytest.raises(ValidationError) as error:
        move(nomination, "submitted", actor=boss)
    assert _code(error, "to") == "transition_not_allowed"


def test_a_draft_cannot_be_awarded_directly(cluster, boss):
    with pytest.raises(ValidationError) as error:
        move(collective(cluster, actor=boss), "awarded", actor=boss, decision=decision())
    assert _code(error, "to") == "transition_not_allowed"


def test_a_second_award_for_the_same_achievement_is_refused_naming_the_first(cluster, boss):
    first = awarded(collective(cluster, actor=boss), actor=boss)
    # Nominating the awarded achievement again is refused at once.
    with pytest.raises(ValidationError) as error:
        services.nomination_create(title=title("giay-khen"), year=2025, achievement=first.achievement, actor=boss)
    assert _code(error, "achievement") == "already_awarded"
    assert "Tập thể lao động tiên tiến" in str(error.value)
    assert first.decision.number in str(error.value)


def test_of_two_pending_nominations_of_one_achievement_only_the_first_is_awarded(cluster, boss):
    first = collective(cluster, actor=boss)
    second = services.nomination_create(title=title("giay-khen"), year=2025, achievement=first.achievement, actor=boss)
    second = move(second, "submitted", actor=boss)
    awarded(first, actor=boss)
    with pytest.raises(ValidationError) as error:
        move(second, "awarded", actor=boss, decision=decision())
    assert _code(error, "to") == "already_awarded"
    assert Nomination.objects.get(pk=second.pk).status == NominationStatus.SUBMITTED


def test_the_database_refuses_a_second_award_too(cluster, boss):
    first = collective(cluster, actor=boss)
    second = services.nomination_create(title=title("giay-khen"), year=2025, achievement=first.achievement, actor=boss)
    first = awarded(first, actor=boss)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=second.pk).update(status=NominationStatus.AWARDED, decision=first.decision)


def test_a_title_for_individuals_is_not_given_to_a_collective(cluster, boss):
    with pytest.raises(ValidationError) as error:
        collective(cluster, actor=boss, code="lao-dong-tien-tien")
    assert _code(error, "title") == "wrong_recipient"


def test_an_individual_needs_a_name(cluster, boss):
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            title=title("lao-dong-tien-tien"),
            year=2025,
            achievement_data={
                "province": cluster.province,
                "recipient_kind": "individual",
                "unit": "Phòng",
                "description": "x",
                "period_start": D(2025, 1, 1),
                "period_end": D(2025, 12, 31),
            },
            actor=boss,
        )
    assert _code(error, "person_name") == "required"


def test_a_commune_official_submits_but_does_not_decide(cluster, boss):
    official = person("khen-xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    nomination = collective(cluster, actor=boss)
    with pytest.raises(PermissionDenied):
        move(nomination, "awarded", actor=official, decision=decision())
    move(nomination, "submitted", actor=official)
