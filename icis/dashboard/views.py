import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from icis.core.generic import XLSX_TYPE, ScopedPageView, xlsx_bytes
from icis.geo.selection import page_province

from . import selectors
from .charts import CHART_TITLES, CHARTS, chart


class DashboardView(ScopedPageView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        province = page_province(self.request)
        summary = selectors.registry_summary(user=self.request.user, province_code=province)
        verify_count, verify_sample = selectors.needing_verification(user=self.request.user, province_code=province)
        implausible_count, implausible = selectors.implausible_figures(user=self.request.user, province_code=province)
        context.update(
            summary=summary,
            rows=selectors.status_rows(summary),
            plan=summary["plan"],
            verify_count=verify_count,
            verify_sample=verify_sample,
            implausible_count=implausible_count,
            implausible=implausible,
            glance=selectors.at_a_glance(user=self.request.user, province_code=province),
            chart_list=[(name, CHART_TITLES[name]) for name in CHARTS],
        )
        return context


class ChartDataView(LoginRequiredMixin, View):
    """One chart's data: JSON for the page (Chart.js), or `?format=xlsx` for the figures behind it;
    `?as_of=dd/mm/yyyy` (or YYYY-MM-DD) for a past day. The province is the page's: `?province=`, or a
    national user's switch (the session), else the roll-up (icis.geo.selection.page_province)."""

    def get(self, request, name):
        if name not in CHARTS:
            raise Http404
        day, error = _as_of(request.GET.get("as_of"))
        if error:
            return JsonResponse(
                {"detail": error, "errors": [{"field": "as_of", "code": "invalid", "message": error}]}, status=400
            )
        data = chart(name, request.user, day, page_province(request))
        if request.GET.get("format") == "xlsx":
            header, rows = data.table()
            response = HttpResponse(xlsx_bytes(header, rows), content_type=XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{name}-{day:%Y-%m-%d}.xlsx"'
            return response
        return JsonResponse(data.as_json())


def _as_of(text: str | None):
    if not text:
        return timezone.localdate(), None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        if day > timezone.localdate():
            return None, _("as_of: %(date)s is in the future.") % {"date": text}
        return day, None
    return None, _("as_of: “%(value)s” is not a date; write dd/mm/yyyy.") % {"value": text}
