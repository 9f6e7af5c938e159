from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from icis.core.forms import AsOfForm, apply_errors
from icis.core.views import FilteredListView, ScopedObjectMixin, id_or_none

from . import jobs, selectors, services
from .choices import OUTCOME_COLOURS, PLANT_TRANSITIONS, VIOLATION_TRANSITIONS
from .compliance import Catalogue
from .filtersets import ConnectionFilterSet, PlantFilterSet
from .forms import (
    ConnectionForm,
    ContinuousImportForm,
    PlantForm,
    PlantTransitionForm,
    RequirementForm,
    SampleForm,
    ViolationTransitionForm,
)
from .models import Parameter, Regulation, TenantConnection, Violation, WastewaterPlant


def _as_of(request):
    form = AsOfForm(request.GET if request.GET.get("date") else None)
    day = form.cleaned_data["date"] if form.is_bound and form.is_valid() else timezone.localdate()
    return form, day


class BoardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Open violations by deadline, and the wastewater indicators on a chosen date."""

    template_name = "environment/board.html"
    permission_required = "environment.view_violation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, day = _as_of(self.request)
        context.update(
            form=form,
            day=day,
            today=timezone.localdate(),
            overview=selectors.environment_overview(user=self.request.user, as_of=day if form.is_bound else None),
            violations=list(selectors.open_violations(self.request.user)[:200]),
            unconnected=list(selectors.unconnected_operating_tenants(self.request.user, day)[:50]),
        )
        return context


class PlantListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredListView):
    template_name = "environment/plant_list.html"
    filterset_class = PlantFilterSet
    permission_required = "environment.view_wastewaterplant"
    paginate_by = 50

    def get_base_queryset(self):
        return selectors.plant_list().restrict(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plants = WastewaterPlant.objects.filter(pk__in=[p.pk for p in context["object_list"]])
        context["standings"] = selectors.plant_standings(plants, timezone.localdate())
        return context


class PlantDetailView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, TemplateView):
    template_name = "environment/plant_detail.html"
    permission_required = "environment.view_wastewaterplant"

    def get_scoped_queryset(self):
        return selectors.plant_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plant = self.object
        catalogue = Catalogue.load()
        today = timezone.localdate()
        standing = selectors.plant_standings(WastewaterPlant.objects.filter(pk=plant.pk), today, catalogue).get(
            plant.pk
        )
        regulation = catalogue.regulation_for(plant, today)
        kq, kf, assumed = catalogue.factors(plant, regulation)
        context.update(
            plant=plant,
            standing=standing,
            regulation=regulation,
            factors={"kq": kq, "kf": kf, "not_set": plant.kq is None or plant.kf is None, "assumed": assumed},
            samples=selectors.recent_samples(plant, catalogue=catalogue),
            chart=selectors.plant_chart(plant, catalogue=catalogue),
            violations=plant.violations.select_related("parameter").order_by("-detected_on", "-id")[:50],
            status_changes=plant.status_changes.select_related("document", "actor"),
            connections=TenantConnection.objects.restrict(self.request.user)
            .filter(plant=plant)
            .select_related("tenant_project__tenant", "tenant_project__cluster"),
            proposal=selectors.factor_proposal(plant, day=today),
            can_transition=bool(PLANT_TRANSITIONS.get(plant.status)),
            outcome_colours=OUTCOME_COLOURS,
        )
        return context


class PlantFormView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    """Create (no pk) or edit (pk) a plant through the services; stale edits are refused."""

    template_name = "environment/form.html"
    form_class = PlantForm
    scope_action = "change"

    def get_scoped_queryset(self):
        return selectors.plant_detail()

    def get_permission_required(self):
        return ["environment.change_wastewaterplant" if self.object else "environment.add_wastewaterplant"]

    def get_initial(self):
        cluster = id_or_none(self.request.GET.get("cluster"))
        return {"clusters": [cluster]} if cluster is not None and not self.object else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        title = _("Edit %(plant)s") % {"plant": self.object} if self.object else _("New wastewater treatment plant")
        cancel = f"/environment/plants/{self.object.pk}/" if self.object else "/environment/plants/"
        return {**super().get_context_data(**kwargs), "title": title, "cancel_url": cancel}

    def form_valid(self, form):
        try:
            if self.object:
                plant = services.plant_update(
                    plant=self.object,
                    data=form.service_data(),
                    clusters=form.cleaned_data["clusters"],
                    actor=self.request.user,
                    expected_version=form.cleaned_data.get("version"),
                )
            else:
                plant = services.plant_create(
                    data=form.service_data(),
                    clusters=form.cleaned_data["clusters"],
                    status=form.cleaned_data.get("status") or "planned",
                    status_date=form.cleaned_data.get("status_date"),
                    actor=self.request.user,
                )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Plant saved."))
        return redirect("environment:plant_detail", pk=plant.pk)


class PlantTransitionView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    template_name = "environment/form.html"
    form_class = PlantTransitionForm
    permission_required = "environment.transition_wastewaterplant"
    scope_action = "change"

    def get_scoped_queryset(self):
        return WastewaterPlant.objects.all()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plant": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Change the status of %(plant)s") % {"plant": self.object},
            "cancel_url": f"/environment/plants/{self.object.pk}/",
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.plant_transition(
                plant=self.object,
                to_status=data["to"],
                effective_on=data["date"],
                reason=data["reason"],
                document=data["document"],
                actor=self.request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Status changed."))
        return redirect("environment:plant_detail", pk=self.object.pk)


class SampleCreateView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    """Enter a laboratory result; it is judged at once and an outlet exceedance opens a violation."""

    template_name = "environment/sample_form.html"
    form_class = SampleForm
    permission_required = "environment.add_sample"
    scope_action = "change"

    def get_scoped_queryset(self):
        return WastewaterPlant.objects.all()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parameters": Parameter.objects.all()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plant": self.object}

    def form_valid(self, form):
        values = form.values()
        try:
            sample, judgement, violations = services.sample_record(
                plant=self.object,
                sampled_on=form.cleaned_data["sampled_on"],
                point=form.cleaned_data["point"],
                lab=form.cleaned_data["lab"],
                notes=form.cleaned_data["notes"],
                values=values,
                actor=self.request.user,
            )
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {}).items():
                code = field.split(".")[1] if field.startswith("values.") else None
                target = (
                    f"v_{code}" if code and f"v_{code}" in form.fields else (field if field in form.fields else None)
                )
                if target is None and code:  # a parameter the table lacks, typed under "other parameters"
                    target = "other"
                for item in errors:
                    form.add_error(target, item.messages)
            if not hasattr(error, "error_dict"):
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        if violations:
            messages.warning(
                self.request,
                _("Sample recorded: %(n)s parameter(s) exceed the limit; violations opened.") % {"n": len(violations)},
            )
        else:
            messages.success(self.request, _("Sample recorded: %(outcome)s.") % {"outcome": judgement.outcome})
        return redirect("environment:plant_detail", pk=self.object.pk)


class ContinuousImportView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    """Upload the continuous station's daily values: all rows or none, with every error by row."""

    template_name = "environment/import.html"
    form_class = ContinuousImportForm
    permission_required = "environment.add_sample"
    scope_action = "change"

    def get_scoped_queryset(self):
        return WastewaterPlant.objects.all()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "plant": self.object,
            "max_bytes": settings.ICIS_IMPORT_MAX_BYTES,
            "max_rows": settings.ICIS_IMPORT_MAX_ROWS,
        }

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = jobs.start(
            plant=self.object,
            filename=upload.name,
            content=upload.read(settings.ICIS_IMPORT_MAX_BYTES + 1),
            actor=self.request.user,
        )
        if job.is_running:
            return redirect("core:job_detail", pk=job.pk)
        # Already finished (ICIS_JOBS_SYNC): answer at once, as before jobs.
        if job.status == job.Status.FAILED:
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=job.problems, job_error=job.message)
            )
        summary = job.result
        message = _("Imported %(values)s values over %(days)s days; %(v)s violation(s) opened.")
        messages.success(
            self.request,
            message % {"values": summary["values"], "days": summary["days"], "v": summary["violations_opened"]},
        )
        return redirect("environment:plant_detail", pk=self.object.pk)


