import datetime
from decimal import Decimal

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core.api.serializers import ScopedRelationsMixin
from icis.documents.models import Document
from icis.tenancy.models import TenantProject

from .. import services
from ..choices import PlantStatus, SamplePoint, ViolationStatus
from ..compliance import Catalogue
from ..models import (
    FactorBand,
    Limit,
    MonitoringRequirement,
    Parameter,
    PlantPhase,
    Regulation,
    Sample,
    SampleValue,
    TenantConnection,
    Violation,
    WastewaterPlant,
)

FACTOR = {"max_digits": 4, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": Decimal("9.99")}
FLOW = {"max_digits": 14, "decimal_places": 3, "min_value": Decimal("0")}


def _user(serializer):
    return serializer.context["request"].user


class PlantPhaseSerializer(serializers.ModelSerializer):
    capacity_m3_day = serializers.DecimalField(**FLOW)

    class Meta:
        model = PlantPhase
        fields = ["number", "capacity_m3_day", "commissioned_on", "notes"]


class PlantSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    name = serializers.CharField(max_length=200, required=False, help_text="Default: from the clusters' names.")
    clusters = serializers.PrimaryKeyRelatedField(
        queryset=Cluster.objects.all(), many=True, help_text="Ids of the clusters the plant serves (at least one)."
    )
    phases = PlantPhaseSerializer(many=True, required=False)
    status = serializers.ChoiceField(
        choices=PlantStatus.choices,
        required=False,
        help_text="On create only (default planned); later changes through POST …/transition/.",
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    status_date = serializers.DateField(
        write_only=True, required=False, help_text="On create: when the status began (default today)."
    )
    capacity_m3_day = serializers.DecimalField(**FLOW)
    discharge_flow_m3_day = serializers.DecimalField(**FLOW, required=False, allow_null=True)
    kq = serializers.DecimalField(**FACTOR, required=False, allow_null=True)
    kf = serializers.DecimalField(**FACTOR, required=False, allow_null=True)
    permit = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)
    operator = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)

    class Meta:
        model = WastewaterPlant
        fields = [
            "id",
            "name",
            "clusters",
            "capacity_m3_day",
            "phases",
            "technology",
            "status",
            "status_label",
            "status_since",
            "status_date",
            "commissioned_on",
            "permit",
            "permit_valid_from",
            "permit_valid_to",
            "receiving_water_body",
            "receiving_class",
            "receiving_body_kind",
            "receiving_flow_m3_s",
            "receiving_volume_million_m3",
            "discharge_flow_m3_day",
            "kq",
            "kf",
            "factors_basis",
            "continuous_monitoring",
            "continuous_connected",
            "operator",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status_since", "version", "created_at", "updated_at"]

    def create(self, validated_data):
        clusters = validated_data.pop("clusters")
        phases = validated_data.pop("phases", None)
        status = validated_data.pop("status", PlantStatus.PLANNED)
        status_date = validated_data.pop("status_date", None)
        if not validated_data.get("name"):
            validated_data["name"] = "Trạm XLNT tập trung " + ", ".join(c.name for c in clusters)
        return services.plant_create(
            data=validated_data,
            clusters=clusters,
            phases=phases,
            status=status,
            status_date=status_date,
            actor=_user(self),
        )

    def update(self, instance, validated_data):
        for key in ("status", "status_date"):
            # Echoing the current value back (a GET body sent as it was) is no change; another value is.
            if key in validated_data and validated_data[key] != getattr(
                instance, {"status_date": "status_since"}.get(key, key)
            ):
                raise serializers.ValidationError(
                    {key: ["The status changes only through POST /api/wwtps/{id}/transition/."]}
                )
        return services.plant_update(
            plant=instance,
            data={k: v for k, v in validated_data.items() if k not in ("clusters", "phases", "status", "status_date")},
            clusters=validated_data.get("clusters"),
            phases=validated_data.get("phases"),
            actor=_user(self),
            expected_version=self.context.get("expected_version"),
        )


class PlantTransitionSerializer(ScopedRelationsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=PlantStatus.choices)
    date = serializers.DateField()
    reason = serializers.CharField()
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)


