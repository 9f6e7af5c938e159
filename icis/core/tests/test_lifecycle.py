"""The one transition function (icis.core.lifecycle), on a made-up machine: no domain app needed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation

from icis.core import lifecycle
from icis.core.concurrency import StaleVersion


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"
    OFF = "off", "Off"


MACHINE = lifecycle.Machine("light", Light, {Light.RED: (Light.GREEN, Light.OFF), Light.GREEN: (Light.RED,)})
TODAY = timezone.localdate()


class Thing:
    """Stands in for a model instance: what `transition` reads and writes."""

    def __init__(self, status="red", since=None, version=1):
        self.status, self.status_since, self.version = status, since, version
        self.saved = 0
        self.history = None

    def save(self):
        self.saved += 1


def move(thing, to, *, day=TODAY, reason="because", **kwargs):
    return lifecycle.transition(thing, MACHINE, to, actor=None, effective_on=day, reason=reason, **kwargs)


def codes(error: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_an_allowed_move_sets_status_date_and_version_and_saves_once():
    thing = Thing(since=TODAY - datetime.timedelta(days=3))
    move(thing, "green", day=TODAY - datetime.timedelta(days=1))
    assert (thing.status, thing.status_since, thing.version, thing.saved) == (
        "green",
        TODAY - datetime.timedelta(days=1),
        2,
        1,
    )
    assert thing._change_reason == "because"


@pytest.mark.parametrize(
    ("status", "to", "code"),
    [("red", "blue", "invalid"), ("green", "off", "transition_not_allowed"), ("off", "red", "transition_not_allowed")],
)
def test_a_refused_move_changes_nothing(status, to, code):
    thing = Thing(status=status)
    with pytest.raises(ValidationError) as caught:
        move(thing, to)
    assert codes(caught.value) == {"to": [code]}
    assert (thing.status, thing.version, thing.saved) == (status, 1, 0)


def test_the_refusal_names_both_states_and_what_is_allowed():
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            move(Thing(status="green"), "off")
        assert caught.value.message_dict["to"] == ["Cannot go from “Green” to “Off”; allowed: “Red” (red)."]
        with pytest.raises(ValidationError) as caught:
            move(Thing(status="off"), "red")
        assert caught.value.message_dict["to"] == ["Cannot go from “Off” to “Red”; allowed: none, “Off” is final."]


def test_date_rules_future_before_the_current_status_and_required():
    since = datetime.date(2020, 5, 1)
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            move(Thing(since=since), "green", day=TODAY + datetime.timedelta(days=1))
        assert codes(caught.value) == {"date": ["future_date"]}
        assert "is in the future" in caught.value.message_dict["date"][0]
        with pytest.raises(ValidationError) as caught:
            move(Thing(since=since), "green", day=datetime.date(2020, 4, 30))
        assert caught.value.message_dict["date"] == [
            "The date 30/04/2020 is before the current status began (01/05/2020)."
        ]
        with pytest.raises(ValidationError) as caught:
            move(Thing(), "green", day=None)
        assert codes(caught.value) == {"date": ["required"]}
    # The same day as the current status is allowed; an unknown start allows any past date.
    move(Thing(since=since), "green", day=since)
    move(Thing(since=None), "green", day=datetime.date(1999, 1, 1))


def test_reason_required_unless_the_machine_says_otherwise():
    with pytest.raises(ValidationError) as caught:
        move(Thing(), "green", reason="  ")
    assert codes(caught.value) == {"reason": ["required"]}
    optional = lifecycle.Machine("light", Light, MACHINE.moves, reason_required=False, reason_required_to=("off",))
    thing = Thing()
    lifecycle.transition(thing, optional, "green", actor=None, effective_on=TODAY)
    assert thing.status == "green"
    with pytest.raises(ValidationError):
        lifecycle.transition(Thing(), optional, "off", actor=None, effective_on=TODAY)


def test_a_stale_version_is_refused_before_anything_else():
    thing = Thing(version=3)
    with pytest.raises(StaleVersion):
        move(thing, "blue", expected_version=2)
    move(thing, "green", expected_version=3)
    assert thing.version == 4


def test_extra_attributes_and_a_custom_save():
    thing = Thing()
    calls = []
    move(thing, "off", extra={"ended_on": TODAY}, save=lambda obj, actor: calls.append(obj))
    assert thing.ended_on == TODAY and calls == [thing] and thing.saved == 0


def test_register_allows_an_unknown_date_but_not_a_future_one_or_an_unknown_state():
    with pytest.raises(ValidationError) as caught:
        lifecycle.register(MACHINE, "blue", actor=None, effective_on=None, row_model=None, row_fields={})
    assert codes(caught.value) == {"status": ["invalid"]}
    with pytest.raises(ValidationError) as caught:
        lifecycle.register(
            MACHINE, "red", actor=None, effective_on=TODAY + datetime.timedelta(days=1), row_model=None, row_fields={}
        )
    assert codes(caught.value) == {"status_date": ["future_date"]}


def test_choices_offer_only_the_moves_open_now():
    assert MACHINE.choices("red") == [("green", "Green"), ("off", "Off")]
    assert MACHINE.choices("off") == []


def test_every_refusal_has_a_vietnamese_translation():
    for msgid in lifecycle.REFUSALS.values():
        with translation.override("vi"):
            assert translation.gettext(msgid) != msgid, msgid


@pytest.mark.django_db
def test_every_status_change_model_lists_undated_steps_last_by_default():
    # The default order is what an unsorted read (a related manager, first(), last(), an admin inline)
    # gets; a plain "-effective_on" puts NULLs first on PostgreSQL and last on SQLite
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, lifecycle.StatusChangeBase) and model._meta.get_field("effective_on").null:
            assert list(model._meta.ordering) == list(lifecycle.NEWEST_FIRST), model._meta.label
