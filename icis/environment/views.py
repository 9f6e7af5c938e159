from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.core.forms import AsOfForm
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.core.views import id_or_none

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
from .tables import ConnectionTable, PlantTable


def _as_of(request):
    form = AsOfForm(request.GET if request.GET.get("date") else None)
    day = form.cleaned_data["date"] if form.is_bound and form.is_valid() else timezone.localdate()
    return form, day


def plant_url(pk) -> str:
    return reverse("environment:plant_detail", args=[pk])


class BoardView(ScopedPageView):
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


class PlantListView(ObjectListView):
    template_name = "environment/plant_list.html"
    filterset_class = PlantFilterSet
    table_class = PlantTable
    permission_required = "environment.view_wastewaterplant"
    paginate_by = 50
    export_name = gettext_lazy("wastewater treatment plants")

    def get_base_queryset(self):
        return selectors.plant_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plants = WastewaterPlant.objects.filter(pk__in=[p.pk for p in context["object_list"]])
        context["standings"] = selectors.plant_standings(plants, timezone.localdate())
        context["table"].standings = context["standings"]
        return context


class PlantDetailView(ObjectDetailView):
    template_name = "environment/plant_detail.html"
    permission_required = "environment.view_wastewaterplant"
    context_object_name = "plant"

    def get_base_queryset(self):
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
            standing=standing,
            regulation=regulation,
            factors={"kq": kq, "kf": kf, "not_set": plant.kq is None or plant.kf is None, "assumed": assumed},
            samples=selectors.recent_samples(plant, catalogue=catalogue),
            chart=selectors.plant_chart(plant, catalogue=catalogue),
            violations=plant.violations.select_related("parameter").order_by("-detected_on", "-id")[:50],
            status_changes=plant.status_changes.select_related("document", "actor"),
            connections=selectors.plant_connections(plant, self.request.user),
            proposal=selectors.factor_proposal(plant, day=today),
            can_transition=bool(PLANT_TRANSITIONS.get(plant.status)),
            outcome_colours=OUTCOME_COLOURS,
        )
        return context


