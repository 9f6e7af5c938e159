from rest_framework import serializers

from ..models import RegistryImport


class UploadSerializer(serializers.Serializer):
    province = serializers.CharField(max_length=5, help_text="GSO code of the province the workbook is for.")
    file = serializers.FileField(help_text="The registry workbook (.xlsx): the template's sheets.")


class ProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True, help_text="Column letter, e.g. C.")
    header = serializers.CharField(allow_blank=True, help_text="The column's header as written.")
    message = serializers.CharField()
    confirm = serializers.BooleanField(required=False, help_text="A look-alike name to confirm before importing.")


class RegistryImportSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    errors = ProblemSerializer(many=True, read_only=True)
    warnings = ProblemSerializer(many=True, read_only=True)
    summary = serializers.DictField(
        read_only=True,
        help_text="Per sheet (clusters, plans, entries, history, documents): new, changed, unchanged; `changes`: "
        "each changed record with its fields (field, old, new); `lookalikes`: names to confirm; `plan_totals`: "
        "each plan version's clusters and area computed from its entries (withdrawn and deferred not counted).",
    )
    preview = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="New records.")

    class Meta:
        model = RegistryImport
        fields = [
            "id",
            "province",
            "filename",
            "status",
            "status_label",
            "progress",
            "total_rows",
            "valid_rows",
            "errors",
            "warnings",
            "summary",
            "preview",
            "lookalikes_confirmed",
            "created_at",
            "imported_at",
        ]
        read_only_fields = fields


class CommitSerializer(serializers.Serializer):
    confirm_lookalikes = serializers.BooleanField(
        required=False, default=False, help_text="Needed when the check found look-alike names (summary.lookalikes)."
    )
