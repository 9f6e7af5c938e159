"""The page that changes a tenant project's status: one dated transition through the shared lifecycle
(`icis.core.lifecycle`), with the project's status history beside it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from icis.clusters.forms import apply_errors
from icis.core import lifecycle
from icis.core.views import ScopedObjectMixin

from . import services
from .forms import ProjectTransitionForm
from .models import TenantProject


class ProjectTransitionView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    template_name = "tenancy/project_transition.html"
    form_class = ProjectTransitionForm
    permission_required = "tenancy.change_tenantproject"
    scope_action = "change"

    def get_scoped_queryset(self):
        return TenantProject.objects.select_related("tenant", "cluster")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        history = self.object.status_changes.select_related("document", "actor").order_by(*lifecycle.NEWEST_FIRST)
        return {**super().get_context_data(**kwargs), "project": self.object, "history": history}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.project_transition(
                project=self.object,
                to_status=data["to"],
                effective_on=data["date"],
                reason=data["reason"],
                document=data["document"],
                actor=self.request.user,
                expected_version=data.get("version"),
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Status changed."))
        return redirect(f"/tenancy/projects/?cluster={self.object.cluster_id}")
