from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from icis.clusters.models import Cluster
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet
from icis.core.scoping import in_reach
from icis.documents.models import Document

from .. import selectors, services
from ..models import AnnualPlan, PlanAmendment
from .serializers import AdvanceSerializer, AmendmentSerializer, AnnualPlanSerializer


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


class AmendmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Plan amendments (proposals to add clusters to the plan) and their procedure."""

    serializer_class = AmendmentSerializer

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
