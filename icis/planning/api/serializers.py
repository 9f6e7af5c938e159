from rest_framework import serializers

from ..models import AnnualPlan, PlanAmendment, Task


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


class AmendmentSerializer(serializers.ModelSerializer):
    clusters = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
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
        read_only_fields = fields  # amendments advance through POST …/advance/ only


class AdvanceSerializer(serializers.Serializer):
    to = serializers.CharField()
    date = serializers.DateField()
    document = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
