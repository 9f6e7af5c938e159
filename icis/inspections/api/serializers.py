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


class TopicsField(serializers.ListField):
    """The topics of an inspection: written as topic codes, read from the checklists it uses."""

    def get_attribute(self, instance):
        return [c.topic for c in instance.checklists.all()]


class TeamField(serializers.ListField):
    """The ids of the team's members (inspectors and DoIT officers)."""

    def get_attribute(self, instance):
        return [member.pk for member in instance.team.all()]


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
        return sum(1 for v in obj.violations.all() if v.status in OPEN_STATUSES)


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
