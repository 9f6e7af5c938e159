from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from icis.clusters.models import Cluster
from icis.core.api.serializers import ScopedRelationsMixin
from icis.documents.models import Document
from icis.geo.models import Province

from .. import selectors, services
from ..models import AmendmentChange, AnnualPlan, DevelopmentPlan, PlanAmendment, PlanEntry, Task


class TargetProgressSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="target.indicator")
    label = serializers.CharField(source="target.label")
    target_min = serializers.FloatField(source="target.target_min", allow_null=True)
    target_max = serializers.FloatField(source="target.target_max", allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(source="target.unit")
    met = serializers.BooleanField(required=False)
    clusters = serializers.SerializerMethodField()

    def get_clusters(self, row) -> list[int]:
        return [cluster.pk for cluster in row.get("clusters", [])]


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "lead", "coordinating", "due_on", "status"]


class AnnualPlanSerializer(serializers.ModelSerializer):
    targets = serializers.SerializerMethodField()
    tasks = TaskSerializer(many=True, read_only=True)
    document = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = AnnualPlan
        fields = ["id", "year", "title", "number", "issued_on", "document", "needs_verification", "targets", "tasks"]

    def get_targets(self, plan) -> list[dict]:
        progress = self.context["progress"](plan)
        return TargetProgressSerializer(progress, many=True).data


class AmendmentSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A plan amendment: drafted (POST) and changed (PATCH) while open; its `status` moves through
    POST …/advance/ only. `clusters` are the clusters it proposes to add; what it does to other clusters
    of the plan is in its change rows (`/api/amendment-changes/?amendment=<id>`)."""

    plan = serializers.PrimaryKeyRelatedField(queryset=DevelopmentPlan.objects.all())
    clusters = serializers.PrimaryKeyRelatedField(many=True, queryset=Cluster.objects.all(), required=False)
    decision = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = PlanAmendment
        fields = [
            "id",
            "title",
            "plan",
            "proposed_by",
            "clusters",
            "status",
            "status_since",
            "decision",
            "notes",
            "version",
        ]
        read_only_fields = ["status", "status_since", "decision", "version"]

    def validate(self, attrs):
        if self.instance is not None and "plan" in attrs and attrs["plan"].pk != self.instance.plan_id:
            raise serializers.ValidationError({"plan": ["An amendment stays with the version it amends."]})
        return attrs

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        return _saved(
            lambda: services.amendment_save(plan=plan, data=validated_data, actor=self.context["request"].user)
        )

    def update(self, instance, validated_data):
        validated_data.pop("plan", None)
        return _saved(
            lambda: services.amendment_save(
                plan=instance.plan,
                data=validated_data,
                actor=self.context["request"].user,
                amendment=instance,
                expected_version=self.context.get("expected_version"),
            )
        )


class AmendmentChangeSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """What an open amendment does to one cluster: its `group` in the version the approval makes
    (`kept`, `area_changed`, `withdrawn`, `added`, `brought_forward`, `deferred`), the planned area and
    phase there (empty: kept from the version amended)."""

    amendment = serializers.PrimaryKeyRelatedField(queryset=PlanAmendment.objects.all())
    cluster_code = serializers.CharField(source="cluster.code", read_only=True)

    class Meta:
        model = AmendmentChange
        fields = ["id", "amendment", "cluster", "cluster_code", "group", "planned_area_ha", "phase", "version"]
        read_only_fields = ["version"]
        validators = []  # one row per cluster: the service refuses a second one naming `cluster`

    def validate(self, attrs):
        if self.instance is not None and "amendment" in attrs and attrs["amendment"].pk != self.instance.amendment_id:
            raise serializers.ValidationError({"amendment": ["A change stays in its amendment."]})
        return attrs

    def create(self, validated_data):
        amendment = validated_data.pop("amendment")
        return _saved(
            lambda: services.amendment_change_save(
                amendment=amendment, data=validated_data, actor=self.context["request"].user
            )
        )

    def update(self, instance, validated_data):
        validated_data.pop("amendment", None)
        return _saved(
            lambda: services.amendment_change_save(
                amendment=instance.amendment,
                data=validated_data,
                actor=self.context["request"].user,
                change=instance,
                expected_version=self.context.get("expected_version"),
            )
        )


class AdvanceSerializer(serializers.Serializer):
    to = serializers.CharField()
    date = serializers.DateField()
    document = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class PlanEntrySerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """One entry of a plan version: its group (`kept`, `area_changed`, `withdrawn`, `added`,
    `brought_forward`, `deferred`), the planned area in that version and the phase. `counted` is false
    for withdrawn and deferred entries (listed, never counted)."""

    counted = serializers.BooleanField(read_only=True)
    cluster_code = serializers.CharField(source="cluster.code", read_only=True, allow_null=True, default=None)
    plan = serializers.PrimaryKeyRelatedField(queryset=DevelopmentPlan.objects.all())

    class Meta:
        model = PlanEntry
        fields = [
            "id",
            "plan",
            "cluster",
            "cluster_code",
            "name",
            "group",
            "planned_area_ha",
            "phase",
            "sectors",
            "is_expansion",
            "counted",
            "version",
        ]
        read_only_fields = ["version"]
        extra_kwargs = {"name": {"required": False, "allow_blank": True}}

    def validate(self, attrs):
        if self.instance is not None and "plan" in attrs and attrs["plan"].pk != self.instance.plan_id:
            raise serializers.ValidationError({"plan": ["An entry stays in its version."]})
        return attrs

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        return _saved(
            lambda: services.plan_entry_save(plan=plan, data=validated_data, actor=self.context["request"].user)
        )

    def update(self, instance, validated_data):
        validated_data.pop("plan", None)
        return _saved(
            lambda: services.plan_entry_save(
                plan=instance.plan,
                data=validated_data,
                actor=self.context["request"].user,
                entry=instance,
                expected_version=self.context.get("expected_version"),
            )
        )


def _saved(save):
    from django.core.exceptions import ValidationError

    try:
        return save()
    except ValidationError as error:
        raise serializers.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        ) from None


class PlanTotalsSerializer(serializers.Serializer):
    computed = serializers.BooleanField(help_text="False while the version has no entries: only the stated figures.")
    clusters = serializers.IntegerField(allow_null=True, help_text="Counted from the entries (not withdrawn/deferred).")
    area_ha = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    entries_without_area = serializers.IntegerField()
    not_counted = serializers.IntegerField(help_text="Withdrawn and deferred entries, listed and not counted.")
    stated_clusters = serializers.IntegerField(allow_null=True, help_text="As the approving document states.")
    stated_area_ha = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    clusters_disagree = serializers.BooleanField()
    area_disagrees = serializers.BooleanField()
    by_group = serializers.DictField(child=serializers.DictField())


class DevelopmentPlanSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A version of a province's development plan with its totals computed from its entries;
    `cluster_count` and `area_ha` are the figures as its document states them. POST records a version as
    its decision states it (`document_id`: the decision; `is_current`: by default when the province has
    none); PATCH corrects it while no later version amends it. Later versions are made by approving an
    amendment."""

    province = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all())
    document = serializers.StringRelatedField(allow_null=True)
    document_id = serializers.PrimaryKeyRelatedField(
        source="document", queryset=Document.objects.all(), allow_null=True, required=False
    )
    is_current = serializers.BooleanField(required=False)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = DevelopmentPlan
        fields = [
            "id",
            "province",
            "name",
            "document",
            "document_id",
            "approved_on",
            "horizon_year",
            "vision_year",
            "is_current",
            "amends",
            "from_amendment",
            "cluster_count",
            "area_ha",
            "totals",
            "notes",
            "version",
        ]
        read_only_fields = ["amends", "from_amendment", "version"]
        # The one-current-version rule is the service's (a new current version replaces the old one);
        # DRF would otherwise turn the conditional constraint into "is_current is required".
        validators = []

    def validate(self, attrs):
        if self.instance is not None:
            if "province" in attrs and attrs["province"].pk != self.instance.province_id:
                raise serializers.ValidationError({"province": ["A version stays in its province."]})
            if "is_current" in attrs and attrs["is_current"] != self.instance.is_current:
                raise serializers.ValidationError(
                    {"is_current": ["A version stops being current when an amendment's approval replaces it."]}
                )
        return attrs

    def create(self, validated_data):
        province = validated_data.pop("province")
        is_current = validated_data.pop("is_current", None)
        if is_current is None:
            is_current = not DevelopmentPlan.objects.filter(province=province, is_current=True).exists()
        return _saved(
            lambda: services.plan_version_save(
                province_id=province.pk, data=validated_data, is_current=is_current, actor=self.context["request"].user
            )
        )

    def update(self, instance, validated_data):
        validated_data.pop("province", None)
        validated_data.pop("is_current", None)
        return _saved(
            lambda: services.plan_version_save(
                province_id=instance.province_id,
                data=validated_data,
                plan=instance,
                actor=self.context["request"].user,
                expected_version=self.context.get("expected_version"),
            )
        )

    @extend_schema_field(PlanTotalsSerializer)
    def get_totals(self, plan) -> dict:
        return PlanTotalsSerializer(selectors.plan_totals(plan).as_dict()).data


class CompareRowSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=list(selectors.Change.LABELS))
    cluster = serializers.IntegerField(source="cluster.pk", allow_null=True, default=None)
    name = serializers.CharField()
    old_group = serializers.CharField(allow_null=True)
    new_group = serializers.CharField(allow_null=True)
    old_area_ha = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    new_area_ha = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class CompareSerializer(serializers.Serializer):
    old = serializers.IntegerField()
    new = serializers.IntegerField()
    summary = serializers.DictField(child=serializers.IntegerField())
    clusters = CompareRowSerializer(many=True)
