from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.clusters.models import Cluster
from icis.core.forms import AsOfForm, apply_errors
from icis.core.generic import ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.core.views import id_or_none, safe_next

from . import exports, periods, report_forms, selectors, services
from .choices import ReportForm, SubmissionStatus
from .filtersets import SubmissionFilterSet, TenantProjectFilterSet
from .forms import FiguresForm, NewReportForm, ReturnForm, TenantForm, TenantProjectForm
from .models import Submission, Tenant, TenantProject
from .tables import SubmissionTable, TenantProjectTable

GROUPS = [("cluster", "cluster"), ("commune", "commune"), ("legacy_district", "legacy district"), ("city", "city")]


class OccupancyView(ScopedPageView):
    """Occupancy by cluster, commune, legacy district or city-wide, now or on a date."""

    template_name = "tenancy/occupancy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AsOfForm(self.request.GET if self.request.GET.get("date") else None)
        day = form.cleaned_data["date"] if form.is_bound and form.is_valid() else timezone.localdate()
        group_by = self.request.GET.get("group_by", "cluster")
        if group_by not in dict(GROUPS):
            group_by = "cluster"
        context.update(
            form=form,
            day=day,
            group_by=group_by,
            rows=selectors.occupancy_table(clusters=self.scoped(Cluster.objects), group_by=group_by, as_of=day),
            total=selectors.occupancy_table(clusters=self.scoped(Cluster.objects), group_by="city", as_of=day),
        )
        return context


class ProjectListView(ObjectListView):
    template_name = "tenancy/project_list.html"
    queryset = TenantProject.objects.select_related("tenant", "cluster")
    filterset_class = TenantProjectFilterSet
    table_class = TenantProjectTable
    paginate_by = 50
    export_name = gettext_lazy("tenant projects")

    def export(self, fmt):
        """The import's columns, so an export can be corrected and imported again."""
        cluster_id = self.filterset.form.cleaned_data.get("cluster") if self.filterset.is_bound else None
        cluster = self.scoped(Cluster.objects).filter(pk=cluster_id).first() if cluster_id else None
        response = exports.projects_export(self.object_list, fmt=fmt, cluster=cluster)
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename(fmt)}"'
        return response


class ProjectFormView(ObjectFormView):
    template_name = "tenancy/project_form.html"
    form_class = TenantProjectForm
    model = TenantProject
    context_object_name = "project"
    add_permission = "tenancy.add_tenantproject"
    change_permission = "tenancy.change_tenantproject"
    success_message = gettext_lazy("Tenant project saved.")

    def get_initial(self):
        return {"cluster": self.request.GET.get("cluster")} if not self.object else {}

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.fields}
        confirmed = form.cleaned_data.get("confirm_warnings", False)
        if self.object:
            return services.project_update(
                project=self.object,
                data=data,
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                confirmed=confirmed,
            )
        return services.project_create(data=data, actor=self.request.user, confirmed=confirmed)

    def get_success_url(self, saved=None):
        return f"{reverse('tenancy:project_list')}?cluster={saved.cluster_id}"