class PlantFormView(ObjectFormView):
    """Create (no pk) or edit (pk) a plant through the services; stale edits are refused."""

    template_name = "environment/form.html"
    form_class = PlantForm
    add_permission = "environment.add_wastewaterplant"
    change_permission = "environment.change_wastewaterplant"
    success_message = gettext_lazy("Plant saved.")

    def get_base_queryset(self):
        return selectors.plant_detail()

    def get_initial(self):
        cluster = id_or_none(self.request.GET.get("cluster"))
        return {"clusters": [cluster]} if cluster is not None and not self.object else {}

    def get_context_data(self, **kwargs):
        title = _("Edit %(plant)s") % {"plant": self.object} if self.object else _("New wastewater treatment plant")
        cancel = plant_url(self.object.pk) if self.object else reverse("environment:plant_list")
        return {**super().get_context_data(**kwargs), "title": title, "cancel_url": cancel}

    def save(self, form):
        if self.object:
            return services.plant_update(
                plant=self.object,
                data=form.service_data(),
                clusters=form.cleaned_data["clusters"],
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.plant_create(
            data=form.service_data(),
            clusters=form.cleaned_data["clusters"],
            status=form.cleaned_data.get("status") or "planned",
            status_date=form.cleaned_data.get("status_date"),
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return plant_url(saved.pk)


class PlantTransitionView(ObjectActionView):
    template_name = "environment/form.html"
    model = WastewaterPlant
    form_class = PlantTransitionForm
    permission_required = "environment.transition_wastewaterplant"
    success_message = gettext_lazy("Status changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plant": self.object}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Change the status of %(plant)s") % {"plant": self.object},
            "cancel_url": plant_url(self.object.pk),
        }

    def save(self, form):
        data = form.cleaned_data
        return services.plant_transition(
            plant=self.object,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data["reason"],
            document=data["document"],
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return plant_url(self.object.pk)


class SampleCreateView(ObjectFormView):
    """Enter a laboratory result; it is judged at once and an outlet exceedance opens a violation."""

    template_name = "environment/sample_form.html"
    model = WastewaterPlant
    object_required = True
    form_class = SampleForm
    permission_required = "environment.add_sample"
    context_object_name = "plant"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parameters": Parameter.objects.all()}

    def apply_service_errors(self, form, error):
        """`values.<code>` lands on the parameter's row, or under "other parameters" if the table lacks it."""
        for field, errors in getattr(error, "error_dict", {}).items():
            code = field.split(".")[1] if field.startswith("values.") else None
            target = f"v_{code}" if code and f"v_{code}" in form.fields else (field if field in form.fields else None)
            if target is None and code:
                target = "other"
            for item in errors:
                form.add_error(target, item.messages)
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)

    def save(self, form):
        sample, judgement, violations = services.sample_record(
            plant=self.object,
            sampled_on=form.cleaned_data["sampled_on"],
            point=form.cleaned_data["point"],
            lab=form.cleaned_data["lab"],
            notes=form.cleaned_data["notes"],
            values=form.values(),
            actor=self.request.user,
        )
        self.judgement, self.violations = judgement, violations
        return sample

    def get_success_message(self, saved):
        if self.violations:
            messages.warning(
                self.request,
                _("Sample recorded: %(n)s parameter(s) exceed the limit; violations opened.")
                % {"n": len(self.violations)},
            )
            return None
        return _("Sample recorded: %(outcome)s.") % {"outcome": self.judgement.outcome}

    def get_success_url(self, saved=None):
        return plant_url(self.object.pk)


class ContinuousImportView(ObjectFormView):
    """Upload the continuous station's daily values: all rows or none, with every error by row.

    The URL's object is the plant (in scope for "change"); the upload runs as a job, so the form's
    answer is the job's page, or (jobs run at once) the plant's page or the form with the row errors."""

    template_name = "environment/import.html"
    model = WastewaterPlant
    object_required = True
    form_class = ContinuousImportForm
    permission_required = "environment.add_sample"
    scope_action = "change"

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


class RequirementCreateView(ObjectFormView):
    template_name = "environment/form.html"
    model = WastewaterPlant
    object_required = True
    form_class = RequirementForm
    permission_required = "environment.add_monitoringrequirement"
    success_message = gettext_lazy("Monitoring requirement saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # the URL's object is the plant, not a requirement
        return kwargs

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Monitoring requirement of %(plant)s") % {"plant": self.object},
            "cancel_url": plant_url(self.object.pk),
        }

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.requirement_create(data={**data, "plant": self.object}, actor=self.request.user)

    def get_success_url(self, saved=None):
        return plant_url(self.object.pk)


class ViolationDetailView(ObjectActionView):
    """A violation, and (with the permission) the form that corrects, closes or reopens it."""

    template_name = "environment/violation_detail.html"
    queryset = Violation.objects.select_related("plant", "parameter", "sample", "regulation", "requirement")
    form_class = ViolationTransitionForm
    scope_action = "view"
    context_object_name = "violation"
    success_message = gettext_lazy("Violation updated.")

    def get_permission_required(self):
        if self.request.method == "POST":
            return ["environment.view_violation", "environment.change_violation"]
        return ["environment.view_violation"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "violation": self.object}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "today": timezone.localdate(),
            "status_changes": self.object.status_changes.select_related("document", "actor"),
            "can_change": self.request.user.has_perm("environment.change_violation")
            and bool(VIOLATION_TRANSITIONS.get(self.object.status)),
        }

    def save(self, form):
        data = form.cleaned_data
        return services.violation_transition(
            violation=self.object, to_status=data["to"], on=data["date"], note=data["note"], actor=self.request.user
        )

    def get_success_url(self, saved=None):
        return reverse("environment:violation_detail", args=[self.object.pk])


class ConnectionListView(ObjectListView):
    """Tenant projects' wastewater arrangements, and the operating projects with none."""

    template_name = "environment/connection_list.html"
    queryset = TenantConnection.objects.select_related(
        "tenant_project__tenant", "tenant_project__cluster", "plant", "own_permit"
    )
    filterset_class = ConnectionFilterSet
    table_class = ConnectionTable
    permission_required = "environment.view_tenantconnection"
    paginate_by = 50
    export_name = gettext_lazy("tenant wastewater connections")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unconnected"] = selectors.unconnected_operating_tenants(self.request.user, timezone.localdate())
        return context


class ConnectionFormView(ObjectFormView):
    template_name = "environment/form.html"
    model = TenantConnection
    form_class = ConnectionForm
    add_permission = "environment.add_tenantconnection"
    change_permission = "environment.change_tenantconnection"
    success_message = gettext_lazy("Arrangement saved.")

    def get_initial(self):
        project = id_or_none(self.request.GET.get("tenant_project"))
        return {"tenant_project": project} if project is not None and not self.object else {}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Wastewater arrangement of a tenant project"),
            "cancel_url": reverse("environment:connection_list"),
        }

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if self.object:
            return services.connection_update(
                connection=self.object,
                data=data,
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.connection_create(data=data, actor=self.request.user)

    def get_success_url(self, saved=None):
        return reverse("environment:connection_list")


class RegulationListView(ObjectListView):
    """The effluent regulations as loaded: every limit, its unit, whether Kq × Kf applies, and the notes."""

    template_name = "environment/regulation_list.html"
    permission_required = "environment.view_regulation"
    queryset = Regulation.objects.prefetch_related("limits__parameter", "factor_bands")
    context_object_name = "regulations"
