"""Development plan versions: the list per province, one version with its entries by group and its
totals (computed from the entries, beside the document's own figures), version and entry create/edit,
amendments with their change rows, and the comparison of two versions cluster by cluster."""

from django import forms
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.core.scoping import home_province_code
from icis.geo.models import Province
from icis.geo.selection import page_province

from . import selectors, services
from .choices import PlanGroup
from .models import AmendmentChange, DevelopmentPlan, PlanAmendment, PlanEntry

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


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
        # undated versions after dated ones on every database (PostgreSQL would put them first)
        return versions.order_by("province_id", "-is_current", F("approved_on").desc(nulls_last=True), "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for version in context["object_list"]:
            version.totals = selectors.plan_totals(version)
        context["province"] = page_province(self.request)
        context["may_add"] = self.request.user.has_perm("planning.add_developmentplan")
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
            amendments=self.scoped(PlanAmendment.objects).filter(plan=version).order_by("-created_at", "-id"),
            may_change_version=user.has_perm("planning.change_developmentplan"),
            may_add_amendment=user.has_perm("planning.add_planamendment"),
        )
        context["locked"] = bool(context["newer"]) or services.has_successor(version)
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


# ------------------------------------------------------------------- versions and amendments kept on pages


class PlanVersionForm(ScopedChoicesMixin, forms.ModelForm):
    """A version as its approving decision states it: name, decision, date, horizon, vision, totals."""

    field_columns = "col-md-6"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_current = forms.BooleanField(
        label=_("In force (the current version)"),
        required=False,
        help_text=_("The province's current version, if any, stays recorded and is no longer current."),
    )

    class Meta:
        model = DevelopmentPlan
        fields = ["name", "document", "approved_on", "horizon_year", "vision_year", "cluster_count", "area_ha", "notes"]
        widgets = {"approved_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, province_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_on"].input_formats = DATE_INPUT_FORMATS
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["is_current"]  # a version becomes history by an amendment, not by an edit
        else:
            self.fields["is_current"].initial = not DevelopmentPlan.objects.filter(
                province_id=province_id, is_current=True
            ).exists()

    def _post_clean(self):
        """The service validates (years, dates, the version not yet amended)."""


class PlanVersionFormView(ObjectFormView):
    """Create a province's plan version (`versions/new/?province=<code>`) or correct one while no later
    version amends it (`versions/<pk>/edit/`)."""

    template_name = "planning/version_form.html"
    form_class = PlanVersionForm
    add_permission = "planning.add_developmentplan"
    change_permission = "planning.change_developmentplan"
    context_object_name = "version"

    def get_base_queryset(self):
        return DevelopmentPlan.objects.select_related("province", "document")

    @property
    def province_id(self) -> str:
        if self.object is not None:
            return self.object.province_id
        return page_province(self.request) or home_province_code(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "province_id": self.province_id}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(province=Province.objects.filter(pk=self.province_id).first())
        context["locked"] = self.object is not None and services.has_successor(self.object)
        return context

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in PlanVersionForm.Meta.fields}
        return services.plan_version_save(
            province_id=self.province_id,
            data=data,
            actor=self.request.user,
            plan=self.object,
            is_current=bool(form.cleaned_data.get("is_current")),
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self, saved):
        return str(_("Plan version saved."))


