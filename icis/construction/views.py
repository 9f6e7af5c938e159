import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.core.media import file_response
from icis.core.views import id_or_none

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
from .tables import ObstacleTable


def progress_url(cluster_id) -> str:
    return reverse("construction:cluster_progress", args=[cluster_id])


class BoardView(ScopedPageView):
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


class ClusterProgressView(ObjectDetailView):
    """One cluster's construction: chart over time, reports, milestones, obstacles, site visits."""

    template_name = "construction/cluster_progress.html"
    queryset = Cluster.objects.select_related("investor")
    context_object_name = "cluster"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["c"] = selectors.cluster_construction(self.object, user=self.request.user)
        context["milestone_kinds"] = MilestoneKind.choices
        return context


class ClusterFormView(ObjectFormView):
    """A form about one cluster: the cluster is looked up in scope first (404), then the permission
    checked; one service call; back to the cluster's construction page."""

    template_name = "construction/form.html"
    model = Cluster
    object_required = True
    context_object_name = "cluster"
    heading = ""

    @property
    def cluster(self):
        return self.object

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading, "cancel_url": self.get_success_url()}

    def get_success_url(self, saved=None):
        return progress_url(self.cluster.pk)


class ReportSubmitView(ClusterFormView):
    form_class = ProgressReportForm
    permission_required = "construction.add_progressreport"
    template_name = "construction/report_form.html"
    success_message = gettext_lazy("Report submitted; it counts once DoIT accepts it.")

    @property
    def heading(self):
        return _("Submit a progress report")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["last"] = services.last_accepted(self.cluster)
        return context

    def apply_service_errors(self, form, error):
        form.add_service_errors(error)  # components.<key> onto the component's field

    def save(self, form):
        return services.progress_report_submit(cluster=self.cluster, actor=self.request.user, **form.service_kwargs())


