"""Schemathesis over the whole OpenAPI schema: every answer is no server error and matches the schema
(status code documented, body shaped as documented, errors in the one error shape).

Three passes, bounded to stay within a few minutes on two cores:
- every operation fuzzed with a handful of generated requests, as a city-wide officer;
- every GET operation over a real row of every model (optional fields empty, so nulls show), as admin;
- short stateful workflows chaining create → read/change through the links schemathesis infers.
"""

import json

import pytest
import schemathesis
from django.apps import apps
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import checks
from schemathesis.core.failures import FailureGroup

from icis.accounts import roles
from icis.testing.factories import api_token, make_cluster, person, superuser


def _load_schema():
    """The schema as the app serves it, generated in-process (no request, no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    from config.wsgi import application

    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    return loaded


schema = _load_schema()
# What the API promises: no server error, documented status codes, content types, bodies and
# headers. (Lenient acceptance of odd input, e.g. an unparsable page_size falling back to the
# default, is allowed.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the connection after each request; inside a test transaction that
    would lose the test's data (PostgreSQL). Django's own test client disconnects it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def officer_token(hanoi, keep_test_connection):
    officer = person("fuzzer", roles.DOIT_OFFICER)
    make_cluster(name="Đông Phú Yên", area_ha=10)
    cache.clear()
    return api_token(officer)


@schema.parametrize()
@hypothesis_settings(
    max_examples=4,  # every operation is still called; the API has grown to ~200 operations and CI has 90 minutes
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_without_server_errors_and_as_documented(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Token {officer_token}"}, checks=CHECKS)


# The model each path parameter names, to read a real row through every GET operation.
PATH_MODELS = {
    "annual-plans": "planning.AnnualPlan",
    "awards": "awards.Nomination",
    "award-titles": "awards.AwardTitle",
    "clusters": "clusters.Cluster",
    "cluster_id": "clusters.Cluster",
    "documents": "documents.Document",
    "dossiers": "dossiers.Dossier",
    "applicant_id": "dossiers.Applicant",
    "connections": "environment.TenantConnection",
    "regulations": "environment.Regulation",
    "requirements": "environment.MonitoringRequirement",
    "violations": "environment.Violation",
    "wwtps": "environment.WastewaterPlant",
    "plant_id": "environment.WastewaterPlant",
    "samples": "environment.Sample",
    "milestones": "construction.Milestone",
    "obstacles": "construction.Obstacle",
    "planned-visits": "construction.PlannedVisit",
    "progress-reports": "construction.ProgressReport",
    "visit-plans": "construction.VisitPlan",
    "visit-records": "construction.VisitRecord",
    "plan-amendments": "planning.PlanAmendment",
    "development-plans": "planning.DevelopmentPlan",
    "plan-entries": "planning.PlanEntry",
    "amendment-changes": "planning.AmendmentChange",
    "submissions": "tenancy.Submission",
    "tenant-projects": "tenancy.TenantProject",
    "tenants": "tenancy.Tenant",
    "organisations": "accounts.Organisation",
    "inspection-plans": "inspections.InspectionPlan",
    "inspections": "inspections.Inspection",
    "imports": "registry_io.RegistryImport",
}

# Administrative units are named by their GSO code (loaded by migrate: the whole country).
PATH_CODES = {"communes": "10273", "provinces": "01"}

# Required query parameters without a list of choices: a real value for each.
REQUIRED_QUERY = {"commune": "10273", "period": "2025-H1", "start": "2026-12-29", "days": 5, "province": "01"}


def _path_parameters(path: str, objects: dict) -> dict:
    """A real row for each parameter of `path`: `{id}` is the row of the segment before it."""
    segments = path.strip("/").split("/")
    values = {}
    for index, segment in enumerate(segments):
        if not segment.startswith("{"):
            continue
        name = segment.strip("{}")
        if name == "code" and segments[:2] == ["api", "public"]:  # the public portal: a published cluster's code
            values[name] = objects["published_code"]
            continue
        if name == "code" and segments[index - 1] in PATH_CODES:  # administrative units, by GSO code
            values[name] = PATH_CODES[segments[index - 1]]
            continue
        key = segments[index - 1] if name == "id" else name
        assert key in PATH_MODELS, f"{path}: which model does {{{name}}} name? Add it to PATH_MODELS."
        values[name] = objects[apps.get_model(PATH_MODELS[key])].pk
    if "samples" in segments:  # a sample is read under its own plant
        values["plant_id"] = objects[apps.get_model("environment.Sample")].plant_id
    return values


def _published_cluster_code() -> str:
    """The public API reads a cluster by code once it is published on the portal (icis/portal)."""
    from icis.clusters.choices import ESTABLISHED_STATES
    from icis.clusters.models import Cluster
    from icis.portal.services import publication_save

    cluster = Cluster.objects.filter(status__in=ESTABLISHED_STATES).order_by("pk").first()
    publication_save(cluster=cluster, data={"field_groups": ["land", "project"]}, publish=True, actor=superuser())
    return cluster.code


def test_every_read_of_real_rows_answers_as_documented(db, keep_test_connection):
    """Every GET operation over one row of every model (optional fields left empty): each answer,
    nulls included, matches the schema. Fuzzing alone rarely reaches a real row."""
    from icis.audit.tests.rows import one_of_each

    objects = one_of_each()
    objects["published_code"] = _published_cluster_code()
    from icis.registry_io.models import RegistryImport  # not audited (it holds the upload): one made here

    objects[RegistryImport] = RegistryImport.objects.create(
        province_id="01", created_by=superuser(), filename="so-dang-ky.xlsx", content=b"", sha256="0" * 64
    )
    token = api_token(superuser())
    cache.clear()
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        parameters = schema.raw_schema["paths"][operation.path]["get"].get("parameters", [])
        query = {  # a required choice: its first value
            p["name"]: p["schema"]["enum"][0] if "enum" in p["schema"] else REQUIRED_QUERY[p["name"]]
            for p in parameters
            if p["in"] == "query" and p.get("required")
        }
        case = operation.Case(path_parameters=_path_parameters(operation.path, objects), query=query)
        try:
            response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        except FailureGroup as group:  # every operation is checked, the failures reported together
            failures[operation.path] = "\n".join(str(failure)[:1500] for failure in group.exceptions)
            continue
        if response.status_code != 200:
            failures[operation.path] = f"{response.status_code}: {response.text[:500]}"
    assert not failures, "\n\n".join(f"{path}:\n{text}" for path, text in failures.items())


def test_workflows_that_create_then_read_and_change_answer_as_documented(officer_token):
    """Stateful: requests chained by the links schemathesis infers (create, then read or change what
    was created), each answer checked like the single calls above. Bounded: a few short scenarios."""

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {officer_token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(
        Workflow,
        settings=hypothesis_settings(
            max_examples=12,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