class FactorProposalSerializer(serializers.Serializer):
    regulation = serializers.CharField(allow_null=True)
    kq = serializers.FloatField(allow_null=True)
    kq_basis = serializers.CharField()
    kf = serializers.FloatField(allow_null=True)
    kf_basis = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField(), required=False)


class VerdictSerializer(serializers.Serializer):
    """One parameter of a sample, judged. `limit` is Cmax (the highest value allowed, C × Kq × Kf where
    the regulation multiplies); `limit_min` the lowest (ranges such as pH). Values in the canonical unit."""

    parameter = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Canonical unit; for qualifier '<', the detection limit")
    unit = serializers.CharField(allow_blank=True)
    qualifier = serializers.CharField(allow_blank=True)
    limit = serializers.FloatField(allow_null=True)
    limit_min = serializers.FloatField(allow_null=True)
    c = serializers.FloatField(allow_null=True, help_text="The table's value C before Kq × Kf")
    multiplied = serializers.BooleanField()
    compliant = serializers.BooleanField(allow_null=True, help_text="null: cannot be judged, or not judged")
    outcome = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    factors_assumed = serializers.BooleanField(
        help_text="true: Kq or Kf is not set for the plant; Cmax used the strictest factors the regulation allows"
    )


class NotJudgedSerializer(serializers.Serializer):
    """A value of a parameter the regulation has no limit for: kept as reported, not judged."""

    parameter = serializers.CharField()
    value = serializers.CharField(help_text="As reported; for qualifier '<', the detection limit")
    qualifier = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class SampleValueSerializer(serializers.ModelSerializer):
    parameter = serializers.CharField(source="parameter.code", read_only=True)

    class Meta:
        model = SampleValue
        fields = ["parameter", "value", "unit", "qualifier", "detection_limit"]


class SampleSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    values = SampleValueSerializer(many=True, read_only=True)
    regulation = serializers.SerializerMethodField()
    column = serializers.SerializerMethodField()
    kq = serializers.SerializerMethodField()
    kf = serializers.SerializerMethodField()
    factors_assumed = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    compliance = serializers.SerializerMethodField()
    not_judged = serializers.SerializerMethodField()
    violations = serializers.SerializerMethodField()

    class Meta:
        model = Sample
        fields = [
            "id",
            "plant",
            "sampled_on",
            "point",
            "origin",
            "lab",
            "document",
            "notes",
            "values",
            "regulation",
            "column",
            "kq",
            "kf",
            "factors_assumed",
            "outcome",
            "compliance",
            "not_judged",
            "violations",
            "created_at",
        ]

    def _judgement(self, obj):
        cache = self.context.setdefault("_judgements", {})
        if obj.pk not in cache:
            catalogue = self.context.get("catalogue") or self.context.setdefault("catalogue", Catalogue.load())
            cache[obj.pk] = catalogue.judge_sample(obj)
        return cache[obj.pk]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_regulation(self, obj):
        regulation = self._judgement(obj).regulation
        return regulation.code if regulation else None

    @extend_schema_field(serializers.CharField())
    def get_column(self, obj):
        return self._judgement(obj).column

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_kq(self, obj):
        return self._judgement(obj).kq

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_kf(self, obj):
        return self._judgement(obj).kf

    @extend_schema_field(serializers.BooleanField())
    def get_factors_assumed(self, obj):
        """Factors not set: the plant's Kq or Kf is blank, so the strictest the regulation allows were used."""
        return self._judgement(obj).factors_assumed

    @extend_schema_field(NotJudgedSerializer(many=True))
    def get_not_judged(self, obj):
        reason = gettext("not judged: no limit in the regulation")
        return [{**item, "reason": reason} for item in self._judgement(obj).not_judged]

    @extend_schema_field(serializers.CharField())
    def get_outcome(self, obj):
        return self._judgement(obj).outcome

    @extend_schema_field(serializers.DictField(child=VerdictSerializer()))
    def get_compliance(self, obj):
        return {v.parameter: v.as_dict() for v in self._judgement(obj).verdicts}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_violations(self, obj):
        return [v.pk for v in obj.violations.all()]