class ReportDetailView(ObjectActionView):
    """A progress report; with the permission, the review that accepts it or returns it to the investor."""

    template_name = "construction/report_detail.html"
    form_class = ReviewForm
    scope_action = "view"
    context_object_name = "report"

    def get_base_queryset(self):
        return selectors.report_list()

    def get_permission_required(self):
        return ["construction.review_progressreport"] if self.request.method == "POST" else []

    def get_initial(self):
        return {"decision": "accept"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context.update(
            review_form=context["form"],
            can_review=report.status == ReportStatus.SUBMITTED
            and self.request.user.has_perm("construction.review_progressreport"),
            previous=services.last_accepted(report.cluster, exclude_pk=report.pk),
        )
        return context

    def save(self, form):
        accept = form.cleaned_data["decision"] == "accept"
        decide = services.progress_report_accept if accept else services.progress_report_return
        return decide(report=self.object, actor=self.request.user, note=form.cleaned_data["note"])

    def get_success_message(self, saved):
        return _("Report accepted.") if saved.status == ReportStatus.ACCEPTED else _("Report returned to the investor.")

    def get_success_url(self, saved=None):
        return progress_url(self.object.cluster_id)


class MilestoneFormView(ClusterFormView):
    form_class = MilestoneForm
    permission_required = "construction.change_milestone"
    success_message = gettext_lazy("Milestone saved.")

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

    def save(self, form):
        data = form.cleaned_data
        return services.milestone_set(
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


class ObstacleListView(ObjectListView):
    template_name = "construction/obstacle_list.html"
    filterset_class = ObstacleFilterSet
    table_class = ObstacleTable
    paginate_by = 50
    export_name = gettext_lazy("obstacles")

    def get_base_queryset(self):
        return selectors.obstacle_list().order_by("due_on", "raised_on", "id")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv" and "export" not in request.GET:  # the link before ?export=
            self.object_list = self.get_queryset()
            return self.export("csv")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ObstacleCreateView(ClusterFormView):
    form_class = ObstacleForm
    permission_required = "construction.add_obstacle"
    success_message = gettext_lazy("Obstacle recorded.")

    @property
    def heading(self):
        return _("Record an obstacle")

    def get_initial(self):
        return {"raised_on": timezone.localdate()}

    def save(self, form):
        return services.obstacle_create(cluster=self.cluster, data=form.service_data(), actor=self.request.user)


class ObstacleEditView(ObjectFormView):
    template_name = "construction/form.html"
    queryset = Obstacle.objects.select_related("cluster")
    object_required = True
    form_class = ObstacleForm
    change_permission = "construction.change_obstacle"
    success_message = gettext_lazy("Obstacle saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

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
        return {
            **super().get_context_data(**kwargs),
            "cluster": self.object.cluster,
            "heading": _("Obstacle"),
            "cancel_url": self.get_success_url(),
        }

    def save(self, form):
        return services.obstacle_update(
            obstacle=self.object,
            data=form.service_data(),
            status=form.cleaned_data.get("status") or None,
            resolved_on=form.cleaned_data.get("resolved_on"),
            expected_version=form.cleaned_data.get("version"),
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return progress_url(self.object.cluster_id)


class VisitPlanListView(ObjectListView):
    """The visit plans, the overdue visits, and (with the permission) the form that generates a draft plan."""

    template_name = "construction/visit_plans.html"
    queryset = VisitPlan.objects.select_related("approved_by")
    context_object_name = "plans"
    generate_form = None

    def post(self, request, *args, **kwargs):
        return VisitPlanGenerateView.as_view()(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["form"] = self.generate_form or VisitPlanGenerateForm(
            initial={
                "period_start": today,
                "period_end": datetime.date(today.year, 12, 31),
                "frequency_months": selectors.settings.ICIS_VISIT_FREQUENCY_MONTHS,
            }
        )
        context["overdue"] = selectors.overdue_visits(self.request.user, today)
        return context


class VisitPlanGenerateView(ObjectFormView):
    """POST /construction/visits/: a draft plan for every cluster under construction; a refusal is
    shown on the list page's form."""

    model = VisitPlan
    form_class = VisitPlanGenerateForm
    add_permission = "construction.add_visitplan"
    success_message = gettext_lazy("Draft plan generated: check the dates, then approve it.")

    def save(self, form):
        return services.visit_plan_generate(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, saved=None):
        return reverse("construction:visit_plan", args=[saved.pk])

    def form_invalid(self, form):
        page = VisitPlanListView(generate_form=form)
        page.setup(self.request, *self.args, **self.kwargs)
        page.object = None
        page.object_list = page.get_queryset()
        return page.render_to_response(page.get_context_data())


class VisitPlanDetailView(ObjectDetailView):
    """A plan's visits; its POST verbs (approve the plan, move or remove a draft visit) are the action
    views below, chosen by the button pressed."""

    template_name = "construction/visit_plan.html"
    model = VisitPlan
    context_object_name = "plan"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.visit_plan_rows(self.object, user=self.request.user)
        context["draft"] = self.object.status == VisitPlanStatus.DRAFT
        return context

    def post(self, request, *args, **kwargs):
        if "approve" in request.POST:
            return VisitPlanApproveView.as_view()(request, pk=self.object.pk)
        if "visit" in request.POST:
            visit = id_or_none(request.POST["visit"])
            if visit is None:
                messages.error(request, _("Choose one of this plan's visits."))
                return redirect("construction:visit_plan", pk=self.object.pk)
            return PlannedVisitActionView.as_view()(request, pk=visit, plan=self.object.pk)
        return redirect("construction:visit_plan", pk=self.object.pk)


class VisitPlanApproveView(ObjectActionView):
    model = VisitPlan
    scope_action = "view"
    permission_required = "construction.approve_visitplan"
    success_message = gettext_lazy("Plan approved.")

    def save(self, form):
        return services.visit_plan_approve(plan=self.object, actor=self.request.user)

    def get_success_url(self, saved=None):
        return reverse("construction:visit_plan", args=[self.object.pk])

    def apply_service_errors(self, form, error):
        form.add_error(None, error.messages)


class PlannedVisitActionView(ObjectActionView):
    """Move a draft plan's visit to another date, or remove it ("delete" in the POST)."""

    form_class = PlannedVisitForm
    permission_required = "construction.change_plannedvisit"
    success_message = gettext_lazy("Visit updated.")

    def get_base_queryset(self):
        return PlannedVisit.objects.filter(plan_id=self.kwargs["plan"])

    def get_form_class(self):
        return forms.Form if "delete" in self.request.POST else PlannedVisitForm

    def form_invalid(self, form):
        if form.errors and not form.non_field_errors():
            messages.error(self.request, _("Give the date as dd/mm/yyyy."))
            return redirect(self.get_success_url())
        return super().form_invalid(form)

    def apply_service_errors(self, form, error):
        form.add_error(None, error.messages)

    def save(self, form):
        if "delete" in self.request.POST:
            services.planned_visit_delete(visit=self.object, actor=self.request.user)
            return self.object
        return services.planned_visit_update(
            visit=self.object,
            due_on=form.cleaned_data["due_on"],
            expected_version=form.cleaned_data.get("version"),
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return reverse("construction:visit_plan", args=[self.kwargs["plan"]])


class VisitRecordCreateView(ClusterFormView):
    form_class = VisitRecordForm
    permission_required = "construction.add_visitrecord"
    scope_action = "view"
    success_message = gettext_lazy("Site visit recorded.")

    @property
    def heading(self):
        return _("Record a site visit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.cluster}

    def get_initial(self):
        return {"visited_on": timezone.localdate(), "planned_visit": self.request.GET.get("visit")}

    def save(self, form):
        data = form.cleaned_data
        return services.visit_record_create(
            cluster=self.cluster,
            planned_visit=data["planned_visit"],
            visited_on=data["visited_on"],
            findings=data["findings"],
            recommendations=data["recommendations"],
            photos=[(upload, "") for upload in data["photos"]],
            actor=self.request.user,
        )


class PhotoView(ObjectDetailView):
    """A site photo, served only to users who reach its cluster (never a public media URL)."""

    model = VisitPhoto

    def get(self, request, *args, **kwargs):
        return file_response(self.object.file)


class SummaryView(ScopedPageView):
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
            clusters=self.scoped(Cluster.objects),
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


class BriefingView(ScopedPageView):
    """The leaders' briefing for chosen clusters: printable page, PDF and DOCX, all from the records."""

    template_name = "construction/briefing.html"

    def get(self, request, *args, **kwargs):
        ids = [i for i in map(id_or_none, request.GET.getlist("cluster")) if i is not None]
        in_scope = self.scoped(Cluster.objects)
        clusters = list(in_scope.filter(pk__in=ids).select_related("investor"))
        output = request.GET.get("format", "")
        if clusters and output in ("pdf", "docx"):
            content = briefing.briefing_content(clusters, user=request.user)
            if output == "docx":
                return briefing.docx_response(content)
            return briefing.pdf_response(content, request=request)
        context = self.get_context_data(**kwargs)
        context.update(
            choices=in_scope.filter(status__in=selectors.BOARD_STAGES).order_by("sort_name"),
            chosen=ids,
            content=briefing.briefing_content(clusters, user=request.user) if clusters else None,
            query=request.GET.urlencode(),
        )
        return self.render_to_response(context)
