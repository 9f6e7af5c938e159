from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.clusters import selectors as cluster_selectors
from icis.clusters.filtersets import ClusterFilterSet

from .selectors import feature_collection


class ClusterGeoJSONView(APIView):
    """The clusters the user may see as a GeoJSON FeatureCollection (RFC 7946), filtered with the
    cluster list's parameters. Each feature is the cluster's boundary, or its point; clusters with
    no position are named under `unplaced`. Properties carry what each colouring of the map needs:
    status (and its colour), occupancy %, latest accepted construction progress %, open wastewater
    violations and whether a wastewater plant serves it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=str(f.label)) for name, f in ClusterFilterSet.base_filters.items()
        ],
        responses={
            (200, "application/geo+json"): inline_serializer(
                "ClusterFeatureCollection",
                {
                    "type": serializers.CharField(),
                    "features": serializers.ListField(child=serializers.DictField()),
                    "unplaced": serializers.ListField(child=serializers.DictField()),
                    "as_of": serializers.DateField(),
                },
            )
        },
    )
    def get(self, request):
        clusters = cluster_selectors.cluster_list().restrict(request.user)
        filterset = ClusterFilterSet(request.query_params, queryset=clusters)
        if not filterset.is_valid():
            raise ValidationError({name: [str(e) for e in errors] for name, errors in filterset.errors.items()})
        body = feature_collection(filterset.qs, user=request.user)
        return Response(body, content_type="application/geo+json")
