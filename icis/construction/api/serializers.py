from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core.api.serializers import ScopedRelationsMixin
from icis.documents.models import Document

from .. import services
from ..choices import Component, ObstacleStatus
from ..models import Milestone, Obstacle, PlannedVisit, ProgressReport, VisitPlan, VisitRecord


class IdField(serializers.PrimaryKeyRelatedField):
    """A related record's id; one too long for the database is "does not exist", not a crash."""

    def to_internal_value(self, data):
        try:
            number = int(data)
        except (TypeError, ValueError):
            return super().to_internal_value(data)
        if not 0 < number < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


BIG = 10**17  # far above any cluster's capital in VND; keeps values inside a 64-bit column
SMALL = 2**31 - 1


class ProgressReportSerializer(serializers.ModelSerializer):
    """A progress report as stored. Only `accepted` reports count in figures, forecasts and flags."""

    components = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None, read_only=True, allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "cluster",
            "report_date",
            "overall_percent",
            "components",
            "approved_capital_vnd",
            "disbursed_vnd",
            "construction_value_vnd",
            "clearance_to_clear_ha",
            "clearance_cleared_ha",
            "clearance_handed_over_ha",
            "households_to_clear",
            "households_cleared",
            "households_handed_over",
            "remarks",
            "decrease_reason",
            "source_document",
            "status",
            "status_label",
            "submitted_by",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_components(self, obj):
        return {c.component: float(c.percent) for c in obj.components.all()}


class ProgressReportSubmitSerializer(ScopedRelationsMixin, serializers.Serializer):
    """A new report. Percentages 0–100; a figure lower than the last accepted report needs `decrease_reason`."""

    report_date = serializers.DateField()
    overall_percent = serializers.DecimalField(max_digits=7, decimal_places=2)
    components = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2),
        required=False,
        help_text="Component → percent; components: " + ", ".join(Component.values),
    )
    approved_capital_vnd = serializers.IntegerField(required=False, allow_null=True, min_value=-BIG, max_value=BIG)
    disbursed_vnd = serializers.IntegerField(required=False, allow_null=True, min_value=-BIG, max_value=BIG)
    construction_value_vnd = serializers.IntegerField(required=False, allow_null=True, min_value=-BIG, max_value=BIG)
    clearance_to_clear_ha = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, allow_null=True)
    clearance_cleared_ha = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, allow_null=True)
    clearance_handed_over_ha = serializers.DecimalField(
        max_digits=10, decimal_places=4, required=False, allow_null=True
    )
    households_to_clear = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=SMALL)
    households_cleared = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=SMALL)
    households_handed_over = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=SMALL)
    remarks = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    decrease_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    source_document = IdField(queryset=Document.objects.all(), required=False, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MilestoneSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    variance_days = serializers.SerializerMethodField()
    cluster = IdField(queryset=Cluster.objects.none())
    planned_in = IdField(queryset=Document.objects.all(), required=False, allow_null=True)
    evidence = IdField(queryset=Document.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "cluster",
            "kind",
            "kind_label",
            "planned_on",
            "actual_on",
            "variance_days",
            "planned_in",
            "evidence",
            "notes",
            "version",
        ]
        read_only_fields = ["version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["cluster"].queryset = Cluster.objects.restrict(request.user, "change")
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["cluster"].read_only = True
            self.fields["kind"].read_only = True

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_variance_days(self, obj):
        from django.utils import timezone

        return obj.variance_days(timezone.localdate())

    def _save(self, cluster, kind, data, instance=None):
        return services.milestone_set(
            cluster=cluster,
            kind=kind,
            actor=self.context["request"].user,
            planned_on=data.get("planned_on", getattr(instance, "planned_on", None)),
            actual_on=data.get("actual_on", getattr(instance, "actual_on", None)),
            planned_in=data.get("planned_in", getattr(instance, "planned_in", None)),
            evidence=data.get("evidence", getattr(instance, "evidence", None)),
            notes=data.get("notes", getattr(instance, "notes", "")),
            expected_version=self.context.get("expected_version"),
        )

    def create(self, validated_data):
        cluster, kind = validated_data["cluster"], validated_data["kind"]
        if Milestone.objects.filter(cluster=cluster, kind=kind).exists():
            raise serializers.ValidationError(
                {"kind": [serializers.ErrorDetail(_("This milestone is already recorded: PATCH it."), code="exists")]}
            )
        return self._save(cluster, kind, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance.cluster, instance.kind, validated_data, instance)


class ObstacleSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """An obstacle. `status` changes only along the allowed moves; `resolved` needs `resolution`."""

    cluster = IdField(queryset=Cluster.objects.none())
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    status = serializers.ChoiceField(choices=ObstacleStatus.choices, required=False)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    responsible_organisation = IdField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    source_document = IdField(queryset=Document.objects.all(), required=False, allow_null=True)
    resolved_on = serializers.DateField(required=False, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Obstacle
        fields = [
            "id",
            "cluster",
            "cluster_name",
            "category",
            "category_label",
            "description",
            "responsible_organisation",
            "responsible_agency",
            "raised_on",
            "due_on",
            "status",
            "status_label",
            "overdue",
            "resolution",
            "resolved_on",
            "requested_direction",
            "source_document",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["cluster"].queryset = Cluster.objects.restrict(request.user, "change")
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["cluster"].read_only = True

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj):
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())

    def create(self, validated_data):
        status = validated_data.pop("status", ObstacleStatus.OPEN)
        validated_data.pop("resolved_on", None)
        if status != ObstacleStatus.OPEN:
            raise serializers.ValidationError(
                {"status": [serializers.ErrorDetail(_("A new obstacle is open; move it on afterwards."), code="open")]}
            )
        cluster = validated_data.pop("cluster")
        return services.obstacle_create(cluster=cluster, data=validated_data, actor=self.context["request"].user)

    def update(self, instance, validated_data):
        status = validated_data.pop("status", None)
        resolved_on = validated_data.pop("resolved_on", None)
        return services.obstacle_update(
            obstacle=instance,
            data=validated_data,
            status=status,
            resolved_on=resolved_on,
            actor=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
        )


class PlannedVisitSerializer(serializers.ModelSerializer):
    """A planned site visit of wave 1, read only (the API's writes are retired: inspections)."""

    cluster_name = serializers.CharField(source="cluster.name", read_only=True)

    class Meta:
        model = PlannedVisit
        fields = ["id", "plan", "cluster", "cluster_name", "due_on", "notes", "version"]
        read_only_fields = fields


class VisitPlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", default=None, read_only=True, allow_null=True)
    visit_count = serializers.IntegerField(source="visits.count", read_only=True)

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "frequency_months",
            "status",
            "status_label",
            "approved_by",
            "approved_at",
            "visit_count",
            "version",
        ]
        read_only_fields = fields


class VisitRecordSerializer(serializers.ModelSerializer):
    """A site visit of wave 1, read only (the API's writes are retired: inspections)."""

    inspector = serializers.CharField(source="inspector.username", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = VisitRecord
        fields = [
            "id",
            "cluster",
            "planned_visit",
            "visited_on",
            "inspector",
            "findings",
            "recommendations",
            "photos",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, obj):
        return [photo.caption or photo.file.name for photo in obj.photos.all()]
