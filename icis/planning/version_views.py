"""Development plan versions: the list per province, one version with its entries by group and its
totals (computed from the entries, beside the document's own figures), entry create/edit and the
comparison of two versions cluster by cluster."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icis.core.forms import ScopedChoicesMixin
from icis.core.generic import ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.geo.selection import page_province

from . import selectors, services
from .choices import PlanGroup
from .models import DevelopmentPlan, PlanEntry


def phase_options(plan: DevelopmentPlan) -> list[str]:
    """The periods a phase is usually written as: to the horizon, the vision, after the horizon."""
    options = [f"đến năm {plan.horizon_year}"]
    if plan.vision_year:
        options += [f"{plan.horizon_year + 1}–{plan.vision_year}", f"tầm nhìn đến năm {plan.vision_year}"]
    options.append(f"sau năm {plan.horizon_year}")
    return options


class PlanVersionListView(ObjectListView):
    """The versions of a province's development plan, newest first, each with its computed totals."""

    template_name = "planning/version_list.html"
    paginate_by = 50

    def get_base_queryset(self):
        versions = DevelopmentPlan.objects.select_related("document", "province", "amends")
        province = page_province(self.request)
        if province:
            versions = versions.filter(province_id=province)
        return versions.order_by("province_id", "-is_current", "-approved_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for version in context["object_list"]:
            version.totals = selectors.plan_totals(version)
        context["province"] = page_province(self.request)
        return context


class PlanVersionView(ObjectDetailView):
    template_name = "planning/version_detail.html"
    context_object_name = "version"

    def get_base_queryset(self):
        return DevelopmentPlan.objects.select_related("document", "province", "amends")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        user = self.request.user
        context.update(
            totals=selectors.plan_totals(version),
            groups=selectors.grouped_entries(version),
            may_edit=user.has_perm("planning.change_planentry"),
            may_add=user.has_perm("planning.add_planentry"),
            newer=self.scoped(DevelopmentPlan.objects).filter(amends=version).order_by("id"),
        )
        return context


class PlanEntryForm(ScopedChoicesMixin, forms.ModelForm):
    field_columns = "col-md-6"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanEntry
        fields = ["cluster", "name", "group", "planned_area_ha", "phase", "sectors", "is_expansion"]
        widgets = {"phase": forms.TextInput(attrs={"list": "phase-options"})}

    def __init__(self, *args, plan: DevelopmentPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        cluster = self.fields["cluster"]
        cluster.queryset = cluster.queryset.filter(province_id=plan.province_id).order_by("name")
        cluster.help_text = _("Empty while the planned cluster is not yet in the registry.")
        self.fields["name"].required = False
        self.fields["name"].help_text = _("As the plan writes it; the cluster's name when left empty.")
        self.fields["phase"].help_text = _("Choose a period or write the plan's own words.")
        self.fields["group"].choices = PlanGroup.choices
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        """The service validates (one entry per cluster and version, the plan's province)."""


class PlanEntryFormView(ObjectFormView):
    """Create (`versions/<plan>/entries/new/`) or edit (`entries/<pk>/edit/`) one entry of a version."""

    template_name = "planning/entry_form.html"
    form_class = PlanEntryForm
    add_permission = "planning.add_planentry"
    change_permission = "planning.change_planentry"
    context_object_name = "entry"

    def get_base_queryset(self):
        return PlanEntry.objects.select_related("plan", "cluster")

    @property
    def plan(self) -> DevelopmentPlan:
        if self.object is not None:
            return self.object.plan
        if "plan" not in self.kwargs:
            raise Http404
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(self.scoped(DevelopmentPlan.objects, "change"), pk=self.kwargs["plan"])
        return self._plan

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan": self.plan, "phase_options": phase_options(self.plan)}

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in PlanEntryForm.Meta.fields}
        return services.plan_entry_save(
            plan=self.plan,
            data=data,
            actor=self.request.user,
            entry=self.object,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self, saved):
        return str(_("Plan entry saved."))

    def get_success_url(self, saved=None):
        return reverse("planning:version", args=[self.plan.pk])


class PlanCompareView(ScopedPageView):
    """Two versions side by side, cluster by cluster: `?old=<id>&new=<id>` (by default a version and
    the one it amends)."""

    template_name = "planning/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = self.scoped(DevelopmentPlan.objects).select_related("document")
        new = get_object_or_404(versions, pk=self.kwargs["pk"])
        old_id = self.request.GET.get("old") or new.amends_id
        if not old_id or not str(old_id).isdigit():
            raise Http404(_("Choose the version to compare with."))
        old = get_object_or_404(versions, pk=old_id)
        rows = selectors.compare(old, new)
        context.update(
            old=old,
            new=new,
            rows=rows,
            summary=selectors.compare_summary(rows),
            others=versions.filter(province_id=new.province_id).exclude(pk=new.pk).order_by("-id"),
            old_totals=selectors.plan_totals(old),
            new_totals=selectors.plan_totals(new),
        )
        return context
