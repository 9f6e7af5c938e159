import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core.export import csv_response
from icis.core.forms import apply_errors
from icis.core.media import file_response
from icis.core.views import FilteredListView, ScopedObjectMixin, id_or_none

from . import briefing, selectors, services
from .choices import BOARD_STAGES_VALUES, FLAG_COLOURS, Flag, MilestoneKind, ReportStatus, VisitPlanStatus
from .filtersets import ObstacleFilterSet
from .forms import (
    MilestoneForm,
    ObstacleForm,
    PlannedVisitForm,
    ProgressReportForm,
    ReviewForm,
    SummaryForm,
    VisitPlanGenerateForm,
    VisitRecordForm,
)
from .models import Milestone, Obstacle, PlannedVisit, VisitPhoto, VisitPlan


class BoardView(LoginRequiredMixin, TemplateView):
    """Clusters by construction stage, with progress, forecast, delay and the flags with their reasons."""

    template_name = "construction/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ordering = self.request.GET.get("ordering", "stage")
        stage = self.request.GET.get("stage") or None
        flag = self.request.GET.get("flag") or None
        rows = selectors.construction_board(
            user=self.request.user,
            ordering=ordering if ordering in selectors.BOARD_ORDERINGS else "stage",
            stage=stage if stage in BOARD_STAGES_VALUES else None,
            flag=flag if flag in Flag.values else None,
        )
        query = self.request.GET.copy()
        query.pop("ordering", None)
        context.update(
            rows=rows,
            ordering=ordering,
            stage=stage,
            flag=flag,
            sort_query=query.urlencode(),
            stages=[(s, ClusterStatus(s).label) for s in BOARD_STAGES_VALUES],
            flags=[(f, Flag(f).label, FLAG_COLOURS[f]) for f in Flag.values],
            forecast_method=selectors.forecast_method(),
        )
        return context


class ClusterProgressView(LoginRequiredMixin, DetailView):
    """One cluster's construction: chart over time, reports, milestones, obstacles, site visits."""

    template_name = "construction/cluster_progress.html"
    context_object_name = "cluster"

    def get_queryset(self):
        return Cluster.objects.restrict(self.request.user).select_related("investor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["c"] = selectors.cluster_construction(self.object, user=self.request.user)
        context["milestone_kinds"] = MilestoneKind.choices
        return context


class ClusterFormMixin(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin):
    """A form about one cluster: the cluster is looked up in scope first (404), then the permission checked."""

    template_name = "construction/form.html"
    scope_action = "change"
    heading = ""

    def get_scoped_queryset(self):
        return Cluster.objects.all()

    @property
    def cluster(self):
        return self.object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "cluster": self.cluster,
            "heading": self.heading,
            "cancel_url": self.cluster_url(),
        }

    def cluster_url(self):
        from django.urls import reverse

        return reverse("construction:cluster_progress", args=[self.cluster.pk])


class ReportSubmitView(ClusterFormMixin, FormView):
    form_class = ProgressReportForm
    permission_required = "construction.add_progressreport"
    template_name = "construction/report_form.html"

    @property
    def heading(self):
        return _("Submit a progress report")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["last"] = services.last_accepted(self.cluster)
        return context

    def form_valid(self, form):
        try:
            services.progress_report_submit(cluster=self.cluster, actor=self.request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, _("Report submitted; it counts once DoIT accepts it."))
        return redirect(self.cluster_url())


