"""The page that changes a tenant project's status: one dated transition through the shared lifecycle
(`icis.core.lifecycle`), with the project's status history beside it."""

from django.utils.translation import gettext_lazy as _

from icis.core import lifecycle
from icis.core.generic import ObjectActionView

from . import services
from .forms import ProjectTransitionForm
from .models import TenantProject


class ProjectTransitionView(ObjectActionView):
    template_name = "tenancy/project_transition.html"
    form_class = ProjectTransitionForm
    permission_required = "tenancy.change_tenantproject"
    context_object_name = "project"
    success_message = _("Status changed.")

    def get_base_queryset(self):
        return TenantProject.objects.select_related("tenant", "cluster")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.object}

    def get_context_data(self, **kwargs):
        history = self.object.status_changes.select_related("document", "actor").order_by(*lifecycle.NEWEST_FIRST)
        return {**super().get_context_data(**kwargs), "history": history}

    def save(self, form):
        data = form.cleaned_data
        return services.project_transition(
            project=self.object,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data["reason"],
            document=data["document"],
            actor=self.request.user,
            expected_version=data.get("version"),
        )

    def get_success_url(self, saved=None):
        return f"/tenancy/projects/?cluster={self.object.cluster_id}"
