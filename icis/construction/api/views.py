import datetime

from django.db.models import F
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.clusters.models import Cluster
from icis.core.api.pagination import StandardPagination
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet, VersionedUpdateMixin

from .. import selectors, services
from ..choices import BOARD_STAGES_VALUES, Flag
from ..filtersets import (
    MilestoneFilterSet,
    ObstacleFilterSet,
    PlannedVisitFilterSet,
    ProgressReportFilterSet,
    VisitRecordFilterSet,
)
from ..models import Milestone, PlannedVisit, VisitPlan, VisitRecord
from .serializers import (
    MilestoneSerializer,
    ObstacleSerializer,
    PlannedVisitSerializer,
    ProgressReportSerializer,
    ProgressReportSubmitSerializer,
    ReviewSerializer,
    VisitPlanSerializer,
    VisitRecordSerializer,
)


class BoundedIds:
    """Ids in the URL too long for the database are simply not there (404), never a server error."""

    def initial(self, request, *args, **kwargs):
        for key in ("pk", "cluster_id"):
            value = kwargs.get(key)
            if value is not None and len(str(value)) > 18:
                raise NotFound()
        super().initial(request, *args, **kwargs)


CLUSTER_ID = OpenApiParameter("cluster_id", int, OpenApiParameter.PATH, description="The cluster's id")


@extend_schema_view(
    list=extend_schema(parameters=[CLUSTER_ID], summary="The cluster's progress reports, newest first"),
    create=extend_schema(
        parameters=[CLUSTER_ID],
        request=ProgressReportSubmitSerializer,
        responses={201: ProgressReportSerializer},
        summary="Submit a progress report (investor of the cluster, or DoIT)",
    ),
)
class ClusterProgressReportViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, BoundedIds, ScopedViewSet):
    """Progress reports of one cluster. The cluster must be in your scope (else 404)."""

    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet

    def get_cluster(self) -> Cluster:
        action_name = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return get_object_or_404(Cluster.objects.restrict(self.request.user, action_name), pk=self.kwargs["cluster_id"])

    def get_base_queryset(self):
        return selectors.report_list().order_by("-report_date", "-id")

    def get_queryset(self):
        return super().get_queryset().filter(cluster_id=self.kwargs.get("cluster_id"))

    def list(self, request, *args, **kwargs):
        self.get_cluster()
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        payload = ProgressReportSubmitSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        components = data.pop("components", None)
        report = services.progress_report_submit(cluster=cluster, data=data, components=components, actor=request.user)
        fresh = selectors.report_list().get(pk=report.pk)
        return Response(ProgressReportSerializer(fresh).data, status=status.HTTP_201_CREATED)


class ProgressReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoundedIds, ScopedViewSet):
    """All progress reports you reach; DoIT accepts or returns submitted ones."""

    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet

    def get_base_queryset(self):
        return selectors.report_list().order_by("-report_date", "-id")

    def _review(self, request, accept: bool):
        report = self.get_object()
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        note = payload.validated_data.get("note", "")
        if accept:
            services.progress_report_accept(report=report, actor=request.user, note=note)
        else:
            services.progress_report_return(report=report, actor=request.user, note=note)
        return Response(ProgressReportSerializer(selectors.report_list().get(pk=report.pk)).data)

    @extend_schema(request=ReviewSerializer, responses={200: ProgressReportSerializer}, summary="Accept (DoIT)")
    @action(detail=True, methods=["post"], permission_classes=[requires("construction.review_progressreport")])
    def accept(self, request, pk=None):
        return self._review(request, accept=True)

    @extend_schema(
        request=ReviewSerializer,
        responses={200: ProgressReportSerializer},
        summary="Return to the investor with a note saying what to correct (DoIT)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=[requires("construction.review_progressreport")],
    )
    def return_report(self, request, pk=None):
        return self._review(request, accept=False)


class MilestoneViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    BoundedIds,
    ScopedViewSet,
):
    """Planned (from the establishment decision) and actual milestone dates; variance in days."""

    serializer_class = MilestoneSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = MilestoneFilterSet

    def get_base_queryset(self):
        return Milestone.objects.select_related("cluster").order_by(
            "cluster_id", F("planned_on").asc(nulls_last=True), "id"
        )


class ObstacleViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    BoundedIds,
    ScopedViewSet,
):
    """The obstacle register: `?status=open&overdue=true` lists what is late."""

    serializer_class = ObstacleSerializer
    filterset_class = ObstacleFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return selectors.obstacle_list().order_by(*selectors.OBSTACLE_ORDER)


# --- the site visits of wave 1: read only ---------------------------------------------------------------
# Site visits are inspections of the topic construction now (docs/inspections.md). The reads stay for old
# clients; every write answers 410 Gone and names where the work went. (The addresses are text: construction
# does not import inspections.)

RETIRED_WRITES = ("POST", "PUT", "PATCH", "DELETE")
INSPECTIONS_API = {"plans": "/api/inspection-plans/", "inspections": "/api/inspections/"}
_retired = inline_serializer(
    "VisitsRetired",
    {
        "detail": serializers.CharField(),
        "errors": serializers.ListField(child=serializers.DictField(child=serializers.CharField(allow_null=True))),
        "use": serializers.DictField(child=serializers.CharField()),
    },
)
RETIRED_SCHEMA = extend_schema(
    request=None,
    responses={410: OpenApiResponse(_retired, description="Retired: plan and record site visits as inspections")},
    deprecated=True,
    description=(
        "Retired (410 Gone, nothing written): site visits are inspections of the topic construction. Plan them "
        "with `/api/inspection-plans/` and `/api/inspections/` (topic `construction`), record findings on the "
        "inspection."
    ),
)
DEPRECATED_READ = extend_schema(
    deprecated=True,
    description="Kept for old clients; new visits are inspections of the topic construction (`/api/inspections/`).",
)


class VisitsRetired(APIException):
    status_code = 410
    default_code = "gone"
    default_detail = (
        "Site visits are recorded as inspections now: use /api/inspection-plans/ and /api/inspections/ "
        "(topic construction). Nothing was written."
    )

    def __init__(self):
        super().__init__()
        self.api_extra = {"use": INSPECTIONS_API}


@extend_schema_view(
    list=DEPRECATED_READ,
    retrieve=DEPRECATED_READ,
    create=RETIRED_SCHEMA,
    update=RETIRED_SCHEMA,
    partial_update=RETIRED_SCHEMA,
    destroy=RETIRED_SCHEMA,
)
class RetiredVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoundedIds, ScopedViewSet):
    """Reads as before; any write, by anyone signed in, is refused with 410 before any permission or lookup."""

    def check_permissions(self, request):
        if request.method in RETIRED_WRITES:
            if not (request.user and request.user.is_authenticated):
                self.permission_denied(request)
            raise VisitsRetired()
        super().check_permissions(request)

    def create(self, request, *args, **kwargs):
        raise VisitsRetired()

    def update(self, request, *args, **kwargs):
        raise VisitsRetired()

    def partial_update(self, request, *args, **kwargs):
        raise VisitsRetired()

    def destroy(self, request, *args, **kwargs):
        raise VisitsRetired()


class VisitPlanViewSet(RetiredVisitViewSet):
    """Site-visit plans of wave 1 (read only; copied into inspection plans)."""

    serializer_class = VisitPlanSerializer

    def get_base_queryset(self):
        return VisitPlan.objects.select_related("approved_by").prefetch_related("visits")

    @RETIRED_SCHEMA
    @action(detail=False, methods=["post"])
    def generate(self, request):
        raise VisitsRetired()

    @RETIRED_SCHEMA
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        raise VisitsRetired()


class PlannedVisitViewSet(RetiredVisitViewSet):
    """Visits of the plans of wave 1 (read only); `?overdue=true`: approved, past their date, no visit recorded."""

    serializer_class = PlannedVisitSerializer
    filterset_class = PlannedVisitFilterSet

    def get_base_queryset(self):
        return PlannedVisit.objects.select_related("cluster", "plan")


class VisitRecordViewSet(RetiredVisitViewSet):
    """What inspectors found on site in wave 1 (read only; each copied into an inspection with its finding)."""

    serializer_class = VisitRecordSerializer
    filterset_class = VisitRecordFilterSet

    def get_base_queryset(self):
        return VisitRecord.objects.select_related("inspector").prefetch_related("photos")