class SampleCreateSerializer(ScopedRelationsMixin, serializers.Serializer):
    sampled_on = serializers.DateField()
    point = serializers.ChoiceField(choices=SamplePoint.choices, default=SamplePoint.OUTLET)
    lab = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    values = serializers.JSONField(
        help_text='Parameter code → a number (canonical unit), a string such as "<0.01", or '
        '{"value", "unit", "qualifier": "<"}, e.g. {"COD": 80, "pH": 8.5, "Pb": {"value": 20, "unit": "µg/l"}}.'
    )


class ContinuousImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV UTF-8: date, parameter, value, unit[, qualifier]; one row per value.")


class ImportResultSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    values = serializers.IntegerField()
    samples_created = serializers.IntegerField()
    samples_updated = serializers.IntegerField()
    values_not_judged = serializers.IntegerField(help_text="Values of parameters the regulation has no limit for")
    violations_opened = serializers.IntegerField()


class ViolationSerializer(serializers.ModelSerializer):
    parameter = serializers.CharField(source="parameter.code", read_only=True, allow_null=True, default=None)
    regulation = serializers.CharField(source="regulation.code", read_only=True, allow_null=True, default=None)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "plant",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "parameter",
            "sample",
            "requirement",
            "period_start",
            "period_end",
            "measured",
            "limit",
            "unit",
            "regulation",
            "description",
            "factors_assumed",
            "detected_on",
            "deadline",
            "corrected_on",
            "closed_on",
            "resolution",
            "version",
        ]
        read_only_fields = fields


class ViolationTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ViolationStatus.choices)
    date = serializers.DateField(required=False, help_text="Default today")
    note = serializers.CharField(required=False, allow_blank=True)


class ConnectionSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    tenant_project = serializers.PrimaryKeyRelatedField(queryset=TenantProject.objects.all())
    plant = serializers.PrimaryKeyRelatedField(queryset=WastewaterPlant.objects.all(), required=False, allow_null=True)
    volume_m3_day = serializers.DecimalField(**FLOW, required=False, allow_null=True)
    own_permit = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)

    class Meta:
        model = TenantConnection
        fields = [
            "id",
            "tenant_project",
            "kind",
            "plant",
            "since",
            "until",
            "volume_m3_day",
            "own_permit",
            "own_permit_valid_to",
            "notes",
            "version",
        ]
        read_only_fields = ["version"]
        validators = []  # the service checks the rules (one current arrangement, plant serves the cluster)

    def create(self, validated_data):
        return services.connection_create(data=validated_data, actor=_user(self))

    def update(self, instance, validated_data):
        return services.connection_update(
            connection=instance,
            data=validated_data,
            actor=_user(self),
            expected_version=self.context.get("expected_version"),
        )


class RequirementSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    plant = serializers.PrimaryKeyRelatedField(queryset=WastewaterPlant.objects.all())

    class Meta:
        model = MonitoringRequirement
        fields = ["id", "plant", "frequency_months", "grace_days", "starts_on", "ends_on", "basis", "notes", "version"]
        read_only_fields = ["version"]

    def create(self, validated_data):
        return services.requirement_create(data=validated_data, actor=_user(self))

    def update(self, instance, validated_data):
        validated_data.pop("plant", None)
        return services.requirement_update(
            requirement=instance,
            data=validated_data,
            actor=_user(self),
            expected_version=self.context.get("expected_version"),
        )


class ParameterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Parameter
        fields = ["code", "name_vi", "name_en", "unit", "unit_aliases", "code_aliases", "notes"]


