from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet, VersionedUpdateMixin, etag_for
from icis.documents.api.serializers import DocumentSerializer

from .. import selectors, services
from ..filtersets import ClusterFilterSet
from ..models import Cluster
from .serializers import ClusterSerializer, HistoryEntrySerializer, TransitionSerializer, api_clusters


class ClusterViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The cluster registry. Status changes only through `transition`."""

    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema needs the model, not a database
            return Cluster.objects.none()
        if self.action in ("partial_update", "update"):
            return selectors.cluster_detail()
        if self.action in ("list", "retrieve"):
            return api_clusters()  # what the serializer shows, read in one query a relation
        return selectors.cluster_list().prefetch_related("sources__document")

    def retrieve(self, request, *args, **kwargs):
        # VersionedUpdateMixin's reads the cluster (and its relations) a second time for the ETag
        cluster = self.get_object()
        response = Response(self.get_serializer(cluster).data)
        response["ETag"] = etag_for(cluster)
        return response

    @extend_schema(request=TransitionSerializer, responses={200: ClusterSerializer})
    @action(detail=True, methods=["post"], permission_classes=[requires("clusters.transition_cluster")])
    def transition(self, request, pk=None):
        cluster = self.get_object()
        payload = TransitionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.cluster_transition(
            cluster=cluster,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data["reason"],
            document=data.get("document"),
            actor=request.user,
            industrial_park_name=data.get("industrial_park_name", ""),
        )
        fresh = get_object_or_404(selectors.cluster_detail(), pk=cluster.pk)
        return Response(ClusterSerializer(fresh, context=self.get_serializer_context()).data)

    # The whole history in one list (it is bounded by the cluster's life), so not paginated:
    # saying so here keeps the schema from documenting a page object.
    @extend_schema(responses={200: HistoryEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        cluster = self.get_object()
        return Response(HistoryEntrySerializer(selectors.cluster_history(cluster), many=True).data)

    @extend_schema(responses={200: DocumentSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def documents(self, request, pk=None):
        cluster = self.get_object()
        documents = cluster.documents.restrict(request.user).prefetch_related("clusters")
        page = self.paginate_queryset(documents)
        data = DocumentSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)