_summary = inline_serializer(
    "ConstructionSummary",
    {key: serializers.IntegerField() for key in selectors.SUMMARY_KEYS},
)


class SummaryQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    established_from = serializers.DateField(required=False)
    established_to = serializers.DateField(required=False)


class ConstructionSummaryView(APIView):
    """The half-year construction table, computed from the recorded history as it stood on `as_of`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", datetime.date, description="YYYY-MM-DD, default today"),
            OpenApiParameter("established_from", datetime.date, description="establishment window start"),
            OpenApiParameter("established_to", datetime.date, description="establishment window end (≤ as_of)"),
        ],
        responses=_summary,
        description=(
            "`established`: clusters established (first dated change to `established`) in the window and by "
            "`as_of`; among them `under_construction`: construction begun by `as_of` (includes those since "
            "complete); `infrastructure_complete`; `at_least_90_percent`: still under construction, last accepted "
            "report ≥ ICIS_NEAR_COMPLETE_PERCENT; `not_started`: still established only; `stalled`: under "
            "construction with no progress for more than ICIS_STALLED_MONTHS."
        ),
    )
    def get(self, request):
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return Response(
            selectors.construction_summary(
                as_of=data.get("as_of"),
                established_from=data.get("established_from"),
                established_to=data.get("established_to"),
                clusters=Cluster.objects.restrict(request.user),
            )
        )


_board_rows = inline_serializer(
    "ConstructionBoardRow",
    many=True,
    fields={
        "cluster": serializers.IntegerField(),
        "name": serializers.CharField(),
        "stage": serializers.CharField(),
        "progress_percent": serializers.FloatField(allow_null=True),
        "progress_reported_on": serializers.DateField(allow_null=True),
        "expected_completion": serializers.DateField(allow_null=True),
        "forecast_trend": serializers.CharField(),
        "forecast": serializers.CharField(),
        "delay_days": serializers.IntegerField(allow_null=True),
        "flags": serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
        "open_obstacles": serializers.IntegerField(),
        "overdue_obstacles": serializers.IntegerField(),
    },
)


class BoardQuery(serializers.Serializer):
    ordering = serializers.ChoiceField(choices=list(selectors.BOARD_ORDERINGS), required=False)
    stage = serializers.ChoiceField(choices=BOARD_STAGES_VALUES, required=False)
    flag = serializers.ChoiceField(choices=Flag.values, required=False)


class ConstructionBoardView(GenericAPIView):
    """Clusters from establishment to infrastructure complete: progress, forecast, delay and flags with reasons.

    Paginated as every list (`?page=`, `?page_size=`; `count`, `next`, `previous`, `results`): the filters and
    the order are applied in SQL to the whole board, and only the page's rows are worked out."""

    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination
    queryset = Cluster.objects.none()  # for the OpenAPI schema only: rows come from construction_board_page

    @extend_schema(
        parameters=[
            OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(selectors.BOARD_ORDERINGS)),
            OpenApiParameter("stage", OpenApiTypes.STR, enum=list(BOARD_STAGES_VALUES)),
            OpenApiParameter("flag", OpenApiTypes.STR, enum=Flag.values),
        ],
        responses=_board_rows,
    )
    def get(self, request):
        query = BoardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.construction_board_page(
            user=request.user,
            paginate=lambda items: self.paginate_queryset(items) or [],
            **query.validated_data,
        )
        return self.get_paginated_response(
            [
                {
                    "cluster": row.cluster.pk,
                    "name": row.cluster.name,
                    "stage": row.stage,
                    "progress_percent": float(row.progress) if row.progress is not None else None,
                    "progress_reported_on": row.latest.on if row.latest else None,
                    "expected_completion": row.forecast.expected_on,
                    "forecast_trend": row.forecast.trend,
                    "forecast": row.forecast.explanation,
                    "delay_days": row.delay_days,
                    "flags": [{"flag": f.flag, "reason": f.reason} for f in row.flags],
                    "open_obstacles": row.open_obstacles,
                    "overdue_obstacles": row.overdue_obstacles,
                }
                for row in rows
            ]
        )
