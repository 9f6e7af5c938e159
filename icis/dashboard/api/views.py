import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.core.attention import collect
from icis.geo.selection import api_province

from ..selectors import registry_summary

_row = inline_serializer(
    "StatusRow",
    {
        "count": serializers.IntegerField(),
        "area_ha": serializers.FloatField(),
        "area_unknown": serializers.IntegerField(),
    },
)


class SummaryQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD: the registry as it stood that day")


class SummaryView(APIView):
    """Clusters and area by status, with the development plan's totals beside them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", datetime.date, description="YYYY-MM-DD"),
            OpenApiParameter(
                "province",
                str,
                description="GSO code of a province you reach, e.g. 01; default: your own province, or for a "
                "national (MoIT) user the national roll-up (every province, the plans summed). Another: 404.",
            ),
        ],
        responses=inline_serializer(
            "Summary",
            {
                "as_of": serializers.DateField(allow_null=True),
                "province": serializers.CharField(allow_null=True, help_text="null: the national roll-up"),
                "by_status": serializers.DictField(child=_row),
                "total": _row,
                "plan": serializers.DictField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        province = api_province(request)
        summary = registry_summary(as_of=query.validated_data.get("as_of"), user=request.user, province_code=province)
        return Response(summary)


class AttentionView(APIView):
    """What needs a decision, most urgent first: stalled and not-started clusters, overdue procedure
    steps and deadlines this week, Circular 14 reports overdue, violations past their corrective
    deadline, obstacles past their due date, figures gone stale — over what the user may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "AttentionItem",
            {
                "kind": serializers.CharField(),
                "label": serializers.CharField(),
                "record": serializers.CharField(),
                "detail": serializers.CharField(),
                "link": serializers.CharField(),
                "since": serializers.DateField(allow_null=True),
                "severity": serializers.IntegerField(),
            },
            many=True,
        )
    )
    def get(self, request):
        return Response([item.as_dict() for item in collect(request.user)])
