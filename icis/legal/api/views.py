from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.clusters.models import Cluster

from .. import selectors
from ..choices import Outcome
from ..models import Action


class EligibilityQuery(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices)
    added_area_ha = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0, required=False)
    demand_ha = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0, required=False)
    on = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs["action"] == Action.EXPAND and attrs.get("added_area_ha") is None:
            raise serializers.ValidationError({"added_area_ha": "Give the area to add, in hectares."})
        return attrs


class CheckSerializer(serializers.Serializer):
    rule = serializers.CharField()
    citation = serializers.CharField(help_text="article and clause, in Vietnamese")
    title = serializers.CharField()
    quote = serializers.CharField(help_text="the words of the legal text")
    passed = serializers.BooleanField(help_text="true only when the outcome is 'passed'")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    detail = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="what is missing (cannot_assess)")


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    rule_set = serializers.CharField(allow_null=True)
    on = serializers.DateField()
    checks = CheckSerializer(many=True)


class EligibilityView(APIView):
    """Decree 32 Art 8 gates for establishing or expanding a cluster, computed from live data."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str, required=True, enum=["establish", "expand"]),
            OpenApiParameter("added_area_ha", float, description="area to add (expand)"),
            OpenApiParameter("demand_ha", float, description="documented demand for land (expand, Art 8.2c)"),
            OpenApiParameter("on", str, description="YYYY-MM-DD; default today (chooses the rule set in force)"),
        ],
        responses=EligibilitySerializer,
    )
    def get(self, request, pk):
        query = EligibilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        cluster = get_object_or_404(Cluster.objects.restrict(request.user), pk=pk)
        data = query.validated_data
        result = selectors.eligibility(
            cluster,
            action=data["action"],
            added_area_ha=data.get("added_area_ha"),
            demand_ha=data.get("demand_ha"),
            on=data.get("on"),
        )
        return Response(EligibilitySerializer(result).data)