class AmendmentForm(ScopedChoicesMixin, forms.ModelForm):
    field_columns = "col-md-6"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanAmendment
        fields = ["title", "proposed_by", "clusters", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: DevelopmentPlan, **kwargs):
        super().__init__(*args, **kwargs)
        clusters = self.fields["clusters"]
        clusters.queryset = clusters.queryset.filter(province_id=plan.province_id).order_by("name")
        clusters.required = False
        clusters.help_text = _(
            "Clusters the amendment adds to the plan; approval moves the proposed ones to planned. "
            "Other changes (area, withdrawal, deferral) are its change rows."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        """The service validates (the plan's province, the amendment still open)."""


class AmendmentFormView(ObjectFormView):
    """Draft an amendment of a version (`versions/<plan>/amendments/new/`) or change it while it is
    open (`amendments/<pk>/edit/`). Its procedure (submitted … approved) is on the amendment page."""

    template_name = "planning/amendment_form.html"
    form_class = AmendmentForm
    add_permission = "planning.add_planamendment"
    change_permission = "planning.change_planamendment"
    context_object_name = "amendment"

    def get_base_queryset(self):
        return PlanAmendment.objects.select_related("plan")

    @property
    def plan(self) -> DevelopmentPlan:
        if self.object is not None:
            return self.object.plan
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(self.scoped(DevelopmentPlan.objects, "change"), pk=self.kwargs["plan"])
        return self._plan

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan": self.plan}

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in AmendmentForm.Meta.fields}
        data["clusters"] = list(data["clusters"])
        return services.amendment_save(
            plan=self.plan,
            data=data,
            actor=self.request.user,
            amendment=self.object,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self, saved):
        return str(_("Amendment saved."))

    def get_success_url(self, saved=None):
        return reverse("planning:amendment", args=[(saved or self.object).pk])


class AmendmentChangeForm(ScopedChoicesMixin, forms.ModelForm):
    field_columns = "col-md-6"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AmendmentChange
        fields = ["cluster", "group", "planned_area_ha", "phase"]
        widgets = {"phase": forms.TextInput(attrs={"list": "phase-options"})}

    def __init__(self, *args, amendment: PlanAmendment, **kwargs):
        super().__init__(*args, **kwargs)
        cluster = self.fields["cluster"]
        cluster.queryset = cluster.queryset.filter(province_id=amendment.plan.province_id).order_by("name")
        self.fields["planned_area_ha"].help_text = _("In the new version; empty keeps the area it had.")
        self.fields["phase"].help_text = _("Choose a period or write the plan's own words; empty keeps it.")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        """The service validates (one row per cluster, the plan's province, the amendment still open)."""


class AmendmentChangeFormView(ObjectFormView):
    """Add (`amendments/<amendment>/changes/new/`) or edit (`amendment-changes/<pk>/edit/`) what an open
    amendment does to one cluster."""

    template_name = "planning/change_form.html"
    form_class = AmendmentChangeForm
    add_permission = "planning.add_amendmentchange"
    change_permission = "planning.change_amendmentchange"
    context_object_name = "change"

    def get_base_queryset(self):
        return AmendmentChange.objects.select_related("amendment__plan", "cluster")

    @property
    def amendment(self) -> PlanAmendment:
        if self.object is not None:
            return self.object.amendment
        if not hasattr(self, "_amendment"):
            amendments = self.scoped(PlanAmendment.objects.select_related("plan"), "change")
            self._amendment = get_object_or_404(amendments, pk=self.kwargs["amendment"])
        return self._amendment

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "amendment": self.amendment}

    def get_context_data(self, **kwargs):
        amendment = self.amendment
        return {
            **super().get_context_data(**kwargs),
            "amendment": amendment,
            "phase_options": phase_options(amendment.plan),
        }

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in AmendmentChangeForm.Meta.fields}
        return services.amendment_change_save(
            amendment=self.amendment,
            data=data,
            actor=self.request.user,
            change=self.object,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self, saved):
        return str(_("Change saved."))

    def get_success_url(self, saved=None):
        return reverse("planning:amendment", args=[self.amendment.pk])


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AmendmentChangeDeleteView(ObjectActionView):
    """Remove a change row from an open amendment (POST, with the version read)."""

    queryset = AmendmentChange.objects.select_related("amendment")
    scope_action = "change"
    permission_required = "planning.delete_amendmentchange"
    form_class = VersionForm

    def save(self, form):
        amendment = self.object.amendment
        services.amendment_change_delete(
            change=self.object, actor=self.request.user, expected_version=form.cleaned_data.get("version")
        )
        return amendment

    def get_success_message(self, saved):
        return str(_("Change removed."))

    def get_success_url(self, saved=None):
        return reverse("planning:amendment", args=[self.object.amendment_id])
