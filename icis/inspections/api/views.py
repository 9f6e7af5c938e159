from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from icis.core.api.pagination import StandardPagination
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet

from .. import selectors, services
from ..choices import PlanStatus
from ..filtersets import InspectionFilterSet, PlanFilterSet
from .serializers import (
    InspectionSerializer,
    PlanSerializer,
    ViolationCreateSerializer,
    ViolationQuerySerializer,
    ViolationRowSerializer,
    api_inspections,
)


class BoundedIds:
    """Ids in the URL too long for the database are simply not there (404), never a server error."""

    def initial(self, request, *args, **kwargs):
        value = kwargs.get("pk")
        if value is not None and len(str(value)) > 18:
            raise NotFound()
        super().initial(request, *args, **kwargs)


class PlanTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PlanStatus.choices)
    date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, BoundedIds, ScopedViewSet):
    """Inspection plans of the provinces you reach. DoIT creates a draft; entries are added as inspections
    naming the plan; a leader approves (refused while a Decree 32 Art 24.2 conflict remains)."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_base_queryset(self):
        return selectors.plans().prefetch_related("inspections").order_by("-year", "-id")

    def perform_create(self, serializer):
        serializer.instance = services.plan_create(data=dict(serializer.validated_data), actor=self.request.user)

    @extend_schema(
        request=PlanTransitionSerializer, responses={200: PlanSerializer}, summary="Submit, approve or return"
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def transition(self, request, pk=None):
        submit, approve = "inspections.submit_inspectionplan", "inspections.approve_inspectionplan"
        if not (request.user.has_perm(submit) or request.user.has_perm(approve)):
            self.permission_denied(request)
        plan = self.get_object()
        payload = PlanTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not request.user.has_perm(submit if data["to"] == PlanStatus.SUBMITTED else approve):
            self.permission_denied(request)
        services.plan_transition(
            plan=plan,
            to=data["to"],
            actor=request.user,
            effective_on=data.get("date"),
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return Response(PlanSerializer(self.get_base_queryset().get(pk=plan.pk), context={"request": request}).data)


class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, BoundedIds, ScopedViewSet
):
    """Inspections you reach: officials those of their clusters, investors and firms only their own."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def get_base_queryset(self):
        if self.action in ("list", "retrieve"):
            return api_inspections(selectors.inspections()).order_by("-id")
        return selectors.inspections().prefetch_related("violations").order_by("-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        topics = data.pop("topics")
        team = data.pop("team", [])
        client_id = data.pop("client_id", None)
        serializer.instance = services.inspection_create(
            data=data, topics=topics, team=team, client_id=client_id, actor=self.request.user
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[ViolationQuerySerializer],
        responses={200: ViolationRowSerializer(many=True)},
        summary="Every violation you may see: those found on inspections and the wastewater ones",
    ),
    create=extend_schema(
        request=ViolationCreateSerializer,
        responses={201: ViolationCreateSerializer},
        summary="Record a violation found on an inspection",
    ),
)
class ViolationViewSet(viewsets.GenericViewSet):
    """The register of violations: inspection findings and the wastewater violations of the environment
    app together, oldest deadline first. `open=true`: still to remedy; `overdue=true`: open and past the
    deadline; `cluster`: of one cluster."""

    pagination_class = StandardPagination
    serializer_class = ViolationRowSerializer
    filter_backends = []

    def get_permissions(self):
        if self.action == "create":
            return [requires("inspections.add_violation")()]
        return [IsAuthenticated()]

    def get_queryset(self):  # the schema generator asks; the list is built by the selector
        return selectors.violations().none()

    def list(self, request):
        query = ViolationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = selectors.register_rows(
            request.user,
            today=timezone.localdate(),
            open_only=params["open"],
            overdue_only=params["overdue"],
            cluster_id=params.get("cluster"),
            source=params.get("source"),
            topic=params.get("topic"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ViolationRowSerializer([r.as_dict() for r in page], many=True).data)

    def create(self, request):
        payload = ViolationCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        inspection = get_object_or_404(
            selectors.inspections().restrict(request.user, "change"), pk=data.pop("inspection").pk
        )
        client_id = data.pop("client_id", None)
        violation = services.violation_create(inspection=inspection, data=data, actor=request.user, client_id=client_id)
        return Response(
            ViolationCreateSerializer(violation, context={"request": request}).data, status.HTTP_201_CREATED
        )
