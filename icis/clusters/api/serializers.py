from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, router
from django.db.models import Exists, Manager, OuterRef, Prefetch, prefetch_related_objects
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from icis.accounts.models import Organisation
from icis.core.api.serializers import ScopedRelationsMixin
from icis.core.scoping import choices_in_scope, home_province_code
from icis.documents.api.serializers import SourceSerializer
from icis.documents.models import Document, Source
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict, Province

from .. import plausibility, services
from ..choices import ClusterStatus, CommuneBasis
from ..models import Cluster, ClusterCommune, ClusterExpansion, Sector, StatusChange

PREFETCHED = {
    "commune_links": "api_commune_links",
    "legacy_communes": "api_legacy_communes",
    "sectors": "api_sectors",
    "sources": "api_sources",
}
# On PostgreSQL the links, legacy communes and sectors come as arrays in the clusters' own query.
ARRAYS = {"commune_links": "api_links_array", "legacy_communes": "api_legacy_array", "sectors": "api_sector_array"}
HAS_SOURCES = "api_has_sources"


def _link(row: dict) -> SimpleNamespace:
    """A commune link read from the array: what the serializer and the size rules read of it."""
    return SimpleNamespace(
        commune_id=row["commune"],
        basis=row["basis"],
        is_lead=row["lead"],
        commune=SimpleNamespace(mountainous=row["mountainous"]),
    )


def related(obj, name) -> list:
    """A cluster's related rows as `api_clusters()` read them (a plain list), else its manager's."""
    rows = obj.__dict__.get(PREFETCHED[name])
    if rows is None:
        array = obj.__dict__.get(ARRAYS.get(name))
        if array is not None:
            rows = [_link(row) for row in array] if name == "commune_links" else [SimpleNamespace(pk=c) for c in array]
        elif name == "sources" and HAS_SOURCES in obj.__dict__:
            _cited([obj])
            rows = obj.__dict__.get(PREFETCHED["sources"], [])
        else:
            rows = list(getattr(obj, name).all())
        obj.__dict__[PREFETCHED[name]] = rows
    return rows


def _cited(clusters) -> None:
    """The sources of those of `clusters` that have any, in one query (none when no cluster has one)."""
    cited = [c for c in clusters if c.__dict__.get(HAS_SOURCES) and PREFETCHED["sources"] not in c.__dict__]
    if cited:
        sources = Source.objects.select_related("document")
        prefetch_related_objects(cited, Prefetch("sources", queryset=sources, to_attr=PREFETCHED["sources"]))


def api_clusters():
    """Clusters as the API reads them. On PostgreSQL one query: the commune links (with what the size
    rules need of the commune), legacy communes and sectors as arrays in the same order their managers
    give; elsewhere one query a relation into plain lists. Sources only for the clusters that have any
    (`_cited`: most have none, and then no query at all)."""
    kind = ContentType.objects.get_for_model(Cluster)
    clusters = Cluster.objects.annotate(
        **{HAS_SOURCES: Exists(Source.objects.filter(content_type=kind, object_id=OuterRef("pk")))}
    )
    if connections[router.db_for_read(Cluster)].vendor == "postgresql":
        links = (
            ClusterCommune.objects.filter(cluster=OuterRef("pk"))
            .order_by("commune__name")
            .values(
                row=JSONObject(commune="commune_id", basis="basis", lead="is_lead", mountainous="commune__mountainous")
            )
        )
        legacy = Cluster.legacy_communes.through.objects.filter(cluster=OuterRef("pk"))
        sectors = Cluster.sectors.through.objects.filter(cluster=OuterRef("pk"))
        return clusters.annotate(
            **{
                ARRAYS["commune_links"]: ArraySubquery(links),
                ARRAYS["legacy_communes"]: ArraySubquery(
                    legacy.order_by("legacycommune__name").values("legacycommune_id")
                ),
                ARRAYS["sectors"]: ArraySubquery(sectors.order_by("sector__name_vi").values("sector_id")),
            }
        )
    links = ClusterCommune.objects.select_related("commune").only(
        "cluster", "commune", "basis", "is_lead", "commune__mountainous"
    )
    return clusters.prefetch_related(
        Prefetch("commune_links", queryset=links, to_attr=PREFETCHED["commune_links"]),
        Prefetch("legacy_communes", queryset=LegacyCommune.objects.only("code"), to_attr=PREFETCHED["legacy_communes"]),
        Prefetch("sectors", queryset=Sector.objects.only("code"), to_attr=PREFETCHED["sectors"]),
    )


class ClusterListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        clusters = list(data.all() if isinstance(data, Manager) else data)
        _cited(clusters)
        return super().to_representation(clusters)


