from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.core.api.permissions import requires
from icis.geo.selection import api_province
from icis.tenancy import periods

from .. import export
from ..selectors import NATIONAL, AreaReport, area_report, form03_communes
from .renderers import FILE_FORMATS, PDFRenderer, XLSXRenderer
from .serializers import AreaReportSerializer, Form03QuerySerializer, ReportQuerySerializer

PERIOD = OpenApiParameter(
    "period", str, description="YYYY-H1 or YYYY-Y, e.g. 2026-H1; default: the latest period that has ended"
)
FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "xlsx", "pdf"],
    description="json (default), or the form as a file: xlsx (laid out like the official form) or pdf (A4). "
    "The Accept header works too.",
)
PROVINCE = OpenApiParameter(
    "province",
    str,
    description="GSO code of a province you reach, e.g. 01; default: your own province, or for a national "
    "(MoIT) user the national roll-up. Another province: 404.",
)
RESPONSES = {
    (200, "application/json"): AreaReportSerializer,
    (200, export.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="the form as XLSX"),
    (200, export.PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="the form as PDF"),
}


def _number(value):
    return value if value is None or isinstance(value, int) else float(value)


def report_data(report: AreaReport) -> dict:
    return {
        "form": report.form,
        "period": report.period.code,
        "period_start": report.period.start,
        "as_of": report.as_of,
        "deadline": report.deadline,
        "area": report.area_name,
        "commune": report.commune.code if report.commune is not None else None,
        "reporting_unit": report.reporting_unit,
        "indicators": [
            {
                "number": i.number,
                "label": i.label,
                "label_en": i.label_en,
                "unit": i.unit,
                "unit_en": i.unit_en,
                "value": _number(i.value),
                "source": i.source,
                "note": i.note,
                "note_en": i.note_en,
                "plan_value": _number(i.plan_value),
            }
            for i in report.indicators
        ],
        "remarks": [remark for remark, _english in report.remarks],
    }


class AreaReportAPIView(APIView):
    """Base of the Form 03/04 endpoints: JSON, or the XLSX/PDF file through `?format=`."""

    renderer_classes = [JSONRenderer, XLSXRenderer, PDFRenderer]
    form_code = "04"
    query_class = ReportQuerySerializer

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:  # ?format= names no renderer
            raise exceptions.ValidationError(
                {"format": ["Unknown format: use json, xlsx or pdf."]}, code="format"
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are always JSON, whatever file was asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format in FILE_FORMATS:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get_commune(self, query):
        return None

    def get(self, request):
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data.get("period") or periods.latest_closed(timezone.localdate())
        commune = self.get_commune(query)
        province = None if commune is not None else (api_province(request) or NATIONAL)
        report = area_report(
            form=self.form_code, period=period, user=request.user, commune=commune, province_code=province
        )
        fmt = request.accepted_renderer.format
        if fmt in FILE_FORMATS:
            data = export.xlsx_bytes(report) if fmt == "xlsx" else self._pdf(report)
            return Response(
                data, headers={"Content-Disposition": f'attachment; filename="{export.filename(report, fmt)}"'}
            )
        return Response(report_data(report))

    @staticmethod
    def _pdf(report):
        try:
            return export.pdf_bytes(report)
        except (ImportError, OSError):
            raise exceptions.APIException(
                "PDF output needs WeasyPrint and the Pango library on the server; ask for format=xlsx."
            ) from None


class Form04View(AreaReportAPIView):
    """Biểu 04 (Circular 14/2024): the 27 indicators for the whole province as of the period's last day.
    For DoIT, administrators, provincial leaders and inspectors (their own province), and MoIT (any
    province, or without `province` the national roll-up: the provinces' forms summed)."""

    permission_classes = [IsAuthenticated, requires("reporting.view_form04")]
    form_code = "04"

    @extend_schema(parameters=[PERIOD, PROVINCE, FORMAT], responses=RESPONSES)
    def get(self, request):
        return super().get(request)


class Form03View(AreaReportAPIView):
    """Biểu 03 (Circular 14/2024): the 27 indicators for the clusters a source places in one commune.
    Commune officials get their own communes; city-wide roles any commune. Out of scope: 404."""

    permission_classes = [IsAuthenticated, requires("reporting.view_form03")]
    form_code = "03"
    query_class = Form03QuerySerializer

    def get_commune(self, query):
        commune = form03_communes(self.request.user).filter(code=query.validated_data["commune"]).first()
        if commune is None:
            raise exceptions.NotFound("No such commune in your scope.")
        return commune

    @extend_schema(
        parameters=[
            PERIOD,
            OpenApiParameter("commune", str, required=True, description="GSO code, e.g. 10273"),
            FORMAT,
        ],
        responses=RESPONSES,
    )
    def get(self, request):
        return super().get(request)
