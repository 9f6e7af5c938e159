from django.db.models import Prefetch
from rest_framework import serializers

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core.api.serializers import ScopedRelationsMixin
from icis.geo.models import Province
from icis.tenancy.models import Tenant

from ..choices import OPEN_STATUSES, Topic
from ..models import Finding, Inspection, InspectionPlan, Violation

ID_MAX = 2**63 - 1


class IdField(serializers.PrimaryKeyRelatedField):
    """A related record's id; one too long for the database is "does not exist", not a crash."""

    def to_internal_value(self, data):
        try:
            number = int(data)
        except (TypeError, ValueError):
            return super().to_internal_value(data)
        if not 0 < number <= ID_MAX:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


# An inspection's relations as `api_inspections()` prefetches them: into plain lists, with only what
# the serializer reads (no manager and queryset a row).
PREFETCHED = {"checklists": "api_checklists", "team": "api_team", "violations": "api_violations"}


def related(obj, name) -> list:
    rows = getattr(obj, PREFETCHED[name], None)
    return list(getattr(obj, name).all()) if rows is None else rows


def api_inspections(queryset):
    """`queryset` (inspections) read as the API shows them: the subject's name, not the whole cluster,
    firm or organisation; checklists, team and violations in one query each."""
    from icis.accounts.models import User

    from ..models import ChecklistVersion

    own = [f.attname for f in Inspection._meta.concrete_fields]
    return (
        queryset.select_related(None)
        .select_related("cluster", "organisation", "tenant")
        .only(*own, "cluster__name", "organisation__name", "tenant__name")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("checklists", ChecklistVersion.objects.only("id", "topic"), to_attr=PREFETCHED["checklists"]),
            Prefetch("team", User.objects.only("id"), to_attr=PREFETCHED["team"]),
            Prefetch(
                "violations", Violation.objects.only("id", "inspection_id", "status"), to_attr=PREFETCHED["violations"]
            ),
        )
    )


class TopicsField(serializers.ListField):
    """The topics of an inspection: written as topic codes, read from the checklists it uses."""

    def get_attribute(self, instance):
        return [c.topic for c in related(instance, "checklists")]


class TeamField(serializers.ListField):
    """The ids of the team's members (inspectors and DoIT officers)."""

    def get_attribute(self, instance):
        return [member.pk for member in related(instance, "team")]


class PlanSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """An inspection plan of a province. Created as a draft; submitted, approved or returned only through
    the plan's page (or `transition`). `conflicts` lists the entries Decree 32 Art 24.2 forbids as they stand."""

    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all())
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    entries = serializers.IntegerField(source="inspections.count", read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "province",
            "year",
            "kind",
            "title",
            "notes",
            "status",
            "status_label",
            "status_since",
            "entries",
            "version",
            "created_at",
        ]
        read_only_fields = ["id", "status", "status_label", "status_since", "entries", "version", "created_at"]


class InspectionSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """An inspection (a plan's entry, or ad hoc without `plan`). `topics` picks the newest checklist of
    each. Send `client_id` (a UUID made on the device) to sync offline work: the same id twice is one record."""

    client_id = serializers.UUIDField(required=False)
    plan = IdField(queryset=InspectionPlan.objects.all(), required=False, allow_null=True)
    cluster = IdField(queryset=Cluster.objects.all())
    organisation = IdField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    tenant = IdField(queryset=Tenant.objects.all(), required=False, allow_null=True)
    team = TeamField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False)
    topics = TopicsField(child=serializers.ChoiceField(choices=Topic.choices), allow_empty=False)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    subject = serializers.CharField(source="subject_name", read_only=True)
    open_violations = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "client_id",
            "plan",
            "subject_kind",
            "subject",
            "cluster",
            "organisation",
            "tenant",
            "topics",
            "planned_month",
            "due_on",
            "team",
            "signs_of_violation",
            "signs_reason",
            "status",
            "status_label",
            "inspected_on",
            "summary",
            "recommendations",
            "open_violations",
            "version",
            "created_at",
        ]
        read_only_fields = ["id", "subject", "status", "status_label", "open_violations", "version", "created_at"]

    def get_open_violations(self, obj) -> int:
        return sum(1 for v in related(obj, "violations") if v.status in OPEN_STATUSES)

    def to_representation(self, instance):
        """DRF's generic result (None stays None, else the field's own to_representation), read
        without its per-field attribute walk; the related ids straight from their columns."""
        readers = self.__dict__.get("_readers")
        if readers is None:
            readers = self._readers = [(f.field_name, self._reader(f)) for f in self._readable_fields]
        return {name: read(instance) for name, read in readers}

    def _reader(self, field):
        if isinstance(field, serializers.SerializerMethodField):
            return getattr(self, field.method_name)
        if isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None:
            column = f"{field.source}_id"
            return lambda obj: getattr(obj, column)
        if isinstance(field, serializers.ListField):
            return lambda obj: field.to_representation(field.get_attribute(obj))
        represent, source = field.to_representation, field.source

        def read(obj):
            value = getattr(obj, source)
            if callable(value):
                value = value()
            return None if value is None else represent(value)

        return read


class ViolationRowSerializer(serializers.Serializer):
    """One row of the register: a violation found on an inspection, or a wastewater violation
    (`source`: inspection | wastewater)."""

    def to_representation(self, instance):
        # DRF's own rule (None stays None, else the field's to_representation) on a dict whose keys
        # are the field names, without its per-field attribute walk
        readers = self.__dict__.get("_readers")
        if readers is None:
            readers = self._readers = [(f.field_name, f.to_representation) for f in self._readable_fields]
        return {name: None if (value := instance[name]) is None else represent(value) for name, represent in readers}

    source = serializers.ChoiceField(choices=["inspection", "wastewater"])
    id = serializers.IntegerField()
    cluster_id = serializers.IntegerField()
    cluster = serializers.CharField()
    subject = serializers.CharField()
    topic = serializers.CharField()
    description = serializers.CharField()
    legal_basis = serializers.CharField(allow_blank=True)
    severity = serializers.CharField(allow_blank=True)
    corrective_action = serializers.CharField(allow_blank=True)
    responsible = serializers.CharField(allow_blank=True)
    detected_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    is_open = serializers.BooleanField()
    overdue = serializers.BooleanField()
    original = serializers.CharField(help_text="What the first visit found")
    follow_up = serializers.CharField(allow_blank=True, help_text="What the latest follow-up found (blank: none)")
    url = serializers.CharField(allow_blank=True)


class ViolationQuerySerializer(serializers.Serializer):
    open = serializers.BooleanField(required=False, default=False, help_text="Only those still to remedy")
    overdue = serializers.BooleanField(required=False, default=False, help_text="Open and past the deadline")
    cluster = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    source = serializers.ChoiceField(choices=["inspection", "wastewater"], required=False)
    topic = serializers.ChoiceField(choices=Topic.choices, required=False)


class ViolationCreateSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A violation found on an inspection (wastewater violations are recorded by the environment app)."""

    client_id = serializers.UUIDField(required=False)
    inspection = IdField(queryset=Inspection.objects.all())
    finding = IdField(queryset=Finding.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "client_id",
            "inspection",
            "finding",
            "topic",
            "description",
            "legal_basis",
            "severity",
            "corrective_action",
            "deadline",
            "responsible",
            "status",
            "version",
        ]
        read_only_fields = ["id", "status", "version"]