class LimitSerializer(serializers.ModelSerializer):
    parameter = serializers.CharField(source="parameter.code")

    class Meta:
        model = Limit
        fields = [
            "parameter",
            "column",
            "value",
            "min_value",
            "unit",
            "multiplied",
            "flow_above",
            "flow_up_to",
            "notes",
        ]


class FactorBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = FactorBand
        fields = ["factor", "water_body_kind", "above", "up_to", "when_unknown", "value", "notes"]


class RegulationSerializer(serializers.ModelSerializer):
    limits = LimitSerializer(many=True, read_only=True)
    factor_bands = FactorBandSerializer(many=True, read_only=True)

    class Meta:
        model = Regulation
        fields = [
            "id",
            "code",
            "title",
            "title_en",
            "effective_from",
            "effective_to",
            "existing_plants_from",
            "columns",
            "formula",
            "source",
            "notes",
            "loaded_from",
            "loaded_sha256",
            "limits",
            "factor_bands",
        ]


class PlantStandingSerializer(serializers.Serializer):
    plant = serializers.IntegerField(source="plant.pk")
    name = serializers.CharField(source="plant.name")
    status = serializers.CharField(allow_null=True)
    meets_standard = serializers.BooleanField(source="meets")
    reason = serializers.CharField()
    latest_sample = serializers.IntegerField(source="sample_id", allow_null=True, default=None)
    latest_sample_on = serializers.DateField(source="sampled_on", allow_null=True, default=None)


class ClusterItemsSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    item_13 = serializers.IntegerField(help_text="Form 02 item 13: central WWTP built or under construction (1/0)")
    item_14 = serializers.IntegerField(help_text="Form 02 item 14: central WWTP meets the environmental standard (1/0)")
    plants = PlantStandingSerializer(many=True)


class EnvironmentSummaryIdsSerializer(serializers.Serializer):
    clusters_operating_without_plant = serializers.ListField(child=serializers.IntegerField())
    plants_not_meeting_standard = serializers.ListField(child=serializers.IntegerField())
    new_clusters_without_compliant_plant = serializers.ListField(child=serializers.IntegerField())
    circular14_26 = serializers.ListField(child=serializers.IntegerField())
    circular14_27 = serializers.ListField(child=serializers.IntegerField())


class EnvironmentCircular14Serializer(serializers.Serializer):
    def get_fields(self):
        return {
            "26": serializers.IntegerField(help_text="Clusters with a central WWTP built or under construction"),
            "27": serializers.IntegerField(help_text="Clusters with a central WWTP meeting the environmental standard"),
        }


class EnvironmentSummarySerializer(serializers.Serializer):
    as_of = serializers.DateField()
    regulation = serializers.CharField(allow_null=True, help_text="The version in force that day for a new plant")
    clusters_operating = serializers.IntegerField()
    clusters_operating_without_plant = serializers.IntegerField()
    plants = serializers.IntegerField()
    plants_operating = serializers.IntegerField()
    plants_not_meeting_standard = serializers.IntegerField()
    new_clusters_since = serializers.DateField(allow_null=True, help_text="the user's province's rule; null: none")
    new_clusters = serializers.IntegerField()
    new_clusters_without_compliant_plant = serializers.IntegerField()
    circular14 = EnvironmentCircular14Serializer()
    violations_open = serializers.IntegerField()
    violations_overdue = serializers.IntegerField()
    unconnected_operating_tenants = serializers.IntegerField()
    ids = EnvironmentSummaryIdsSerializer()


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD (default today)")

    def validate_as_of(self, value):
        if not datetime.date(1900, 1, 1) <= value <= datetime.date(2999, 12, 31):
            raise serializers.ValidationError("Give a date between 1900-01-01 and 2999-12-31.")
        return value


class UnconnectedTenantSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    tenant = serializers.CharField(source="tenant.name")
    cluster_name = serializers.CharField(source="cluster.name")
    status = serializers.CharField(read_only=True)

    class Meta:
        model = TenantProject
        fields = ["id", "tenant", "name", "cluster", "cluster_name", "status"]
