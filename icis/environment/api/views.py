from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.clusters.models import Cluster
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet, VersionedUpdateMixin

from .. import selectors, services
from ..compliance import Catalogue
from ..filtersets import (
    ConnectionFilterSet,
    PlantFilterSet,
    RequirementFilterSet,
    SampleFilterSet,
    ViolationFilterSet,
)
from ..models import (
    MonitoringRequirement,
    Parameter,
    Regulation,
    Sample,
    TenantConnection,
    Violation,
    WastewaterPlant,
)
from .serializers import (
    AsOfQuery,
    ClusterItemsSerializer,
    ConnectionSerializer,
    ContinuousImportSerializer,
    EnvironmentSummarySerializer,
    FactorProposalSerializer,
    ImportResultSerializer,
    ParameterSerializer,
    PlantSerializer,
    PlantTransitionSerializer,
    RegulationSerializer,
    RequirementSerializer,
    SampleCreateSerializer,
    SampleSerializer,
    UnconnectedTenantSerializer,
    ViolationSerializer,
    ViolationTransitionSerializer,
)

AS_OF = OpenApiParameter("as_of", str, description="YYYY-MM-DD (default today)")
PLANT_ID = OpenApiParameter("plant_id", int, OpenApiParameter.PATH, description="The plant's id")


class PlantViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Central wastewater treatment plants. A plant is visible when any cluster it serves is (or to
    its operator). Status changes only through `transition`."""

    serializer_class = PlantSerializer
    filterset_class = PlantFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        # what the serializer shows: the clusters' and the operator's and permit's ids, the phases
        return WastewaterPlant.objects.prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.only("id")), "phases"
        )

    @extend_schema(request=PlantTransitionSerializer, responses={200: PlantSerializer})
    @action(detail=True, methods=["post"], permission_classes=[requires("environment.transition_wastewaterplant")])
    def transition(self, request, pk=None):
        plant = self.get_object()
        payload = PlantTransitionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.plant_transition(
            plant=plant,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data["reason"],
            document=data.get("document"),
            actor=request.user,
        )
        fresh = get_object_or_404(self.get_base_queryset(), pk=plant.pk)
        return Response(PlantSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[AS_OF],
        responses={200: FactorProposalSerializer},
        summary="Kq and Kf proposed from the bands (data) of the regulation in force: for a person to confirm",
    )
    @action(detail=True, methods=["get"])
    def factors(self, request, pk=None):
        plant = self.get_object()
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(selectors.factor_proposal(plant, day=query.validated_data.get("as_of")))

    @extend_schema(
        request={"multipart/form-data": ContinuousImportSerializer},
        responses={201: ImportResultSerializer},
        summary="Import the continuous station's daily values (CSV); all rows or none, errors by row",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="continuous-import",
        url_name="continuous-import",
        parser_classes=[MultiPartParser, FormParser],
        permission_classes=[requires("environment.add_sample")],
    )
    def continuous_import(self, request, pk=None):
        plant = self.get_object()
        payload = ContinuousImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        content = upload.read(settings.ICIS_IMPORT_MAX_BYTES + 1)
        summary = services.continuous_import(plant=plant, content=content, actor=request.user)
        return Response(summary, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[PLANT_ID], summary="The plant's samples, newest first, each judged"),
    retrieve=extend_schema(parameters=[PLANT_ID]),
    create=extend_schema(
        parameters=[PLANT_ID],
        request=SampleCreateSerializer,
        responses={201: SampleSerializer},
        summary="Record a sample; answers with compliance per parameter (limit, value, compliant)",
        description="Judged against the regulation version in force on `sampled_on` and the plant's column. "
        "Values of parameters the regulation has no limit for are kept and listed under `not_judged`; unknown "
        "units, non-numbers and duplicates are refused (400, each named) and nothing is written then. A plant "
        "whose Kq or Kf is blank is judged with the strictest factors the regulation allows (`factors_assumed`). "
        "An exceedance at the outlet opens a violation.",
    ),
)
class PlantSampleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Monitoring samples of one plant. The plant must be in your scope (else 404)."""

    serializer_class = SampleSerializer
    filterset_class = SampleFilterSet

    def get_plant(self, action_name: str) -> WastewaterPlant:
        return get_object_or_404(
            WastewaterPlant.objects.restrict(self.request.user, action_name), pk=self.kwargs["plant_id"]
        )

    def get_base_queryset(self):
        return (
            Sample.objects.select_related("plant")
            .prefetch_related("values__parameter", "violations")
            .order_by("-sampled_on", "-id")
        )

    def get_queryset(self):
        return super().get_queryset().filter(plant_id=self.kwargs.get("plant_id"))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("catalogue", Catalogue.load())
        return context

    def list(self, request, *args, **kwargs):
        self.get_plant("view")
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        plant = self.get_plant("change")
        payload = SampleCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        catalogue = Catalogue.load()
        sample, _judgement, _violations = services.sample_record(
            plant=plant,
            sampled_on=data["sampled_on"],
            point=data["point"],
            values=data["values"],
            lab=data.get("lab", ""),
            document=data.get("document"),
            notes=data.get("notes", ""),
            actor=request.user,
            catalogue=catalogue,
        )
        fresh = self.get_base_queryset().get(pk=sample.pk)
        body = SampleSerializer(fresh, context={**self.get_serializer_context(), "catalogue": catalogue}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ViolationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Exceedances and missing monitoring reports; `?status=open&overdue=true` lists what is late."""

    serializer_class = ViolationSerializer
    filterset_class = ViolationFilterSet

    def get_base_queryset(self):
        return Violation.objects.select_related("parameter", "regulation").order_by("deadline", "id")

    @extend_schema(request=ViolationTransitionSerializer, responses={200: ViolationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[requires("environment.change_violation")])
    def transition(self, request, pk=None):
        violation = self.get_object()
        payload = ViolationTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        violation = services.violation_transition(
            violation=violation,
            to_status=data["to"],
            on=data.get("date"),
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(ViolationSerializer(self.get_base_queryset().get(pk=violation.pk)).data)


class ConnectionViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """How each tenant project's wastewater is treated: connected to a central plant, or its own
    treatment under its own permit. End an arrangement (`until`) before recording the next one."""

    serializer_class = ConnectionSerializer
    filterset_class = ConnectionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return TenantConnection.objects.select_related("tenant_project").order_by("tenant_project_id", "-since")


class RequirementViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Periodic monitoring reports a plant owes (e.g. every 3 months, 30 days' grace)."""

    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return MonitoringRequirement.objects.order_by("plant_id", "starts_on", "id")


class RegulationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Effluent regulation versions with their limit tables and Kq/Kf bands, as loaded (read-only)."""

    serializer_class = RegulationSerializer

    def get_base_queryset(self):
        return Regulation.objects.prefetch_related("limits__parameter", "factor_bands")


class ParameterViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The parameter catalogue: codes, canonical units and the units accepted for each."""

    serializer_class = ParameterSerializer
    pagination_class = None

    def get_base_queryset(self):
        return Parameter.objects.all()


class SummaryView(APIView):
    """Wastewater indicators on a date, within your scope: operating clusters without an operating
    plant, plants not meeting the standard, new clusters (Plan 305) without a compliant plant,
    Circular 14 items 26–27, open and overdue violations, operating tenants with no arrangement."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[AS_OF], responses={200: EnvironmentSummarySerializer})
    def get(self, request):
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        summary = selectors.environment_summary(user=request.user, as_of=query.validated_data.get("as_of"))
        return Response(EnvironmentSummarySerializer(summary).data)


class ClusterItemsView(APIView):
    """Circular 14 Form 02 items 13–14 of one cluster on a date, with the standing of each plant."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[AS_OF, OpenApiParameter("pk", int, OpenApiParameter.PATH)],
        responses={200: ClusterItemsSerializer},
    )
    def get(self, request, pk):
        cluster = get_object_or_404(Cluster.objects.restrict(request.user), pk=pk)
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = selectors.cluster_items(cluster, user=request.user, as_of=query.validated_data.get("as_of"))
        return Response(ClusterItemsSerializer(items).data)


class UnconnectedTenantsView(APIView):
    """Operating tenant projects with no recorded wastewater arrangement on the date."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[AS_OF], responses={200: UnconnectedTenantSerializer(many=True)})
    def get(self, request):
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("as_of") or timezone.localdate()
        projects = selectors.unconnected_operating_tenants(request.user, day)
        return Response(UnconnectedTenantSerializer(projects, many=True).data)
