"""The registry workbook through the API: upload (checked, nothing written) → read the errors and the changes →
commit; export. Every import is in the user's scope (another user's is 404); a province the user does not reach
is refused as unknown."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.clusters.models import Cluster
from icis.core.api.permissions import requires
from icis.core.api.views import ScopedViewSet
from icis.core.imports.inspection import UploadRefused, inspect_upload

from .. import views as pages
from ..export import export_workbook, xlsx_response
from ..models import RegistryImport
from .serializers import CommitSerializer, RegistryImportSerializer, UploadSerializer


class RegistryImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A province's registry workbook: upload it (it is checked; nothing is written), read every error by sheet,
    row and cell and every change it would make, then commit it (all or nothing)."""

    serializer_class = RegistryImportSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_classes = [requires(*pages.IMPORT_PERMISSIONS)]

    def get_base_queryset(self):
        return RegistryImport.objects.select_related("province", "job").order_by("-created_at", "-id")

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: RegistryImportSerializer},
        summary="Upload a registry workbook: checked as a background job (status `checking`, then `valid` or "
        "`invalid` with every error by sheet, row and cell); nothing is written",
    )
    def create(self, request):
        payload = UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        province = pages.provinces_for(request.user).filter(code=payload.validated_data["province"]).first()
        if province is None:
            raise serializers.ValidationError({"province": ["Unknown province, or one you do not reach."]})
        upload = payload.validated_data["file"]
        content = upload.read(settings.ICIS_IMPORT_MAX_BYTES + 1)
        try:
            kind = inspect_upload(upload.name, content)
        except UploadRefused as refused:
            raise serializers.ValidationError({"file": [refused.message]}) from None
        if kind != "xlsx":
            raise serializers.ValidationError({"file": ["The registry is one Excel workbook (.xlsx)."]})
        record = pages.create_import(user=request.user, province=province, filename=upload.name, data=content)
        record.refresh_from_db()
        return Response(RegistryImportSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CommitSerializer,
        responses={200: RegistryImportSerializer, 400: OpenApiResponse(description="Not ready, or names to confirm")},
        summary="Import a checked workbook (status `valid`): everything is written, or nothing if any error remains",
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        record = self.get_object()
        payload = CommitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            record = pages.act(record, request.user, "commit", confirmed=payload.validated_data["confirm_lookalikes"])
        except ValidationError as error:
            raise serializers.ValidationError({"status": error.messages}) from None
        return Response(RegistryImportSerializer(record).data)


class RegistryExportView(APIView):
    """A province's registry as the workbook the import reads."""

    permission_classes = [requires(*pages.EXPORT_PERMISSIONS)]

    @extend_schema(
        parameters=[OpenApiParameter("province", str, required=True, description="GSO code of the province")],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="Export a province's registry workbook (importing it back changes nothing)",
    )
    def get(self, request):
        code = request.query_params.get("province", "")
        province = pages.provinces_for(request.user).filter(code=code).first()
        if province is None:
            raise serializers.ValidationError({"province": ["Unknown province, or one you do not reach."]})
        content = export_workbook(province, clusters=Cluster.objects.restrict(request.user))
        return xlsx_response(f"registry-{province.code}-{timezone.localdate():%Y%m%d}.xlsx", content)
