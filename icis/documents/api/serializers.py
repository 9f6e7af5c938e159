from rest_framework import serializers

from icis.core.api.serializers import ScopedRelationsMixin

from .. import services
from ..models import Document, Source
from ..selectors import linking_clusters


class SourceSerializer(serializers.ModelSerializer):
    document = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Source
        fields = ["id", "document", "title", "url", "published_on", "note"]


class DocumentSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    year = serializers.IntegerField(required=False, min_value=1945, max_value=2100)

    class Meta:
        model = Document
        fields = [
            "id",
            "doc_type",
            "number",
            "year",
            "issued_on",
            "issuer",
            "signer",
            "summary",
            "url",
            "file",
            "clusters",
            "version",
            "created_at",
        ]
        read_only_fields = ["created_at", "version"]
        # number + year + issuer uniqueness is checked by the model (year may come from the date).
        validators = []

    def get_fields(self):
        """`clusters` names only clusters the user reaches, as the pages do: linked on write to those
        the user may change, shown on read as those the user may see (the view prefetches only those);
        links to the others are kept and never named."""
        fields = super().get_fields()
        request = self.context.get("request")
        fields["clusters"] = serializers.PrimaryKeyRelatedField(
            many=True, required=False, queryset=linking_clusters(getattr(request, "user", None), "change")
        )
        return fields

    def validate(self, attrs):
        if not attrs.get("year"):
            if not attrs.get("issued_on"):
                raise serializers.ValidationError({"year": "Give the year or the date issued."})
            attrs["year"] = attrs["issued_on"].year
        return attrs

    def create(self, validated_data):
        clusters = validated_data.pop("clusters", [])
        return services.document_create(data=validated_data, actor=self.context["request"].user, clusters=clusters)
