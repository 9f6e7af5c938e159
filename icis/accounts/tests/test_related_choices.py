"""Every foreign-key field of every edit form and every serializer offers and accepts only what the
scope rules let its user name: `Model.objects.restrict(user, LINK)` of the field's model.

Derived, not listed: the forms and serializers are collected from their modules, and a new one that
names a scoped model without the core mixin, or names a model that has no scope rule and is not
reference data, fails here.
"""

import datetime
import inspect
from types import SimpleNamespace

import pytest
from django import forms
from rest_framework import relations, serializers

from icis.awards import forms as award_forms
from icis.awards.api import serializers as award_serializers
from icis.awards.models import AwardTitle
from icis.clusters import forms as cluster_forms
from icis.clusters.api import serializers as cluster_serializers
from icis.clusters.models import Sector
from icis.construction import forms as construction_forms
from icis.construction.api import serializers as construction_serializers
from icis.core.api.serializers import ScopedRelationsMixin
from icis.core.forms import ScopedChoicesMixin
from icis.core.scoping import LINK, ScopedQuerySet
from icis.documents.api import serializers as document_serializers
from icis.dossiers import forms as dossier_forms
from icis.dossiers.api import serializers as dossier_serializers
from icis.environment import forms as environment_forms
from icis.environment.api import serializers as environment_serializers
from icis.environment.models import Parameter
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict, Province
from icis.inspections import forms as inspection_forms
from icis.inspections.api import serializers as inspection_serializers
from icis.inspections.models import ChecklistItem, ChecklistVersion
from icis.planning import version_views as planning_version_views
from icis.planning import views as planning_views
from icis.planning.api import serializers as planning_serializers
from icis.planning.choices import AMENDMENT_TRANSITIONS
from icis.portal import forms as portal_forms
from icis.tenancy import forms as tenancy_forms
from icis.tenancy.api import serializers as tenancy_serializers
from icis.tenancy.choices import ProjectStatus
from icis.testing.personas import PERSONAS

pytestmark = pytest.mark.django_db

# The same for everyone, public by nature: administrative units, sectors, monitored parameters.
REFERENCE_DATA = {
    Province,
    LegacyDistrict,
    LegacyCommune,
    Commune,
    Sector,
    Parameter,
    AwardTitle,
    ChecklistVersion,
    ChecklistItem,
}

# Edit forms (query forms such as reporting's period picker only read, through scoped views).
FORM_MODULES = [
    cluster_forms,
    construction_forms,
    dossier_forms,
    environment_forms,
    tenancy_forms,
    planning_views,
    award_forms,
    inspection_forms,
    planning_version_views,
    portal_forms,
]
SERIALIZER_MODULES = [
    award_serializers,
    cluster_serializers,
    construction_serializers,
    document_serializers,
    dossier_serializers,
    environment_serializers,
    inspection_serializers,
    planning_serializers,
    tenancy_serializers,
]


def _classes(modules, base):
    found = []
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__:
                found.append(value)
    return found


def _is_scoped(model) -> bool:
    return isinstance(model._default_manager.all(), ScopedQuerySet)


def _form_relations(form_class):
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None
    }


def _serializer_relations(serializer):
    found = {}
    for name, field in serializer.fields.items():
        relation = getattr(field, "child_relation", field)
        if not field.read_only and isinstance(relation, relations.RelatedField) and relation.queryset is not None:
            found[name] = relation
    return found


FORMS = [cls for cls in _classes(FORM_MODULES, forms.BaseForm) if _form_relations(cls)]
SERIALIZERS = [
    cls
    for cls in _classes(SERIALIZER_MODULES, serializers.BaseSerializer)
    # a list serializer has no fields of its own: its child (collected too) names what it accepts
    if cls is not ScopedRelationsMixin and not issubclass(cls, serializers.ListSerializer)
]


