import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.core import formats
from icis.core.api.permissions import requires
from icis.core.api.views import IF_MATCH, PreconditionFailed, ScopedViewSet, etag_for

from .. import selectors, services
from ..calendar import WorkingCalendar
from ..filtersets import DossierFilterSet
from ..models import Applicant, DossierStep
from .serializers import (
    ApplicantSerializer,
    ChairDecisionSerializer,
    DossierDetailSerializer,
    DossierSerializer,
    StepInputSerializer,
    StepRecordSerializer,
)

REFUSED = OpenApiResponse(
    description="Refused: the errors name the current step with its proof and the next valid step with its "
    "document type (codes step_behind, skip_needs_reason, wrong_document_type, document_other_cluster, …)."
)


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Establishment and expansion dossiers (Decree 32/2024 Art 10): the ladder of steps, each proved by
    a document, with legal deadlines in Vietnamese working days; the investor-selection scores."""

    filterset_class = DossierFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return selectors.dossier_detail() if self.detail else selectors.dossier_list()

    def get_serializer_class(self):
        return DossierDetailSerializer if self.action == "retrieve" else DossierSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not hasattr(self, "_calendar"):
            self._calendar = WorkingCalendar.from_db()
            self._versions = selectors.procedure_versions()
        context["calendar"] = self._calendar
        context["procedure_versions"] = self._versions
        return context

    def retrieve(self, request, *args, **kwargs):
        dossier = self.get_object()
        response = Response(self.get_serializer(dossier).data)
        response["ETag"] = etag_for(dossier)
        return response

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.dossier_open(
            cluster=data["cluster"],
            kind=data["kind"],
            expansion=data.get("expansion"),
            opened_on=data["opened_on"],
            note=data.get("note", ""),
            actor=self.request.user,
        )

    @extend_schema(request=StepInputSerializer, responses={201: StepRecordSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires("dossiers.add_dossierstep")])
    def steps(self, request, pk=None):
        """Record a step with its document. The next step is the normal path; a step behind the current one
        only as an amendment (`amends`: the record it corrects); a jump over steps needs `skip_reason`."""
        dossier = self.get_object()
        payload = StepInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        amends = None
        if data.get("amends") is not None:
            amends = DossierStep.objects.filter(dossier=dossier, pk=data["amends"]).first()
            if amends is None:
                raise serializers.ValidationError({"amends": ["No such record in this dossier."]})
        record = services.dossier_step_record(
            dossier=dossier,
            step=data["step"],
            document=data["document"],
            on=data.get("date"),
            amends=amends,
            skip_reason=data.get("skip_reason", ""),
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(StepRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ApplicantSerializer, responses={201: ApplicantSerializer})
    @action(detail=True, methods=["post"], permission_classes=[requires("dossiers.add_applicant")])
    def applicants(self, request, pk=None):
        """An organisation applying to be the infrastructure investor, with the council's scores if any."""
        dossier = self.get_object()
        payload = ApplicantSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        applicant = services.applicant_add(
            dossier=dossier,
            organisation=data["organisation"],
            scores={f"{f}_score": data.get(f"{f}_score") for f in Applicant.SCORE_FIELDS},
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(ApplicantSerializer(applicant).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ApplicantSerializer,
        responses={200: ApplicantSerializer},
        parameters=[OpenApiParameter("applicant_id", int, OpenApiParameter.PATH), IF_MATCH],
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"applicants/(?P<applicant_id>[0-9]+)",
        permission_classes=[requires("dossiers.change_applicant")],
    )
    def applicant_scores(self, request, pk=None, applicant_id=None):
        """Change an applicant's scores (or note). Send the ETag you read as If-Match to avoid overwriting."""
        dossier = self.get_object()
        applicant = get_object_or_404(
            Applicant.objects.select_related("scheme", "organisation"), dossier=dossier, pk=applicant_id
        )
        if_match = request.headers.get("If-Match")
        if if_match is not None and if_match.strip() != "*" and if_match.strip() != etag_for(applicant):
            raise PreconditionFailed(
                f"If-Match {if_match} is stale: the applicant is now at ETag {etag_for(applicant)}."
            )
        payload = ApplicantSerializer(applicant, data=request.data, partial=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = services.applicant_score(
            applicant=applicant,
            scores={key: value for key, value in data.items() if key.endswith("_score")},
            note=data.get("note"),
            actor=request.user,
        )
        response = Response(ApplicantSerializer(updated).data)
        response["ETag"] = etag_for(updated)
        return response

    @extend_schema(request=ChairDecisionSerializer, responses={200: DossierDetailSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="chair-decision",
        permission_classes=[requires("dossiers.change_dossier")],
    )
    def chair_decision(self, request, pk=None):
        """The council chair's choice between applicants tied at the highest qualifying total."""
        dossier = self.get_object()
        payload = ChairDecisionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        applicant = (
            Applicant.objects.filter(dossier=dossier, pk=data["applicant"]).select_related("organisation").first()
        )
        if applicant is None:
            raise serializers.ValidationError({"applicant": ["No such applicant in this dossier."]})
        services.dossier_chair_decide(
            dossier=dossier, applicant=applicant, note=data["note"], document=data.get("document"), actor=request.user
        )
        fresh = get_object_or_404(selectors.dossier_detail(), pk=dossier.pk)
        return Response(DossierDetailSerializer(fresh, context=self.get_serializer_context()).data)


MAX_WORKING_DAYS = 1000
EARLIEST, LATEST = datetime.date(1990, 1, 1), datetime.date(2199, 12, 31)


class AddWorkingDaysQuery(serializers.Serializer):
    start = serializers.DateField(input_formats=["iso-8601"], help_text="YYYY-MM-DD; the day itself is not counted")
    days = serializers.IntegerField(min_value=0, max_value=MAX_WORKING_DAYS)

    def validate_start(self, value):
        if not EARLIEST <= value <= LATEST:
            raise serializers.ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {"first": formats.date(EARLIEST), "last": formats.date(LATEST)},
                code="out_of_range",
            )
        return value


class AddWorkingDaysSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="the n-th working day after start")
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="what the calendar does not know that could move the date"
    )


class AddWorkingDaysView(APIView):
    """N working days after a date on the state bodies' calendar (Civil Code Art 147–148: the start day
    is not counted): weekends, the Labour Code's fixed-date holidays and the recorded Tết, Hùng Kings'
    days and day swaps are skipped. Warnings name unconfirmed days and years whose holidays are not
    recorded yet."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("days", int, required=True, description=f"0 to {MAX_WORKING_DAYS}"),
        ],
        responses={200: AddWorkingDaysSerializer, 400: OpenApiResponse(description="start or days invalid")},
    )
    def get(self, request):
        query = AddWorkingDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        calendar = WorkingCalendar.from_db()
        due = calendar.add_working_days(start, days)
        return Response(AddWorkingDaysSerializer({"date": due, "warnings": calendar.caveats(start, due)}).data)
