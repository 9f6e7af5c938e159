from django.utils.translation import gettext as _
from rest_framework import serializers

from icis.clusters.models import Cluster
from icis.core.api.serializers import ScopedRelationsMixin
from icis.documents.models import Document

from .. import selectors, services
from ..choices import ProjectStatus, ReportForm
from ..models import ProjectStatusChange, Submission, Tenant, TenantProject


class TenantSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["id", "name", "tax_code", "is_fdi", "country", "sector", "contact_name", "phone", "email", "version"]
        read_only_fields = ["version"]
        validators = []  # uniqueness of the tax code is the model's, checked in the service

    def create(self, validated_data):
        return services.tenant_create(data=validated_data, actor=self.context["request"].user)

    def update(self, instance, validated_data):
        return services.tenant_update(
            tenant=instance,
            data=validated_data,
            actor=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
        )


class TenantProjectSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A lease. Name its firm by `tenant` (the id of a firm already leasing in your clusters) or by
    `tenant_tax_code` (any registered firm); either way you see of the firm its name and tax code."""

    cluster = serializers.PrimaryKeyRelatedField(queryset=Cluster.objects.all())
    tenant = serializers.PrimaryKeyRelatedField(queryset=Tenant.objects.all(), required=False)
    tenant_name = serializers.CharField(source="tenant.name", read_only=True)
    tenant_tax_code = serializers.CharField(
        required=False, max_length=14, help_text="The firm's tax code (MST), instead of its id."
    )
    land_ha = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0)
    confirm_warnings = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Save a lease or approval dated before the cluster was established, after checking it.",
    )

    class Meta:
        model = TenantProject
        fields = [
            "id",
            "cluster",
            "tenant",
            "tenant_name",
            "tenant_tax_code",
            "name",
            "land_ha",
            "approval_number",
            "approval_date",
            "lease_start",
            "lease_end",
            "status",
            "status_since",
            "ended_on",
            "employees",
            "is_illustrative",
            "version",
            "confirm_warnings",
        ]
        read_only_fields = ["is_illustrative", "version", "status_since"]
        extra_kwargs = {
            "status": {
                "help_text": "Set when the project is registered; afterwards changed only by "
                "POST /api/tenant-projects/{id}/transition/ (an edit that changes it is refused)."
            }
        }

    def validate(self, attrs):
        tax_code = attrs.pop("tenant_tax_code", None)
        if tax_code is not None:
            tenant = services.tenant_by_tax_code(tax_code)
            if attrs.get("tenant") not in (None, tenant):
                raise serializers.ValidationError(
                    {"tenant_tax_code": _("The tax code names another firm than `tenant`; give one of them.")}
                )
            attrs["tenant"] = tenant
        if self.instance is None and "tenant" not in attrs:
            raise serializers.ValidationError(
                {"tenant": _("Name the firm: `tenant` (its id) or `tenant_tax_code` (its tax code).")}
            )
        return attrs

    def create(self, validated_data):
        confirmed = validated_data.pop("confirm_warnings", False)
        return services.project_create(data=validated_data, actor=self.context["request"].user, confirmed=confirmed)

    def update(self, instance, validated_data):
        confirmed = validated_data.pop("confirm_warnings", False)
        return services.project_update(
            project=instance,
            data=validated_data,
            actor=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
            confirmed=confirmed,
        )


class ProjectTransitionSerializer(ScopedRelationsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=ProjectStatus.choices)
    date = serializers.DateField(help_text="YYYY-MM-DD, the day the change took effect (not in the future)")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused.")


class ProjectStatusChangeSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A row of a tenant project's status history (read only)."""

    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = ProjectStatusChange
        fields = [
            "id",
            "from_status",
            "to_status",
            "effective_on",
            "reason",
            "document",
            "actor",
            "interface",
            "recorded_at",
        ]
        read_only_fields = fields


class OccupancySerializer(serializers.Serializer):
    industrial_land_ha = serializers.FloatField(allow_null=True)
    occupied_ha = serializers.FloatField()
    occupancy_rate = serializers.FloatField(allow_null=True, help_text="percent")
    as_of = serializers.DateField()
    cleared_industrial_land_ha = serializers.FloatField(allow_null=True)
    occupancy_rate_over_cleared = serializers.FloatField(
        allow_null=True, help_text="percent of cleared industrial land, while clearance is incomplete"
    )


class OccupancyRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    clusters = serializers.IntegerField()
    clusters_with_land = serializers.IntegerField()
    industrial_land_ha = serializers.FloatField()
    occupied_ha = serializers.FloatField()
    unleased_ha = serializers.FloatField()
    occupancy_rate = serializers.FloatField(allow_null=True)
    mean_cluster_rate = serializers.FloatField(allow_null=True)

    def to_representation(self, instance):
        # What each field's to_representation does with a value that is there (str, int, float; DRF
        # gives None for None), without DRF's per-field attribute walk, which at 1,500 rows cost more
        # than the query. A test compares it with the generic path.
        row = instance
        key, label, rate, mean = row["key"], row["label"], row["occupancy_rate"], row["mean_cluster_rate"]
        clusters, with_land = row["clusters"], row["clusters_with_land"]
        land, occupied, unleased = row["industrial_land_ha"], row["occupied_ha"], row["unleased_ha"]
        return {
            "key": None if key is None else str(key),
            "label": None if label is None else str(label),
            "clusters": None if clusters is None else int(clusters),
            "clusters_with_land": None if with_land is None else int(with_land),
            "industrial_land_ha": None if land is None else float(land),
            "occupied_ha": None if occupied is None else float(occupied),
            "unleased_ha": None if unleased is None else float(unleased),
            "occupancy_rate": None if rate is None else float(rate),
            "mean_cluster_rate": None if mean is None else float(mean),
        }


class SubmissionSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    cluster = serializers.PrimaryKeyRelatedField(queryset=Cluster.objects.all(), required=False, allow_null=True)
    tenant_project = serializers.PrimaryKeyRelatedField(
        queryset=TenantProject.objects.all(), required=False, allow_null=True
    )
    data = serializers.JSONField()
    status = serializers.CharField(read_only=True)
    occupancy_check = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "form",
            "period",
            "cluster",
            "tenant_project",
            "status",
            "data",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "occupancy_check",
            "version",
        ]
        read_only_fields = ["return_reason", "submitted_at", "reviewed_at", "version"]
        validators = []

    def get_occupancy_check(self, obj) -> dict | None:
        check = selectors.reported_vs_computed(obj)
        if check is None:
            return None
        return {
            key: (float(value) if value is not None and not isinstance(value, bool) else value)
            for key, value in check.items()
        }

    def validate(self, attrs):
        if attrs.get("form") == ReportForm.FORM_01 and not attrs.get("tenant_project") and not self.instance:
            raise serializers.ValidationError({"tenant_project": _("Form 01 is filed for a tenant project.")})
        return attrs

    def create(self, validated_data):
        return services.submission_save(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.submission_save(
            form=instance.form,
            period=instance.period,
            cluster=instance.cluster,
            tenant_project=instance.tenant_project,
            data=validated_data.get("data", instance.data),
            actor=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
        )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()