def test_the_collection_finds_the_forms_and_serializers_of_the_issue():
    names = {cls.__name__ for cls in FORMS}
    assert {"TenantProjectForm", "ClusterForm", "ObstacleForm", "ConnectionForm", "AdvanceForm"} <= names
    names = {cls.__name__ for cls in SERIALIZERS}
    assert {"TenantProjectSerializer", "ClusterSerializer", "ProgressReportSubmitSerializer"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_every_form_naming_a_scoped_model_uses_the_scoped_choices(form_class):
    for name, field in _form_relations(form_class).items():
        model = field.queryset.model
        if _is_scoped(model):
            assert issubclass(form_class, ScopedChoicesMixin), f"{form_class.__name__}.{name} names {model.__name__}"
        else:
            assert model in REFERENCE_DATA, f"{form_class.__name__}.{name}: {model.__name__} has no scope rule"


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
def test_every_serializer_naming_a_scoped_model_uses_the_scoped_relations(serializer_class):
    for name, relation in _serializer_relations(serializer_class()).items():
        model = relation.queryset.model
        if _is_scoped(model):
            assert issubclass(serializer_class, ScopedRelationsMixin), (
                f"{serializer_class.__name__}.{name} names {model.__name__}"
            )
        else:
            assert model in REFERENCE_DATA, f"{serializer_class.__name__}.{name}: {model.__name__} has no scope rule"


def _form_kwargs(form_class, world, user) -> dict:
    """What each form's constructor asks for, built from the world."""
    available = {
        "user": user,
        "cluster": world["a"],
        "plant": world["plants"]["a"],
        "dossier": SimpleNamespace(cluster=world["a"]),
        "heads": {},
        "tied": (),
        "amendment": SimpleNamespace(
            status=next(iter(AMENDMENT_TRANSITIONS)), plan=SimpleNamespace(province_id=world["a"].province_id)
        ),
        "project": SimpleNamespace(status=ProjectStatus.OPERATING, version=1),
        "task": SimpleNamespace(status="open", version=1),
        "nomination": SimpleNamespace(status="submitted", version=1),
        "plan": SimpleNamespace(province_id=world["a"].province_id, horizon_year=2030, vision_year=2050),
        "province_id": world["a"].province_id,
    }
    if form_class.__name__ == "NominationEditForm":
        # It edits a real nomination; one whose achievement names no cluster, document or organisation, so
        # nothing is offered for being kept (test_a_saved_value_outside_the_editors_scope_stays_selectable).
        from icis.awards import services as award_services
        from icis.awards.tests.factories import title

        available["nomination"] = award_services.nomination_create(
            title=title("tap-the-lao-dong-tien-tien"),
            year=2025,
            achievement_data={
                "province": world["a"].province,
                "recipient_kind": "collective",
                "unit": "Ban quản lý",
                "description": "Hoàn thành hạ tầng",
                "period_start": datetime.date(2025, 1, 1),
                "period_end": datetime.date(2025, 12, 31),
            },
            actor=None,
        )
    wanted = set()
    for klass in form_class.__mro__:
        if "__init__" in vars(klass):
            wanted |= {
                p.name for p in inspect.signature(klass.__init__).parameters.values() if p.kind is p.KEYWORD_ONLY
            }
    return {name: available[name] for name in wanted if name in available}


def _allowed(model, user) -> set:
    return set(model._default_manager.restrict(user, LINK).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_every_form_offers_only_what_its_user_may_name(linked, persona):
    user = linked["users"][persona]
    for form_class in FORMS:
        form = form_class(**_form_kwargs(form_class, linked, user))
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or not _is_scoped(field.queryset.model):
                continue
            offered = set(field.queryset.values_list("pk", flat=True))
            extra = offered - _allowed(field.queryset.model, user)
            assert not extra, f"{form_class.__name__}.{name} offers {persona} out-of-scope ids {sorted(extra)}"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_every_serializer_accepts_only_what_its_user_may_name(linked, persona):
    user = linked["users"][persona]
    for serializer_class in SERIALIZERS:
        serializer = serializer_class(context={"request": SimpleNamespace(user=user)})
        for name, relation in _serializer_relations(serializer).items():
            model = relation.queryset.model
            if not _is_scoped(model):
                continue
            accepted = set(relation.get_queryset().values_list("pk", flat=True))
            extra = accepted - _allowed(model, user)
            assert not extra, (
                f"{serializer_class.__name__}.{name} accepts from {persona} out-of-scope ids {sorted(extra)}"
            )


def test_an_investor_is_offered_its_own_tenants_documents_and_organisations_only(linked):
    """The finding's drop-downs, concretely: not every tenant, not other communes' documents, not
    every organisation."""
    investor = linked["users"]["investor"]
    form = tenancy_forms.TenantProjectForm(user=investor)
    assert set(form.fields["tenant"].queryset) == {linked["firms"]["a"]}
    assert set(form.fields["cluster"].queryset) == {linked["a"]}
    obstacle = construction_forms.ObstacleForm(user=investor)
    documents = set(obstacle.fields["source_document"].queryset.values_list("number", flat=True))
    assert linked["docs"]["a"].number in documents and linked["docs"]["b"].number not in documents
    organisations = set(obstacle.fields["responsible_organisation"].queryset)
    assert linked["public_body"] in organisations and linked["investor_x"] in organisations
    assert not organisations & {linked["b"].investor, linked["firm_org"]}


def test_a_saved_value_outside_the_editors_scope_stays_selectable(linked, boss):
    """Keeping what someone else set never widens anything, and must not block an edit."""
    cluster = linked["a"]
    cluster.establishment_decision = linked["docs"]["b"]
    cluster.save()
    official = linked["users"]["commune-official"]
    form = cluster_forms.ClusterForm(instance=cluster, user=official)
    choices = set(form.fields["establishment_decision"].queryset)
    assert linked["docs"]["b"] in choices
    fresh = cluster_forms.ClusterForm(user=official)
    assert linked["docs"]["b"] not in set(fresh.fields["establishment_decision"].queryset)
