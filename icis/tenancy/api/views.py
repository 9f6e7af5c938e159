import datetime

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.clusters.models import Cluster
from icis.core import lifecycle
from icis.core.api.pagination import StandardPagination
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet, VersionedUpdateMixin

from .. import periods, selectors, services
from ..filtersets import SubmissionFilterSet, TenantFilterSet, TenantProjectFilterSet
from ..models import Submission, Tenant, TenantProject
from .serializers import (
    OccupancyRowSerializer,
    OccupancySerializer,
    ProjectStatusChangeSerializer,
    ProjectTransitionSerializer,
    ReturnSerializer,
    SubmissionSerializer,
    TenantProjectSerializer,
    TenantSerializer,
)

AS_OF = OpenApiParameter("as_of", datetime.date, description="YYYY-MM-DD; default today")


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=["cluster", "commune", "legacy_district", "city"], required=False)


class TenantViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Secondary investors (tenants). Tax code: 10 digits, or 10 digits-3 digits for a branch."""

    serializer_class = TenantSerializer
    filterset_class = TenantFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return Tenant.objects.all()


class TenantProjectViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Tenant projects: land leased or approved in a cluster. The total can never exceed the cluster's
    industrial land; a project that would is refused with the land left."""

    serializer_class = TenantProjectSerializer
    filterset_class = TenantProjectFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return TenantProject.objects.select_related("tenant", "cluster")

    @extend_schema(request=ProjectTransitionSerializer, responses={200: TenantProjectSerializer})
    @action(detail=True, methods=["post"], permission_classes=[requires("tenancy.change_tenantproject")])
    def transition(self, request, pk=None):
        """Change the project's status, dated, with why and on what document (the one way it changes)."""
        project = self.get_object()
        payload = ProjectTransitionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.project_transition(
            project=project,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data.get("reason", ""),
            document=data.get("document"),
            expected_version=data.get("version"),
            actor=request.user,
        )
        fresh = get_object_or_404(self.get_base_queryset(), pk=project.pk)
        return Response(TenantProjectSerializer(fresh, context=self.get_serializer_context()).data)

    # The whole status history (bounded by the project's life), so not paginated.
    @extend_schema(responses={200: ProjectStatusChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="status-history", pagination_class=None)
    def status_history(self, request, pk=None):
        project = self.get_object()
        changes = project.status_changes.select_related("actor").order_by(*lifecycle.NEWEST_FIRST)
        return Response(ProjectStatusChangeSerializer(changes, many=True).data)


class ClusterOccupancyView(APIView):
    """A cluster's occupancy per Decree 32 Art 2.7, now or on `as_of`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[AS_OF], responses=OccupancySerializer)
    def get(self, request, pk):
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        cluster = get_object_or_404(Cluster.objects.restrict(request.user), pk=pk)
        return Response(
            OccupancySerializer(selectors.cluster_occupancy(cluster, as_of=query.validated_data.get("as_of"))).data
        )


_paged_occupancy = inline_serializer(
    "PaginatedOccupancyRowList",
    fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": OccupancyRowSerializer(many=True),
    },
)


class OccupancyTableView(GenericAPIView):
    """Occupancy by cluster, commune, legacy district or for the whole province (land-weighted).

    By cluster, commune or legacy district: paginated as every list (`?page=`, `?page_size=`; `count`, `next`,
    `previous`, `results`), ordered by label then key, and only the page's rows are computed (ORDER BY …
    LIMIT/OFFSET in SQL). `group_by=city`: a list of its one row, not paginated."""

    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination
    queryset = Cluster.objects.none()  # for the OpenAPI schema only: rows come from selectors.occupancy_rows

    @extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter("group_by", str, enum=["cluster", "commune", "legacy_district", "city"]),
            OpenApiParameter("page", int, description="Page number, from 1 (not with group_by=city)."),
            OpenApiParameter(
                "page_size", int, description="Rows a page, default 50, at most 500 (not with group_by=city)."
            ),
        ],
        responses=PolymorphicProxySerializer(
            component_name="OccupancyTable",
            serializers=[_paged_occupancy, OccupancyRowSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        operation_id="occupancy_list",  # as before the table was paged
    )
    def get(self, request):
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        clusters = Cluster.objects.restrict(request.user)
        group_by, as_of = query.validated_data.get("group_by", "cluster"), query.validated_data.get("as_of")
        if group_by == "city":
            row = selectors.occupancy_city(clusters=clusters, as_of=as_of)
            return Response(OccupancyRowSerializer([row], many=True).data)
        rows = selectors.occupancy_rows(clusters=clusters, group_by=group_by, as_of=as_of)
        return self.get_paginated_response(OccupancyRowSerializer(self.paginate_queryset(rows), many=True).data)


class SubmissionViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Circular 14 Forms 01 (tenants) and 02 (investors): draft → submitted → returned → accepted."""

    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return Submission.objects.select_related("cluster", "tenant_project__tenant")

    def _respond(self, submission):
        return Response(SubmissionSerializer(submission, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.submission_submit(submission=self.get_object(), actor=request.user))

    @extend_schema(request=ReturnSerializer, responses=SubmissionSerializer)
    @action(
        detail=True, methods=["post"], url_path="return", permission_classes=[requires("tenancy.review_submission")]
    )
    def return_(self, request, pk=None):
        payload = ReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(
            services.submission_return(
                submission=self.get_object(), reason=payload.validated_data["reason"], actor=request.user
            )
        )

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("tenancy.review_submission")])
    def accept(self, request, pk=None):
        return self._respond(services.submission_accept(submission=self.get_object(), actor=request.user))


class OverdueQuery(serializers.Serializer):
    period = serializers.CharField()
    form = serializers.ChoiceField(choices=["01", "02"])

    def validate_period(self, value):
        try:
            return periods.parse(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class OverdueView(APIView):
    """Reports still owed for a period and form, from the deadline day on: Circular 14 says "trước ngày"
    (before the day), so on `deadline` itself an unsent report is already overdue."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="e.g. 2026-H1"),
            OpenApiParameter("form", str, required=True, enum=["01", "02"]),
        ],
        responses={
            200: {
                "type": "object",
                "properties": {
                    "period": {"type": "string"},
                    "form": {"type": "string"},
                    "deadline": {"type": "string", "format": "date"},
                    "overdue": {"type": "array", "items": {"type": "object"}},
                },
            }
        },
    )
    def get(self, request):
        query = OverdueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        period, form = query.validated_data["period"], query.validated_data["form"]
        late = selectors.overdue(form=form, period=period, clusters=Cluster.objects.restrict(request.user))
        if form == "01":
            items = [{"tenant_project": p.pk, "tenant": p.tenant.name, "cluster": p.cluster.name} for p in late]
        else:
            items = [{"cluster": c.pk, "name": c.name, "investor": str(c.investor)} for c in late]
        return Response({"period": period.code, "form": form, "deadline": period.deadline(form), "overdue": items})
