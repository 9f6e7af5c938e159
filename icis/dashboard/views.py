from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from icis.geo.selection import page_province

from . import selectors


class DashboardView(LoginRequiredMixin, TemplateView):
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
        )
        return context
