from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from icis.clusters.models import Cluster
from icis.core.api.permissions import requires
from icis.core.api.views import IF_MATCH, PreconditionFailed, ScopedViewSet, VersionedUpdateMixin, etag_for
from icis.core.scoping import in_reach
from icis.documents.models import Document

from .. import selectors, services
from ..models import AmendmentChange, AnnualPlan, DevelopmentPlan, PlanAmendment, PlanEntry
from .serializers import (
    AdvanceSerializer,
    AmendmentChangeSerializer,
    AmendmentSerializer,
    AnnualPlanSerializer,
    CompareSerializer,
    DevelopmentPlanSerializer,
    PlanEntrySerializer,
    _saved,
)


class AsOf(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class AnnualPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual plans with their targets measured live from the registry (`actual`) as of a date."""

    serializer_class = AnnualPlanSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["year"]

    def get_queryset(self):
        """The annual plans of the provinces the user reaches (a province's own plans: 404 elsewhere)."""
        plans = in_reach(AnnualPlan.objects.all(), self.request.user)
        return plans.prefetch_related("targets", "tasks").select_related("document")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        query = AsOf(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        clusters = Cluster.objects.restrict(self.request.user)
        as_of = query.validated_data.get("as_of")
        context["progress"] = lambda plan: selectors.plan_progress(
            plan, as_of=as_of, clusters=clusters.filter(province_id=plan.province_id)
        )
        return context

    @extend_schema(parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD; default today")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AmendmentViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Plan amendments (proposals to add clusters to, or change, the plan) and their procedure. DoIT
    officers draft them (POST, `planning.add_planamendment`) and change them while open (PATCH with
    If-Match); the procedure moves through `advance/`; approval makes the next plan version."""

    serializer_class = AmendmentSerializer
    filterset_fields = ["plan", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return PlanAmendment.objects.prefetch_related("clusters").select_related("decision")

    @extend_schema(request=AdvanceSerializer, responses=AmendmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("planning.approve_plan")])
    def advance(self, request, pk=None):
        payload = AdvanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        document = (
            get_object_or_404(Document.objects.restrict(request.user), pk=data["document"])
            if data.get("document")
            else None
        )
        amendment = services.amendment_advance(
            amendment=self.get_object(),
            to_status=data["to"],
            on=data["date"],
            document=document,
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(AmendmentSerializer(amendment).data)


class DevelopmentPlanViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Development plan versions of the provinces the user reaches (`?province=<code>` for one), with
    totals computed from their entries; `entries/` lists a version's entries, `compare/?with=<id>`
    compares it with another version cluster by cluster. DoIT officers record a version as its decision
    states it (POST, `planning.add_developmentplan`) and correct it while no later version amends it
    (PATCH with If-Match)."""

    serializer_class = DevelopmentPlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        plans = DevelopmentPlan.objects.select_related("document").order_by("province_id", "-is_current", "-id")
        province = self.request.query_params.get("province")
        return plans.filter(province_id=province) if province else plans

    @extend_schema(parameters=[OpenApiParameter("province", str, description="A province's code")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=PlanEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def entries(self, request, pk=None):
        plan = self.get_object()
        rows = plan.entries.select_related("cluster").order_by("group", "name")
        return Response(PlanEntrySerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "with",
                int,
                description="The other version (default: the version this one amends, else the province's "
                "version before it)",
                required=False,
            )
        ],
        responses=CompareSerializer,
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """What became of each cluster from the other (earlier) version to this one: `kept`,
        `area_changed` (old → new area), `withdrawn`, `added`, `brought_forward`, `deferred`."""
        new = self.get_object()
        versions = DevelopmentPlan.objects.restrict(request.user)
        other = request.query_params.get("with")
        if other is not None and not str(other).isdigit():
            raise serializers.ValidationError({"with": ["Name the version to compare with (its id)."]})
        if other:
            old = get_object_or_404(versions, pk=other)
        else:  # the version it amends, else the province's version before it, else itself (all kept)
            earlier = versions.filter(province_id=new.province_id, pk__lt=new.pk).order_by("-pk").first()
            old = new.amends if new.amends_id else (earlier or new)
        rows = selectors.compare(old, new)
        summary = {row["change"]: row["count"] for row in selectors.compare_summary(rows)}
        return Response(CompareSerializer({"old": old.pk, "new": new.pk, "summary": summary, "clusters": rows}).data)


class PlanEntryViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Entries of plan versions (`?plan=<id>`). DoIT officers create and change them
    (`planning.add_planentry`, `planning.change_planentry`); changing an entry never changes the
    cluster's status."""

    serializer_class = PlanEntrySerializer
    filterset_fields = ["plan", "group"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return PlanEntry.objects.select_related("cluster", "plan").order_by("plan_id", "name")

    def get_permissions(self):
        if self.request.method == "POST":
            return [requires("planning.add_planentry")()]
        if self.request.method == "PATCH":
            return [requires("planning.change_planentry")()]
        return [IsAuthenticated()]


class AmendmentChangeViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """What open amendments do to each cluster (`?amendment=<id>`): added (POST), changed (PATCH) and
    removed (DELETE) while the amendment is not approved or rejected, with If-Match on PATCH and DELETE;
    `planning.add_amendmentchange`, `…change…`, `…delete…`. A cluster of another province is refused
    (400, `cluster`)."""

    serializer_class = AmendmentChangeSerializer
    filterset_fields = ["amendment", "group"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self):
        return AmendmentChange.objects.select_related("cluster", "amendment__plan").order_by("amendment_id", "id")

    @extend_schema(parameters=[IF_MATCH], responses={204: None})
    def destroy(self, request, *args, **kwargs):
        change = self.get_object()
        if_match = request.headers.get("If-Match")
        expected = None
        if if_match is not None:
            wanted = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
            if "*" not in wanted and etag_for(change) not in wanted:
                raise PreconditionFailed(
                    f"If-Match {if_match} is stale: the change is now at ETag {etag_for(change)}. "
                    "GET it again and decide again."
                )
            expected = change.version
        _saved(lambda: services.amendment_change_delete(change=change, actor=request.user, expected_version=expected))
        return Response(status=204)