class ReportDetailView(LoginRequiredMixin, DetailView):
    template_name = "construction/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return selectors.report_list().restrict(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context.update(
            review_form=kwargs.get("review_form") or ReviewForm(),
            can_review=report.status == ReportStatus.SUBMITTED
            and self.request.user.has_perm("construction.review_progressreport"),
            previous=services.last_accepted(report.cluster, exclude_pk=report.pk),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not request.user.has_perm("construction.review_progressreport"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    services.progress_report_accept(
                        report=self.object, actor=request.user, note=form.cleaned_data["note"]
                    )
                    messages.success(request, _("Report accepted."))
                else:
                    services.progress_report_return(
                        report=self.object, actor=request.user, note=form.cleaned_data["note"]
                    )
                    messages.success(request, _("Report returned to the investor."))
                return redirect("construction:cluster_progress", pk=self.object.cluster_id)
            except ValidationError as error:
                apply_errors(form, error)
        return self.render_to_response(self.get_context_data(review_form=form))


class MilestoneFormView(ClusterFormMixin, FormView):
    form_class = MilestoneForm
    permission_required = "construction.change_milestone"

    @property
    def heading(self):
        return _("Milestone dates")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        milestone = Milestone.objects.filter(cluster=self.cluster, kind=kind).first()
        if milestone is None:
            return {"kind": kind, "planned_in": self.cluster.establishment_decision_id}
        return {
            "kind": kind,
            "planned_on": milestone.planned_on,
            "actual_on": milestone.actual_on,
            "planned_in": milestone.planned_in_id,
            "evidence": milestone.evidence_id,
            "notes": milestone.notes,
            "version": milestone.version,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.milestone_set(
                cluster=self.cluster,
                kind=data["kind"],
                planned_on=data["planned_on"],
                actual_on=data["actual_on"],
                planned_in=data["planned_in"],
                evidence=data["evidence"],
                notes=data["notes"],
                expected_version=data.get("version"),
                actor=self.request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Milestone saved."))
        return redirect(self.cluster_url())


class ObstacleListView(LoginRequiredMixin, FilteredListView):
    template_name = "construction/obstacle_list.html"
    filterset_class = ObstacleFilterSet
    paginate_by = 50

    def get_base_queryset(self):
        return selectors.obstacle_list().restrict(self.request.user).order_by("due_on", "raised_on", "id")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            today = timezone.localdate()
            rows = self.get_queryset()
            return csv_response(
                f"icis-obstacles-{today.isoformat()}.csv",
                [
                    "id",
                    "cluster",
                    "category",
                    "description",
                    "responsible",
                    "raised_on",
                    "due_on",
                    "status",
                    "overdue",
                    "resolution",
                    "resolved_on",
                    "source_document",
                ],
                (
                    [
                        o.pk,
                        o.cluster.name,
                        o.get_category_display(),
                        o.description,
                        o.responsible,
                        o.raised_on.isoformat(),
                        o.due_on.isoformat() if o.due_on else "",
                        o.get_status_display(),
                        "yes" if o.is_overdue(today) else "no",
                        o.resolution,
                        o.resolved_on.isoformat() if o.resolved_on else "",
                        str(o.source_document or ""),
                    ]
                    for o in rows
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ObstacleCreateView(ClusterFormMixin, FormView):
    form_class = ObstacleForm
    permission_required = "construction.add_obstacle"

    @property
    def heading(self):
        return _("Record an obstacle")

    def get_initial(self):
        return {"raised_on": timezone.localdate()}

    def form_valid(self, form):
        try:
            services.obstacle_create(cluster=self.cluster, data=form.service_data(), actor=self.request.user)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Obstacle recorded."))
        return redirect(self.cluster_url())


class ObstacleEditView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    template_name = "construction/form.html"
    form_class = ObstacleForm
    permission_required = "construction.change_obstacle"
    scope_action = "change"

    def get_scoped_queryset(self):
        return Obstacle.objects.select_related("cluster")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True, "user": self.request.user}

    def get_initial(self):
        o = self.object
        return {
            "category": o.category,
            "description": o.description,
            "responsible_organisation": o.responsible_organisation_id,
            "responsible_agency": o.responsible_agency,
            "raised_on": o.raised_on,
            "due_on": o.due_on,
            "source_document": o.source_document_id,
            "requested_direction": o.requested_direction,
            "status": o.status,
            "resolution": o.resolution,
            "resolved_on": o.resolved_on,
            "version": o.version,
        }

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        return {
            **super().get_context_data(**kwargs),
            "cluster": self.object.cluster,
            "heading": _("Obstacle"),
            "cancel_url": reverse("construction:cluster_progress", args=[self.object.cluster_id]),
        }

    def form_valid(self, form):
        try:
            services.obstacle_update(
                obstacle=self.object,
                data=form.service_data(),
                status=form.cleaned_data.get("status") or None,
                resolved_on=form.cleaned_data.get("resolved_on"),
                expected_version=form.cleaned_data.get("version"),
                actor=self.request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Obstacle saved."))
        return redirect("construction:cluster_progress", pk=self.object.cluster_id)


class VisitPlanListView(LoginRequiredMixin, ListView):
    template_name = "construction/visit_plans.html"
    context_object_name = "plans"

    def get_queryset(self):
        return VisitPlan.objects.restrict(self.request.user).select_related("approved_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["form"] = kwargs.get("form") or VisitPlanGenerateForm(
            initial={
                "period_start": today,
                "period_end": datetime.date(today.year, 12, 31),
                "frequency_months": selectors.settings.ICIS_VISIT_FREQUENCY_MONTHS,
            }
        )
        context["overdue"] = (
            PlannedVisit.objects.restrict(self.request.user)
            .filter(selectors.overdue_visits_q(today))
            .select_related("cluster", "plan")
            .order_by("due_on")
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("construction.add_visitplan"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = VisitPlanGenerateForm(request.POST)
        if form.is_valid():
            try:
                plan = services.visit_plan_generate(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Draft plan generated: check the dates, then approve it."))
                return redirect("construction:visit_plan", pk=plan.pk)
            except ValidationError as error:
                apply_errors(form, error)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


class VisitPlanDetailView(LoginRequiredMixin, DetailView):
    template_name = "construction/visit_plan.html"
    context_object_name = "plan"

    def get_queryset(self):
        return VisitPlan.objects.restrict(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.visit_plan_rows(self.object, user=self.request.user)
        context["draft"] = self.object.status == VisitPlanStatus.DRAFT
        return context

    def post(self, request, *args, **kwargs):
        self.object = plan = self.get_object()
        try:
            if "approve" in request.POST:
                if not request.user.has_perm("construction.approve_visitplan"):
                    from django.core.exceptions import PermissionDenied

                    raise PermissionDenied
                services.visit_plan_approve(plan=plan, actor=request.user)
                messages.success(request, _("Plan approved."))
            elif "visit" in request.POST:
                if not request.user.has_perm("construction.change_plannedvisit"):
                    from django.core.exceptions import PermissionDenied

                    raise PermissionDenied
                visit_id = id_or_none(request.POST["visit"])
                if visit_id is None:
                    raise ValidationError(_("Choose one of this plan's visits."))
                visit = get_object_or_404(PlannedVisit.objects.restrict(request.user, "change"), pk=visit_id, plan=plan)
                if "delete" in request.POST:
                    services.planned_visit_delete(visit=visit, actor=request.user)
                else:
                    form = PlannedVisitForm(request.POST)
                    if not form.is_valid():
                        raise ValidationError(_("Give the date as dd/mm/yyyy."))
                    services.planned_visit_update(
                        visit=visit,
                        due_on=form.cleaned_data["due_on"],
                        expected_version=form.cleaned_data.get("version"),
                        actor=request.user,
                    )
                messages.success(request, _("Visit updated."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("construction:visit_plan", pk=plan.pk)


class VisitRecordCreateView(ClusterFormMixin, FormView):
    form_class = VisitRecordForm
    permission_required = "construction.add_visitrecord"
    scope_action = "view"

    @property
    def heading(self):
        return _("Record a site visit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.cluster}

    def get_initial(self):
        return {"visited_on": timezone.localdate(), "planned_visit": self.request.GET.get("visit")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "multipart": True}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.visit_record_create(
                cluster=self.cluster,
                planned_visit=data["planned_visit"],
                visited_on=data["visited_on"],
                findings=data["findings"],
                recommendations=data["recommendations"],
                photos=[(upload, "") for upload in data["photos"]],
                actor=self.request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Site visit recorded."))
        return redirect(self.cluster_url())


class PhotoView(LoginRequiredMixin, View):
    """A site photo, served only to users who reach its cluster (never a public media URL)."""

    def get(self, request, pk):
        photo = get_object_or_404(VisitPhoto.objects.restrict(request.user), pk=pk)
        return file_response(photo.file)


class SummaryView(LoginRequiredMixin, TemplateView):
    """The half-year construction table for any date and establishment window."""

    template_name = "construction/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SummaryForm(self.request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        as_of = data.get("as_of") or timezone.localdate()
        result = selectors.construction_summary(
            as_of=as_of,
            established_from=data.get("established_from"),
            established_to=data.get("established_to"),
            clusters=Cluster.objects.restrict(self.request.user),
            detail=True,
        )
        names = dict(
            Cluster.objects.filter(pk__in={pk for ids in result["members"].values() for pk in ids}).values_list(
                "pk", "name"
            )
        )
        labels = {
            "established": _("Established in the window"),
            "under_construction": _("Construction begun (incl. since complete)"),
            "infrastructure_complete": _("Infrastructure complete"),
            "at_least_90_percent": _("Still under construction, at or above the near-complete threshold"),
            "not_started": _("Not started"),
            "stalled": _("Stalled"),
        }
        context.update(
            form=form,
            as_of=as_of,
            window=(data.get("established_from"), data.get("established_to")),
            rows=[
                {
                    "key": key,
                    "label": labels[key],
                    "count": result["counts"][key],
                    "clusters": sorted((names[pk], pk) for pk in result["members"][key]),
                }
                for key in selectors.SUMMARY_KEYS
            ],
        )
        return context


class BriefingView(LoginRequiredMixin, TemplateView):
    """The leaders' briefing for chosen clusters: printable page, PDF and DOCX, all from the records."""

    template_name = "construction/briefing.html"

    def get(self, request, *args, **kwargs):
        ids = [i for i in map(id_or_none, request.GET.getlist("cluster")) if i is not None]
        clusters = list(Cluster.objects.restrict(request.user).filter(pk__in=ids).select_related("investor"))
        output = request.GET.get("format", "")
        if clusters and output in ("pdf", "docx"):
            content = briefing.briefing_content(clusters, user=request.user)
            if output == "docx":
                return briefing.docx_response(content)
            return briefing.pdf_response(content, request=request)
        context = self.get_context_data(**kwargs)
        context.update(
            choices=Cluster.objects.restrict(request.user)
            .filter(status__in=selectors.BOARD_STAGES)
            .order_by("sort_name"),
            chosen=ids,
            content=briefing.briefing_content(clusters, user=request.user) if clusters else None,
            query=request.GET.urlencode(),
        )
        return self.render_to_response(context)