class HistoryStepSerializer(ScopedRelationsMixin, serializers.Serializer):
    """One past transition of a cluster being registered."""

    to_status = serializers.ChoiceField(choices=ClusterStatus.choices)
    effective_on = serializers.DateField(
        allow_null=True, required=False, default=None, help_text="YYYY-MM-DD, or null when no source dates it."
    )
    document = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The deciding document.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ClusterSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=ClusterStatus.choices,
        required=False,
        help_text="On registration only (default planned): the state the evidence shows. Afterwards it changes "
        "only by POST /api/clusters/{id}/transition/.",
    )
    status_date = serializers.DateField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="On registration only: YYYY-MM-DD the status began, or null when no source dates it "
        "(default today). Read it back as status_since.",
    )
    history = HistoryStepSerializer(
        many=True,
        required=False,
        write_only=True,
        help_text="On registration only: the cluster's past transitions, in any order, each with its date (null: "
        "unknown) and deciding document. They must chain as the lifecycle allows once sorted by date; the "
        "registration is the first step, and `status`/`status_date` (if given) must be the latest. Without "
        "`status`, the latest step is the current status. Read them back at /api/clusters/{id}/history/.",
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), required=False)
    legacy_district = serializers.SlugRelatedField(
        slug_field="code", queryset=LegacyDistrict.objects.all(), required=False, allow_null=True
    )
    legacy_communes = serializers.SlugRelatedField(
        slug_field="code", queryset=LegacyCommune.objects.all(), many=True, required=False
    )
    communes = serializers.SerializerMethodField()
    lead_commune = serializers.SerializerMethodField()
    suggested_communes = serializers.SerializerMethodField()
    sectors = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all(), many=True, required=False)
    investor = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    establishment_decision = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True
    )
    area_ha = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0, required=False, allow_null=True)
    planned_area_ha = serializers.DecimalField(
        max_digits=10, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    industrial_land_ha = serializers.DecimalField(
        max_digits=10, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    sources = SourceSerializer(many=True, read_only=True)
    confirm_warnings = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Save figures that break a rule of Decree 32 (see `warnings`) after checking them.",
    )
    confirm_lookalike = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="On create: register the cluster although its name looks like another's in the province "
        "(without it such a create answers 409 with `lookalikes` and `others`).",
    )
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = [
            "id",
            "code",
            "name",
            "name_ascii",
            "kind",
            "status",
            "status_label",
            "status_since",
            "status_date",
            "history",
            "province",
            "legacy_district",
            "legacy_communes",
            "communes",
            "lead_commune",
            "suggested_communes",
            "planned_area_ha",
            "area_ha",
            "industrial_land_ha",
            "latitude",
            "longitude",
            "boundary",
            "investor",
            "establishment_decision",
            "sectors",
            "operating_without_establishment",
            "needs_verification",
            "verification_note",
            "notes",
            "warnings",
            "confirm_warnings",
            "confirm_lookalike",
            "is_synthetic",
            "version",
            "sources",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status_since", "is_synthetic", "version", "created_at", "updated_at"]
        list_serializer_class = ClusterListSerializer

    def _links(self, obj, basis):
        return [link.commune_id for link in related(obj, "commune_links") if link.basis == basis]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_communes(self, obj):
        return self._links(obj, CommuneBasis.STATED)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="GSO code of the commune that reports a cluster straddling several (Form 03 counts it "
            "there only): one of `communes`. Set by itself for a cluster in one commune.",
        )
    )
    def get_lead_commune(self, obj):
        return next((link.commune_id for link in related(obj, "commune_links") if link.is_lead), None)

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), read_only=True))
    def get_suggested_communes(self, obj):
        return self._links(obj, CommuneBasis.SUGGESTED)

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(child=serializers.CharField()),
            help_text="Rules of Decree 32 the stored figures break: code, field, message naming the rule.",
        )
    )
    def get_warnings(self, obj):
        communes = [link.commune for link in related(obj, "commune_links")]
        return [w.as_dict() for w in plausibility.warnings_for(obj, communes)]

    def to_representation(self, instance):
        """What DRF's generic path gives, without its per-row cost (a manager, a queryset and an
        attribute walk per related field and row), which at 50 rows outweighed the queries. The
        relations are read from the lists `api_clusters()` prefetches (or their managers without
        them); every value still goes through its field's `to_representation`, so formats are the
        fields' own. Tests compare this with the generic path on varied clusters."""
        readers = self._readers()
        return {name: read(instance) for name, read in readers}

    def _readers(self):
        readers = getattr(self, "_cached_readers", None)
        if readers is None:
            readers = self._cached_readers = [(f.field_name, self._reader(f)) for f in self._readable_fields]
        return readers

    def _reader(self, field):
        name = field.field_name
        if isinstance(field, serializers.SerializerMethodField):
            method = getattr(self, field.method_name)
            return method
        if name == "status_label":
            # get_status_display() hashes every status's lazy label a row; the labels once a request
            labels = {value: str(label) for value, label in ClusterStatus.choices}
            return lambda obj: labels.get(obj.status, obj.status)
        if name in ("province", "legacy_district", "investor", "establishment_decision"):
            # slug `code` is the primary key of provinces and districts; the others are ids
            column = f"{name}_id"
            return lambda obj: getattr(obj, column)
        if name in ("legacy_communes", "sectors"):
            return lambda obj: [item.pk for item in related(obj, name)]
        if name == "sources":
            return lambda obj: field.to_representation(related(obj, name))
        represent, source = field.to_representation, field.source

        def read(obj):
            value = getattr(obj, source)
            return None if value is None else represent(value)

        return read

    def to_internal_value(self, data):
        validated = super().to_internal_value(data)
        if isinstance(data, dict) and "communes" in data:
            request = self.context.get("request")
            keep = (
                list(self.instance.communes.values_list("pk", flat=True)) if isinstance(self.instance, Cluster) else []
            )
            validated["communes"] = _communes_from(data["communes"], getattr(request, "user", None), keep)
        if isinstance(data, dict) and "lead_commune" in data:
            lead = data["lead_commune"]
            if lead is not None and not isinstance(lead, str):
                raise serializers.ValidationError({"lead_commune": ['Give a commune\'s GSO code, e.g. "10273".']})
            validated["lead_commune"] = lead or None
        return validated

    def _split(self, validated):
        relations = {
            key: validated.pop(key)
            for key in ("communes", "legacy_communes", "sectors", "lead_commune")
            if key in validated
        }
        relations["confirmed"] = validated.pop("confirm_warnings", False)
        confirm_lookalike = validated.pop("confirm_lookalike", False)
        if self.instance is None:
            relations["lookalike_confirmed"] = confirm_lookalike
        return validated, relations

    def create(self, validated_data):
        data, relations = self._split(validated_data)
        user = self.context["request"].user
        data.setdefault("province", Province.objects.filter(code=home_province_code(user)).first())
        if data["province"] is None:
            raise serializers.ValidationError({"province": "Give the province's GSO code."})
        history = [services.PastChange(place=index, **step) for index, step in enumerate(data.pop("history", []))]
        if history and "status" not in data:
            status, status_date = None, data.pop("status_date", None)  # the history's latest step
        else:
            status = data.pop("status", ClusterStatus.PLANNED)
            status_date = data.pop("status_date", timezone.localdate())
        try:
            return services.cluster_create(
                data=data,
                actor=self.context["request"].user,
                status=status,
                status_date=status_date,
                history=history,
                **relations,
            )
        except services.HistoryRefused as refused:
            if isinstance(refused.place, int):
                raise serializers.ValidationError(
                    {"history": {refused.place: [serializers.ErrorDetail(refused.message_text, code=refused.code)]}}
                ) from None
            raise

    def update(self, instance, validated_data):
        data, relations = self._split(validated_data)
        status = data.pop("status", instance.status)
        if status != instance.status or "status_date" in data or "history" in data:
            raise serializers.ValidationError(
                {
                    "status": _(
                        "The status is set when the cluster is registered; then it changes only by a transition "
                        "(POST /api/clusters/{id}/transition/)."
                    )
                }
            )
        return services.cluster_update(
            cluster=instance,
            data=data,
            actor=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
            **relations,
        )


