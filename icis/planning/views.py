from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from icis.clusters.forms import DATE_WIDGET, AsOfForm, apply_errors
from icis.clusters.models import Cluster
from icis.core.forms import ScopedChoicesMixin
from icis.core.scoping import home_province_code, in_reach
from icis.core.views import ScopedObjectMixin
from icis.documents.models import Document
from icis.geo.selection import page_province

from . import selectors, services
from .choices import AMENDMENT_TRANSITIONS, AmendmentStatus
from .models import AnnualPlan, DevelopmentPlan, PlanAmendment


class PlanningHomeView(LoginRequiredMixin, TemplateView):
    template_name = "planning/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        province = page_province(self.request) or home_province_code(user)
        plan = selectors.current_plan(province)
        clusters = Cluster.objects.restrict(user).filter(province_id=province)
        versions = in_reach(DevelopmentPlan.objects, user).filter(province_id=province)
        context.update(
            province=province,
            plan=plan,
            reconciliation=selectors.plan_reconciliation(plan, clusters=clusters) if plan else None,
            versions=versions.select_related("document").order_by("-approved_on", "-id"),
            amendments=PlanAmendment.objects.restrict(user)
            .filter(plan__province_id=province)
            .prefetch_related("clusters"),
            annual_plans=in_reach(AnnualPlan.objects, user).filter(province_id=province).select_related("document"),
        )
        return context


class AnnualPlanView(LoginRequiredMixin, TemplateView):
    """Targets against live actuals, with the clusters behind each number."""

    template_name = "planning/annual_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = in_reach(AnnualPlan.objects, self.request.user)
        clusters = Cluster.objects.restrict(self.request.user)
        plan = get_object_or_404(plans.prefetch_related("targets", "tasks"), pk=kwargs["pk"])
        form = AsOfForm(self.request.GET if self.request.GET.get("date") else None)
        day = form.cleaned_data["date"] if form.is_bound and form.is_valid() else timezone.localdate()
        context.update(
            plan=plan,
            form=form,
            day=day,
            rows=selectors.plan_progress(plan, as_of=day, clusters=clusters.filter(province_id=plan.province_id)),
        )
        return context


class AdvanceForm(ScopedChoicesMixin, forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Next step"), widget=forms.Select(attrs={"class": "form-select"}))
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_WIDGET)
    document = forms.ModelChoiceField(
        queryset=Document.objects.all(),
        required=False,
        label=gettext_lazy("Document"),
        empty_label="—",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )

    def __init__(self, *args, amendment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, AmendmentStatus(s).label) for s in AMENDMENT_TRANSITIONS[amendment.status]]


class AmendmentView(LoginRequiredMixin, ScopedObjectMixin, TemplateView):
    template_name = "planning/amendment.html"

    def get_scoped_queryset(self):
        return PlanAmendment.objects.prefetch_related("clusters", "events__document")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            amendment=self.object,
            form=kwargs.get("form")
            or AdvanceForm(amendment=self.object, user=self.request.user, initial={"on": timezone.localdate()}),
            can_advance=self.request.user.has_perm("planning.approve_plan")
            and bool(AMENDMENT_TRANSITIONS[self.object.status]),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("planning.approve_plan"):
            raise PermissionDenied
        form = AdvanceForm(request.POST, amendment=self.object, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.amendment_advance(
                    amendment=self.object,
                    to_status=data["to"],
                    on=data["on"],
                    document=data["document"],
                    note=data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Amendment updated."))
                return redirect("planning:amendment", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))
