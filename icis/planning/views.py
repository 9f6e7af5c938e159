from django import forms
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from icis.clusters.models import Cluster
from icis.core.forms import DATE_WIDGET, AsOfForm, ScopedChoicesMixin
from icis.core.generic import ObjectActionView, ObjectDetailView, ScopedPageView
from icis.core.scoping import home_province_code, in_reach
from icis.documents.models import Document
from icis.geo.selection import page_province

from . import selectors, services
from .choices import AMENDMENT_TRANSITIONS, AmendmentStatus
from .models import AnnualPlan, DevelopmentPlan, PlanAmendment


class PlanningHomeView(ScopedPageView):
    template_name = "planning/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        province = page_province(self.request) or home_province_code(user)
        plan = selectors.current_plan(province)
        clusters = self.scoped(Cluster.objects).filter(province_id=province)
        versions = in_reach(DevelopmentPlan.objects, user).filter(province_id=province)
        context.update(
            province=province,
            plan=plan,
            reconciliation=selectors.plan_reconciliation(plan, clusters=clusters) if plan else None,
            versions=versions.select_related("document").order_by(F("approved_on").desc(nulls_last=True), "-id"),
            amendments=self.scoped(PlanAmendment.objects.prefetch_related("clusters")).filter(
                plan__province_id=province
            ),
            annual_plans=in_reach(AnnualPlan.objects, user).filter(province_id=province).select_related("document"),
        )
        return context


class AnnualPlanView(ObjectDetailView):
    """Targets against live actuals, with the clusters behind each number."""

    template_name = "planning/annual_plan.html"
    unscoped_reason = "A province's annual plans are public to its signed-in users; the actuals are scoped."

    def get_base_queryset(self):
        return in_reach(AnnualPlan.objects, self.request.user).prefetch_related("targets", "tasks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        form = AsOfForm(self.request.GET if self.request.GET.get("date") else None)
        day = form.cleaned_data["date"] if form.is_bound and form.is_valid() else timezone.localdate()
        context.update(
            plan=plan,
            form=form,
            day=day,
            rows=selectors.plan_progress(
                plan, as_of=day, clusters=self.scoped(Cluster.objects).filter(province_id=plan.province_id)
            ),
        )
        return context


class AdvanceForm(ScopedChoicesMixin, forms.Form):
    field_columns = "col-12"
    to = forms.ChoiceField(label=gettext_lazy("Next step"))
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_WIDGET)
    document = forms.ModelChoiceField(queryset=Document.objects.all(), required=False, label=gettext_lazy("Document"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, amendment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, AmendmentStatus(s).label) for s in AMENDMENT_TRANSITIONS[amendment.status]]


class AmendmentView(ObjectActionView):
    """The amendment and its steps; approvers advance it (POST) through the amendment service."""

    template_name = "planning/amendment.html"
    queryset = PlanAmendment.objects.prefetch_related("clusters", "events__document")
    scope_action = "view"
    form_class = AdvanceForm
    context_object_name = "amendment"
    success_message = gettext_lazy("Amendment updated.")

    def get_permission_required(self):
        return ["planning.approve_plan"] if self.request.method == "POST" else []

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "amendment": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_advance"] = self.request.user.has_perm("planning.approve_plan") and bool(
            AMENDMENT_TRANSITIONS[self.object.status]
        )
        context["amendment_versions"] = self.scoped(DevelopmentPlan.objects).filter(from_amendment=self.object)
        user, is_open = self.request.user, self.object.status not in services.CLOSED_AMENDMENT
        context.update(
            changes=self.object.changes.select_related("cluster"),
            may_edit=is_open and user.has_perm("planning.change_planamendment"),
            may_add_change=is_open and user.has_perm("planning.add_amendmentchange"),
            may_change=is_open and user.has_perm("planning.change_amendmentchange"),
            may_delete=is_open and user.has_perm("planning.delete_amendmentchange"),
        )
        return context

    def save(self, form):
        data = form.cleaned_data
        services.amendment_advance(
            amendment=self.object,
            to_status=data["to"],
            on=data["on"],
            document=data["document"],
            note=data["note"],
            actor=self.request.user,
        )
        return self.object

    def get_success_url(self, saved=None):
        return reverse("planning:amendment", args=[self.object.pk])