def _communes_from(value, user, keep=()):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise serializers.ValidationError({"communes": ['Give a list of commune GSO codes, e.g. ["10273"].']})
    found = {c.code: c for c in choices_in_scope(Commune.objects.all(), user, keep=keep).filter(code__in=value)}
    unknown = [code for code in value if code not in found]
    if unknown:
        raise serializers.ValidationError({"communes": [f"Unknown commune code(s): {', '.join(unknown)}."]})
    return list(found.values())


class TransitionSerializer(ScopedRelationsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=ClusterStatus.choices)
    date = serializers.DateField()
    reason = serializers.CharField()
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)
    industrial_park_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="For `converted_to_park` (required then, with `document`): the industrial park it became.",
    )


class StatusChangeSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "expansion",
            "from_status",
            "to_status",
            "effective_on",
            "reason",
            "document",
            "actor",
            "recorded_at",
        ]


class HistoryEntrySerializer(serializers.Serializer):
    """One line of a cluster's history: a lifecycle event or a change to its fields."""

    type = serializers.ChoiceField(choices=["status", "change"])
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    via = serializers.CharField(allow_null=True)
    effective_on = serializers.DateField(allow_null=True, required=False)
    from_status = serializers.CharField(allow_blank=True, required=False)
    to_status = serializers.CharField(required=False)
    reason = serializers.CharField(allow_blank=True, required=False)
    document = serializers.IntegerField(allow_null=True, required=False)
    action = serializers.CharField(required=False)
    changes = serializers.ListField(child=serializers.DictField(), required=False)


class ExpansionSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = ClusterExpansion
        fields = [
            "id",
            "cluster",
            "added_area_ha",
            "added_industrial_land_ha",
            "decision",
            "status",
            "status_since",
            "notes",
            "version",
        ]
        read_only_fields = ["cluster", "status_since", "version"]