class TenantFormView(ObjectFormView):
    template_name = "tenancy/tenant_form.html"
    form_class = TenantForm
    model = Tenant
    context_object_name = "tenant"
    add_permission = "tenancy.add_tenant"
    change_permission = "tenancy.change_tenant"
    success_message = gettext_lazy("Tenant saved.")

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if self.object:
            return services.tenant_update(
                tenant=self.object,
                data=data,
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.tenant_create(data=data, actor=self.request.user)

    def get_success_url(self, saved=None):
        return safe_next(self.request, reverse("tenancy:project_add"))


class SubmissionListView(ObjectListView):
    """Periodic reports, with the ones overdue for the chosen period."""

    template_name = "tenancy/submission_list.html"
    queryset = Submission.objects.select_related("cluster", "tenant_project__tenant")
    filterset_class = SubmissionFilterSet
    table_class = SubmissionTable
    paginate_by = 50
    export_name = gettext_lazy("periodic reports")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            period = periods.parse(self.request.GET.get("period", ""))
        except ValueError:
            period = periods.latest_closed(timezone.localdate())
        clusters = self.scoped(Cluster.objects)
        context.update(
            period=period,
            overdue_01=selectors.overdue(form=ReportForm.FORM_01, period=period, clusters=clusters),
            overdue_02=selectors.overdue(form=ReportForm.FORM_02, period=period, clusters=clusters),
            deadline_01=period.deadline("01"),
            deadline_02=period.deadline("02"),
        )
        return context


class SubmissionNewView(ObjectFormView):
    template_name = "tenancy/submission_new.html"
    form_class = NewReportForm
    model = Submission
    add_permission = "tenancy.add_submission"

    def get_initial(self):
        return {"period": periods.latest_closed(timezone.localdate()).code, **self.request.GET.dict()}

    def save(self, form):
        data = form.cleaned_data
        return services.submission_save(
            form=data["form"],
            period=data["period"],
            cluster=data["cluster"],
            tenant_project=data["tenant_project"],
            data={},
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return reverse("tenancy:submission_detail", args=[saved.pk])


class SubmissionDetailView(ObjectDetailView):
    """One report: its figures (editable while draft or returned), and its review."""

    template_name = "tenancy/submission_detail.html"
    queryset = Submission.objects.select_related("cluster", "tenant_project__tenant")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.object
        editable = submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED) and (
            self.request.user.has_perm("tenancy.change_submission")
        )
        figures = kwargs.get("figures") or FiguresForm(
            initial={k: v for k, v in submission.data.items()}, form_code=submission.form
        )
        rows = [{"figure": f, "value": submission.data.get(f.key)} for f in report_forms.FORMS[submission.form]]
        context.update(
            submission=submission,
            figures=figures,
            rows=rows,
            editable=editable,
            can_review=self.request.user.has_perm("tenancy.review_submission")
            and submission.status == SubmissionStatus.SUBMITTED,
            return_form=kwargs.get("return_form") or ReturnForm(),
            period=periods.parse(submission.period),
            occupancy=selectors.reported_vs_computed(submission),
        )
        return context

    def post(self, request, *args, **kwargs):
        submission, action = self.object, request.POST.get("action")
        try:
            if action in ("save", "submit"):
                if not request.user.has_perm("tenancy.change_submission"):
                    return self.handle_no_permission()
                figures = FiguresForm(request.POST, form_code=submission.form)
                figures.is_valid()
                submission = services.submission_save(
                    form=submission.form,
                    period=submission.period,
                    cluster=submission.cluster,
                    tenant_project=submission.tenant_project,
                    actor=request.user,
                    data={k: v for k, v in figures.cleaned_data.items() if v not in (None, "")},
                    # A version that is not a number can match no save: refused as stale, never a 500.
                    expected_version=id_or_none(request.POST.get("version")) or 0
                    if request.POST.get("version")
                    else submission.version,
                )
                if action == "submit":
                    services.submission_submit(submission=submission, actor=request.user)
                    messages.success(request, _("Report submitted to the Department of Industry and Trade."))
                else:
                    messages.success(request, _("Draft saved."))
            elif action in ("accept", "return"):
                if not request.user.has_perm("tenancy.review_submission"):
                    return self.handle_no_permission()
                if action == "accept":
                    services.submission_accept(submission=submission, actor=request.user)
                    messages.success(request, _("Report accepted."))
                else:
                    reason = request.POST.get("reason", "")
                    services.submission_return(submission=submission, reason=reason, actor=request.user)
                    messages.success(request, _("Report returned to the sender."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            figures = FiguresForm(request.POST, form_code=submission.form) if action in ("save", "submit") else None
            if figures is not None:
                apply_errors(figures, _strip_data_prefix(error))
            return_form = ReturnForm(request.POST) if action == "return" else None
            if return_form is not None:
                return_form.is_valid()
            return self.render_to_response(self.get_context_data(figures=figures, return_form=return_form))
        return redirect("tenancy:submission_detail", pk=self.object.pk)


def _strip_data_prefix(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({key.removeprefix("data."): value for key, value in error.error_dict.items()})
