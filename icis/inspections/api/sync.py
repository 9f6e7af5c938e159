"""The phone's side of field work offline (icis/inspections/field.py): download the day's route, send one
operation of the outbox at a time (multipart for photos). Session (with the CSRF header) or token auth."""

import datetime

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.core.api.permissions import requires

from .. import field
from ..choices import FOLLOW_UP_RESULTS, Answer, Topic

ID = {"min_value": 1, "max_value": 2**63 - 1}
REQUIRED = {
    "answer": ("item", "answer"),
    "finding": ("description",),
    "follow_up": ("violation", "result"),
}


class SyncSerializer(serializers.Serializer):
    """One operation of the outbox. `client_id` is the phone's UUID for it; `base_version` the version of
    the answer (0: none yet) or of the violation the phone downloaded."""

    kind = serializers.ChoiceField(choices=field.KINDS)
    client_id = serializers.UUIDField()
    inspection = serializers.IntegerField(**ID)
    base_version = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    item = serializers.IntegerField(required=False, allow_null=True, **ID)
    answer = serializers.ChoiceField(choices=Answer.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    description = serializers.CharField(required=False, max_length=10_000)
    topic = serializers.ChoiceField(choices=Topic.choices, required=False, allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    observed_at = serializers.DateTimeField(required=False, allow_null=True)
    photo = serializers.FileField(required=False, allow_null=True)
    photo_client_id = serializers.UUIDField(required=False, allow_null=True)
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    violation = serializers.IntegerField(required=False, allow_null=True, **ID)
    result = serializers.ChoiceField(choices=[(v, v) for v in FOLLOW_UP_RESULTS], required=False)

    def validate(self, attrs):
        missing = [name for name in REQUIRED[attrs["kind"]] if attrs.get(name) in (None, "")]
        if missing:
            raise serializers.ValidationError({name: _("This field is required.") for name in missing})
        for name in ("latitude", "longitude"):
            if attrs.get(name) is not None:
                attrs[name] = field.coordinate(attrs[name])
        return attrs


STORED = inline_serializer(
    "SyncStored",
    {
        "status": serializers.CharField(),
        "kind": serializers.CharField(),
        "client_id": serializers.UUIDField(),
        "id": serializers.IntegerField(),
        "version": serializers.IntegerField(allow_null=True),
    },
)
CONFLICT = inline_serializer(
    "SyncConflict",
    {
        "status": serializers.CharField(),
        "detail": serializers.CharField(),
        "mine": serializers.DictField(),
        "theirs": serializers.DictField(),
        "current_version": serializers.IntegerField(),
        "changes": serializers.ListField(child=serializers.DictField()),
    },
)


class SyncView(APIView):
    """Store one operation recorded offline: a checklist answer, a finding (with its photo, GPS position and
    time) or a follow-up result of a violation carried forward. Only on an inspection whose team includes
    you; the same `client_id` twice stores it once; a record the office changed since you downloaded it
    answers 409 with both versions and stores nothing."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": SyncSerializer, "application/json": SyncSerializer},
        responses={200: STORED, 409: CONFLICT},
        summary="Sync one operation recorded offline",
    )
    def post(self, request):
        payload = SyncSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        kind, photo = data.pop("kind"), data.pop("photo", None)
        if field.missing_permissions(request.user, kind, photo=photo is not None):
            raise PermissionDenied()
        try:
            result = field.sync(
                user=request.user,
                kind=kind,
                client_id=data.pop("client_id"),
                inspection_id=data.pop("inspection"),
                data=data,
                photo=photo,
            )
        except field.NotYours:
            raise NotFound() from None
        except field.Conflict as conflict:
            return Response(conflict.as_dict(), status=409)
        return Response(result)


class RouteView(APIView):
    """The inspections of your team for a day (today unless `day` is given), with their subjects, the
    checklists of their topics and the open violations of earlier visits: what the phone keeps offline."""

    permission_classes = [requires(field.FIELD_PERMISSION)]

    @extend_schema(
        parameters=[OpenApiParameter("day", datetime.date, required=False, description="yyyy-mm-dd")],
        responses={200: inline_serializer("FieldRoute", {"day": serializers.DateField()})},
        summary="The day's route for the phone",
    )
    def get(self, request):
        day = serializers.DateField(required=False, allow_null=True).run_validation(
            request.query_params.get("day") or None
        )
        return Response(field.route(request.user, day or timezone.localdate()))


# Before the project's router in config/urls.py (so "sync" is never read as an inspection's id).
urlpatterns = [
    path("inspections/sync/", SyncView.as_view(), name="inspection-sync"),
    path("inspections/route/", RouteView.as_view(), name="inspection-route"),
]
