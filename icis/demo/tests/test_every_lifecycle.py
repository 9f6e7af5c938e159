"""Every status machine of ICIS refuses a move with the one wording of icis.core.lifecycle, in
Vietnamese and in English (this module may import every app; core may not)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from icis.clusters.choices import LIFECYCLE as CLUSTER
from icis.construction.choices import OBSTACLE_LIFECYCLE, REPORT_LIFECYCLE
from icis.core import lifecycle
from icis.core.jobs import JOB_LIFECYCLE
from icis.dossiers.choices import DOSSIER_LIFECYCLE
from icis.environment.choices import PLANT_LIFECYCLE, VIOLATION_LIFECYCLE
from icis.inspections import choices as inspections
from icis.planning.choices import AMENDMENT_LIFECYCLE
from icis.tenancy.choices import PROJECT_LIFECYCLE, SUBMISSION_LIFECYCLE
from icis.tenancy.models import IMPORT_LIFECYCLE

# (machine, current state, a refused move)
REFUSED = [
    (CLUSTER, "planned", "operating"),
    (CLUSTER, "removed", "planned"),
    (PLANT_LIFECYCLE, "planned", "operating"),
    (VIOLATION_LIFECYCLE, "closed", "open"),
    (AMENDMENT_LIFECYCLE, "drafted", "approved"),
    (PROJECT_LIFECYCLE, "left", "operating"),
    (PROJECT_LIFECYCLE, "operating", "registered"),
    (SUBMISSION_LIFECYCLE, "accepted", "returned"),
    (REPORT_LIFECYCLE, "returned", "accepted"),
    (OBSTACLE_LIFECYCLE, "resolved", "escalated"),
    (DOSSIER_LIFECYCLE, "withdrawn", "refused"),
    (DOSSIER_LIFECYCLE, "established", "withdrawn"),
    (VIOLATION_LIFECYCLE, "open", "open"),
    (IMPORT_LIFECYCLE, "imported", "checking"),
    (IMPORT_LIFECYCLE, "checking", "importing"),
    (JOB_LIFECYCLE, "succeeded", "queued"),
    (JOB_LIFECYCLE, "queued", "succeeded"),
    (inspections.PLAN_LIFECYCLE, "approved", "returned"),
    (inspections.INSPECTION_LIFECYCLE, "done", "planned"),
    (inspections.VIOLATION_LIFECYCLE, "remedied", "open"),
]


def expected(machine, current, to):
    """The one wording, built from the shared templates in the active language."""
    nexts = machine.allowed(current)
    quoted = f"“{machine.label(current)}”"
    if nexts:
        allowed = ", ".join(f"“{machine.label(s)}” ({s})" for s in nexts)
    else:
        allowed = translation.gettext(lifecycle.REFUSALS["final"]) % {"from": quoted}
    return translation.gettext(lifecycle.REFUSALS["transition_not_allowed"]) % {
        "from": quoted,
        "to": f"“{machine.label(to)}”",
        "allowed": allowed,
    }


@pytest.mark.parametrize(("machine", "current", "to"), REFUSED, ids=lambda v: getattr(v, "name", v))
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_refused_move_has_the_one_wording(machine, current, to, language):
    with translation.override(language):
        with pytest.raises(ValidationError) as caught:
            machine.check_move(current, to)
        (field, errors), *_ = caught.value.error_dict.items()
        assert field == machine.to_field
        assert errors[0].code == "transition_not_allowed"
        assert errors[0].message == expected(machine, current, to)
        if language == "en":
            assert errors[0].message.startswith(f"Cannot go from “{machine.label(current)}” to “{machine.label(to)}”")
        else:
            # The state names are the Vietnamese ones (the catalogue's, as on every page).
            assert machine.label(current) in errors[0].message


@pytest.mark.parametrize("machine", list({m.name: m for m, _c, _t in REFUSED}.values()), ids=lambda m: m.name)
def test_every_move_in_the_map_is_between_known_states(machine):
    for current, nexts in machine.moves.items():
        assert current in machine.states.values
        assert set(nexts) <= set(machine.states.values)
