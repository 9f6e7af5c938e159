from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseGone, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.core.registry import moved
from icis.core.views import id_or_none
from icis.geo.selection import page_province

from . import briefing, selectors, services
from .choices import BOARD_STAGES_VALUES, FLAG_COLOURS, Flag, MilestoneKind, ReportStatus
from .filtersets import ObstacleFilterSet
from .forms import (
    MilestoneForm,
    ObstacleForm,
    ProgressReportForm,
    ReviewForm,
    SummaryForm,
)
from .models import Milestone, Obstacle
from .tables import ObstacleTable


def progress_url(cluster_id) -> str:
    return reverse("construction:cluster_progress", args=[cluster_id])


class BoardView(ScopedPageView):
    """Clusters by construction stage, with progress, forecast, delay and the flags with their reasons."""

    template_name = "construction/board.html"
    paginate_by = 50  # the rows worked out a request (`selectors.construction_board_page`)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ordering = self.request.GET.get("ordering", "stage")
        stage = self.request.GET.get("stage") or None
        flag = self.request.GET.get("flag") or None
        pages = {}

        def paginate(items):
            pages["page"] = Paginator(items, self.paginate_by).get_page(self.request.GET.get("page"))
            return pages["page"].object_list

        rows = selectors.construction_board_page(
            user=self.request.user,
            paginate=paginate,
            ordering=ordering if ordering in selectors.BOARD_ORDERINGS else "stage",
            stage=stage if stage in BOARD_STAGES_VALUES else None,
            flag=flag if flag in Flag.values else None,
        )
        query = self.request.GET.copy()
        query.pop("ordering", None)
        query.pop("page", None)
        context.update(
            rows=rows,
            page_obj=pages["page"],
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
        return selectors.obstacle_list().order_by(*selectors.OBSTACLE_ORDER)

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


class MovedView(LoginRequiredMixin, View):
    """A retired site-visit page: site visits are inspections of the topic construction now (docs/inspections.md).

    It writes nothing; it sends the user to the page that took its work over (registered by that app on
    `icis.core.registry.moved`), 404 when the user does not reach the record there, 410 when no app took it over.
    A POST from a page kept open is sent on too (303: the browser fetches the new page)."""

    moved_name = ""
    http_method_names = ["get", "head", "post"]

    def get(self, request, *args, **kwargs):
        target = moved.target(self.moved_name)
        if target is None:
            return HttpResponseGone(_("This page was retired: site visits are recorded as inspections."))
        url = target(request, **kwargs)
        if url is None:
            raise Http404
        return HttpResponseRedirect(url, status=303 if request.method == "POST" else 302)

    post = get


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
    """The leaders' briefing for chosen clusters: printable page, PDF and DOCX, all from the records.

    With clusters chosen the page shows their briefing and offers only them (with a link back to the
    chooser, `&choose=1`, which keeps them picked): its cost follows the clusters briefed, not the size
    of the country. Without any, or with `choose`, it is the chooser: the clusters under way in the page's
    province (a national user's switch or `?province=`), else in every province the user reaches."""

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
        choosing = not clusters or bool(request.GET.get("choose"))
        context = self.get_context_data(**kwargs)
        context.update(
            choices=self.choices(in_scope, clusters) if choosing else self.chosen(clusters),
            chosen=ids,
            content=None if choosing else briefing.briefing_content(clusters, user=request.user),
            query=request.GET.urlencode(),
            choose_query=urlencode([*request.GET.lists(), ("choose", "1")], doseq=True),
        )
        return self.render_to_response(context)

    def chosen(self, clusters) -> list[tuple]:
        """The chosen clusters under way as (pk, name, status label, chosen), in the clusters' order."""
        return [(c.pk, c.name, c.get_status_display(), True) for c in clusters if c.status in selectors.BOARD_STAGES]

    def choices(self, in_scope, chosen) -> list[tuple]:
        """The clusters offered, as (pk, name, status label, chosen): those under way in the page's
        province, else in every province the user reaches; the chosen ones always."""
        offered = in_scope.filter(status__in=selectors.BOARD_STAGES)
        province = page_province(self.request)
        if province:
            offered = offered.filter(Q(province_id=province) | Q(pk__in=[c.pk for c in chosen]))
        picked = {c.pk for c in chosen}
        return [
            (pk, name, ClusterStatus(status).label, pk in picked)
            for pk, name, status in offered.order_by("sort_name").values_list("pk", "name", "status")
        ]
