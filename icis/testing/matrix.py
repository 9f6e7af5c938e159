"""The permission matrix: every role × every endpoint and page × an object in and out of its scope.

One harness, fed by each app's `tests/test_permission_matrix.py` with its endpoints. The expected
status is derived from the role definitions (their permissions and whether they are city-wide), not
written by hand, so a new role or endpoint is covered by adding it to a list:

    ENDPOINTS = [matrix.Endpoint("api detail", "get", "/api/clusters/{id}/"), ...]

    @matrix.each_persona
    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=matrix.name)
    @matrix.each_side
    def test_object_endpoint_answers_by_role_and_scope(world, persona, endpoint, which):
        matrix.check(world, persona, endpoint, world[which].pk, which)

The world (icis.testing.personas) has cluster A in scope of the commune official and the investor,
and cluster B in nobody's scope but the city-wide roles'.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from icis.core.scoping import reaches_home_province

from .personas import PERSONAS, api_client_for

# The roles whose scope reaches cluster A and not B; every other role is city-wide or reaches neither.
SCOPED = frozenset({"commune-official", "investor"})


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: str  # "{id}" is the object's id
    perms: tuple[str, ...] = ()  # all of them are needed
    api: bool = True
    payload: dict | None = None  # a value "{id}" is replaced by the object's id
    ok: int = 200
    # Pages look the object up before checking the permission, so out of scope is 404 for everyone.
    object_first: bool = False
    # What an out-of-scope object gives once the permission is there (a cluster named in a body: 400).
    out_of_scope: int = 404


def name(endpoint: Endpoint) -> str:
    return endpoint.name


each_persona = pytest.mark.parametrize("persona", PERSONAS)
each_signed_in_persona = pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
each_side = pytest.mark.parametrize("which", ["a", "b"])


def in_scope(persona: str, which: str) -> bool:
    """Whether a scoped persona reaches cluster `which` of the world (city-wide roles reach both)."""
    return persona in SCOPED and which == "a"


def expected_status(user, endpoint: Endpoint, in_scope: bool, *, wide: bool | None = None) -> int:
    """`wide`: whether the user reaches the whole province here (by default: whether its role does)."""
    if user is None:
        return 401 if endpoint.api else 302
    visible = in_scope or (reaches_home_province(user) if wide is None else wide)
    if endpoint.object_first and not visible:
        return 404
    if not user.has_perms(endpoint.perms):
        return 403
    return endpoint.ok if visible else endpoint.out_of_scope


def visible_clusters(world, persona: str) -> set[int]:
    """The ids of the world's clusters `persona` may see."""
    user = world["users"][persona]
    if user is not None and reaches_home_province(user):
        return {world["a"].pk, world["b"].pk}
    return {world["a"].pk} if in_scope(persona, "a") else set()


def call(user, endpoint: Endpoint, obj_id=None):
    url = endpoint.url.format(id=obj_id)
    payload = endpoint.payload
    if payload:
        payload = {k: (obj_id if v == "{id}" else v) for k, v in payload.items()}
    if endpoint.api:
        return getattr(api_client_for(user), endpoint.method)(url, payload, format="json")
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, endpoint.method)(url, payload or {})


def check(
    world, persona: str, endpoint: Endpoint, obj_id=None, which: str | None = None, *, narrowed: dict | None = None
) -> None:
    """Call `endpoint` as `persona` on the object `obj_id` of side `which` (None: a global endpoint,
    answered as if in scope) and assert the status the role definitions give.

    `narrowed` maps a province-wide persona to the one side an app narrows it to (inspections: an
    inspector reaches only the plans whose team includes them, {"inspector": "a"})."""
    user = world["users"][persona]
    response = call(user, endpoint, obj_id)
    scope = True if which is None else in_scope(persona, which)
    wide = None
    if narrowed and persona in narrowed:
        wide, scope = False, which is None or narrowed[persona] == which
    assert response.status_code == expected_status(user, endpoint, scope, wide=wide), (
        f"{persona} {endpoint.method.upper()} {endpoint.url} on {which}: {response.content[:300]!r}"
    )
