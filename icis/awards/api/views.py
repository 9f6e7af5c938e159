from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from icis.core import lifecycle
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet, etag_for

from .. import selectors, services
from ..filtersets import NominationFilterSet
from .serializers import (
    AwardTitleSerializer,
    NominationSerializer,
    NominationTransitionSerializer,
    StatusChangeSerializer,
)

REFUSED = OpenApiResponse(
    description="Refused, with the field and a code: already_awarded (one award per achievement; the message "
    "names the first award), needs_higher_authority, doit_decides, transition_not_allowed, required, "
    "future_date, date_before_current, stale, wrong_recipient, other_province, scope."
)


class NominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Nominations for commendation of collectives and individuals for cluster work (Decree 32/2024 Art
    36.1): the achievement, its evidence, the form or title, who decides it, the status and the deciding
    document. Provincial officers see their province's; the national role all."""

    serializer_class = NominationSerializer
    filterset_class = NominationFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self):
        return selectors.nomination_detail() if self.detail else selectors.nomination_list()

    def retrieve(self, request, *args, **kwargs):
        nomination = self.get_object()
        response = Response(self.get_serializer(nomination).data)
        response["ETag"] = etag_for(nomination)
        return response

    @extend_schema(responses={201: NominationSerializer, 400: REFUSED})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        nested = data.get("achievement")
        serializer.instance = services.nomination_create(
            title=data["title"],
            year=data["year"],
            notes=data.get("notes", ""),
            achievement=data.get("achievement_id"),
            achievement_data=nested,
            clusters=(nested or {}).get("clusters", ()),
            evidence=(nested or {}).get("evidence", ()),
            actor=self.request.user,
        )

    @extend_schema(request=NominationTransitionSerializer, responses={200: NominationSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires("awards.change_nomination")])
    def transition(self, request, pk=None):
        """Submit a draft, award (with the deciding document), propose upward, or refuse (with why). The one
        way a nomination's status changes; a second award of the same achievement is refused."""
        nomination = self.get_object()
        payload = NominationTransitionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.nomination_transition(
            nomination=nomination,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data.get("reason", ""),
            decision=data.get("decision"),
            expected_version=data.get("version"),
            actor=request.user,
        )
        fresh = get_object_or_404(self.get_base_queryset(), pk=nomination.pk)
        return Response(NominationSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: StatusChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="status-history", pagination_class=None)
    def status_history(self, request, pk=None):
        nomination = self.get_object()
        changes = nomination.status_changes.select_related("actor").order_by(*lifecycle.NEWEST_FIRST)
        return Response(StatusChangeSerializer(changes, many=True).data)


class AwardTitleViewSet(viewsets.ReadOnlyModelViewSet):
    """The forms and titles of commendation (reference data, the same in every province): whom each is
    for and who decides it."""

    serializer_class = AwardTitleSerializer
    queryset = selectors.titles()
    pagination_class = None
