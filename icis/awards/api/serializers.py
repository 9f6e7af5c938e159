from rest_framework import serializers

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core.api.serializers import ScopedRelationsMixin
from icis.documents.models import Document
from icis.geo.models import Province

from ..choices import NominationStatus
from ..models import Achievement, AwardTitle, Nomination, NominationStatusChange


class AwardTitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardTitle
        fields = ["id", "code", "name", "kind", "recipients", "authority", "note", "active"]
        read_only_fields = fields


class AchievementSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """What was achieved, by whom, over which period, for which clusters, with which evidence."""

    province = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    clusters = serializers.PrimaryKeyRelatedField(queryset=Cluster.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), many=True, required=False)
    recipient = serializers.CharField(read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "id",
            "province",
            "recipient_kind",
            "organisation",
            "unit",
            "person_name",
            "position",
            "recipient",
            "description",
            "period_start",
            "period_end",
            "clusters",
            "evidence",
        ]
        read_only_fields = ["id", "recipient"]


class NominationSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A nomination for commendation. To create one, give either `achievement_id` (an achievement
    already registered: a second nomination of it, refused once it is awarded) or `achievement` (a new
    one). It starts as a draft; `POST …/transition/` moves it."""

    achievement = AchievementSerializer(required=False)
    achievement_id = serializers.PrimaryKeyRelatedField(
        queryset=Achievement.objects.all(),
        write_only=True,
        required=False,
        help_text="An achievement already registered (instead of `achievement`).",
    )
    title = serializers.PrimaryKeyRelatedField(queryset=AwardTitle.objects.filter(active=True))
    title_name = serializers.CharField(source="title.name", read_only=True)
    authority = serializers.CharField(source="title.authority", read_only=True)
    status = serializers.ChoiceField(choices=NominationStatus.choices, read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "achievement",
            "achievement_id",
            "title",
            "title_name",
            "authority",
            "year",
            "status",
            "status_since",
            "decision",
            "awarded_on",
            "notes",
            "version",
        ]
        read_only_fields = ["id", "status", "status_since", "decision", "awarded_on", "version"]

    def validate(self, attrs):
        given = self.initial_data if isinstance(self.initial_data, dict) else {}
        if ("achievement" in given) == ("achievement_id" in given):
            raise serializers.ValidationError(
                {"achievement": ["Give either `achievement` (a new one) or `achievement_id` (one registered)."]}
            )
        return attrs


class NominationTransitionSerializer(ScopedRelationsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=NominationStatus.choices)
    date = serializers.DateField(help_text="YYYY-MM-DD, the day the change took effect (not in the future)")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required to refuse.")
    decision = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(),
        required=False,
        allow_null=True,
        help_text="The deciding document; required to award.",
    )
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one is refused.")


class StatusChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = NominationStatusChange
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
