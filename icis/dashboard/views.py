from icis.core.generic import ScopedPageView

from . import selectors


class DashboardView(ScopedPageView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.registry_summary(user=self.request.user)
        verify_count, verify_sample = selectors.needing_verification(user=self.request.user)
        implausible_count, implausible = selectors.implausible_figures(user=self.request.user)
        context.update(
            summary=summary,
            rows=selectors.status_rows(summary),
            plan=summary["plan"],
            verify_count=verify_count,
            verify_sample=verify_sample,
            implausible_count=implausible_count,
            implausible=implausible,
            glance=selectors.at_a_glance(user=self.request.user),
        )
        return context
