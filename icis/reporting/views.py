from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from icis.core.generic import ScopedMixin, ScopedPageView
from icis.core.scoping import home_province_code
from icis.geo.selection import page_province
from icis.tenancy import periods

from . import export
from .forms import ReportQueryForm
from .selectors import NATIONAL, area_report, form03_communes


def file_response(report, fmt: str) -> HttpResponse:
    """The XLSX or PDF of a report as a download; 503 when the server cannot render PDF."""
    if fmt == "xlsx":
        response = HttpResponse(export.xlsx_bytes(report), content_type=export.XLSX_CONTENT_TYPE)
    else:
        try:
            data = export.pdf_bytes(report)
        except (ImportError, OSError):
            return HttpResponse(
                _("PDF output needs WeasyPrint and the Pango library on the server; download the XLSX instead."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(data, content_type=export.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(report, fmt)}"'
    return response


class IndexView(ScopedPageView):
    """Reports start page: Form 04 for city-wide roles, Form 03 for commune officials."""

    def get(self, request):
        if request.user.has_perm("reporting.view_form04"):
            return redirect("reporting:form04")
        if request.user.has_perm("reporting.view_form03"):
            return redirect("reporting:form03")
        raise PermissionDenied


class AreaReportView(ScopedMixin, View):
    """Preview of Form 03/04 for a period, with the XLSX and PDF as `?format=xlsx|pdf`."""

    form_code = "04"
    template_name = "reporting/form.html"

    def communes(self):
        return None

    def get(self, request):
        data = request.GET.copy()
        data.setdefault("period", periods.latest_closed(timezone.localdate()).code)
        communes = self.communes()
        if communes is not None and not data.get("commune") and communes.count() == 1:
            data["commune"] = communes.first().code
        query = ReportQueryForm(data, communes=communes)
        context = {"query": query, "form_code": self.form_code, "report": None}
        if not query.is_valid():
            if "commune" in query.errors and data.get("commune"):
                raise Http404(_("No such commune in your scope."))
            return render(request, self.template_name, context, status=400)
        commune = query.cleaned_data.get("commune")
        if communes is not None and commune is None:
            return render(request, self.template_name, context)  # Form 03 without a commune: the chooser
        province = None if commune is not None else (page_province(request) or NATIONAL)
        report = area_report(
            form=self.form_code,
            period=query.cleaned_data["period"],
            user=request.user,
            commune=commune,
            province_code=province,
        )
        fmt = request.GET.get("format", "html")
        if fmt in ("xlsx", "pdf"):
            return file_response(report, fmt)
        params = data.copy()
        params.pop("format", None)
        context.update(
            report=report,
            lines=export.header_lines(report),
            show_sources=True,
            show_english=(get_language() or "").startswith("en"),
            query_string=params.urlencode(),
        )
        return render(request, self.template_name, context)


class Form04View(AreaReportView):
    permission_required = "reporting.view_form04"
    form_code = "04"


class Form03View(AreaReportView):
    permission_required = "reporting.view_form03"
    form_code = "03"

    def communes(self):
        province = page_province(self.request) or home_province_code(self.request.user)
        return form03_communes(self.request.user, province_code=province)