class RequirementCreateView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    template_name = "environment/form.html"
    form_class = RequirementForm
    permission_required = "environment.add_monitoringrequirement"
    scope_action = "change"

    def get_scoped_queryset(self):
        return WastewaterPlant.objects.all()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Monitoring requirement of %(plant)s") % {"plant": self.object},
            "cancel_url": f"/environment/plants/{self.object.pk}/",
        }

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.requirement_create(data={**data, "plant": self.object}, actor=self.request.user)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Monitoring requirement saved."))
        return redirect("environment:plant_detail", pk=self.object.pk)


class ViolationDetailView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    """A violation, and (with the permission) the form that corrects, closes or reopens it."""

    template_name = "environment/violation_detail.html"
    form_class = ViolationTransitionForm
    permission_required = "environment.view_violation"

    def get_scoped_queryset(self):
        return Violation.objects.select_related("plant", "parameter", "sample", "regulation", "requirement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "violation": self.object}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "violation": self.object,
            "today": timezone.localdate(),
            "can_change": self.request.user.has_perm("environment.change_violation")
            and bool(VIOLATION_TRANSITIONS.get(self.object.status)),
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("environment.change_violation"):
            return self.handle_no_permission()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.violation_transition(
                violation=self.object, to_status=data["to"], on=data["date"], note=data["note"], actor=self.request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Violation updated."))
        return redirect("environment:violation_detail", pk=self.object.pk)


class ConnectionListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredListView):
    """Tenant projects' wastewater arrangements, and the operating projects with none."""

    template_name = "environment/connection_list.html"
    filterset_class = ConnectionFilterSet
    permission_required = "environment.view_tenantconnection"
    paginate_by = 50

    def get_base_queryset(self):
        return TenantConnection.objects.restrict(self.request.user).select_related(
            "tenant_project__tenant", "tenant_project__cluster", "plant", "own_permit"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unconnected"] = selectors.unconnected_operating_tenants(self.request.user, timezone.localdate())
        return context


class ConnectionFormView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    template_name = "environment/form.html"
    form_class = ConnectionForm
    scope_action = "change"

    def get_scoped_queryset(self):
        return TenantConnection.objects.all()

    def get_permission_required(self):
        return ["environment.change_tenantconnection" if self.object else "environment.add_tenantconnection"]

    def get_initial(self):
        project = id_or_none(self.request.GET.get("tenant_project"))
        return {"tenant_project": project} if project is not None and not self.object else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Wastewater arrangement of a tenant project"),
            "cancel_url": "/environment/connections/",
        }

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if self.object:
                services.connection_update(
                    connection=self.object,
                    data=data,
                    actor=self.request.user,
                    expected_version=form.cleaned_data.get("version"),
                )
            else:
                services.connection_create(data=data, actor=self.request.user)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Arrangement saved."))
        return redirect("environment:connection_list")


class RegulationListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """The effluent regulations as loaded: every limit, its unit, whether Kq × Kf applies, and the notes."""

    template_name = "environment/regulation_list.html"
    permission_required = "environment.view_regulation"
    context_object_name = "regulations"

    def get_queryset(self):
        return Regulation.objects.restrict(self.request.user).prefetch_related("limits__parameter", "factor_bands")
