from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.core import lifecycle
from icis.core.forms import AsOfForm
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView

from . import plausibility, selectors, services
from .choices import STATUS_COLOURS, ClusterStatus
from .filtersets import ClusterFilterSet
from .forms import ClusterForm, TransitionForm
from .models import Cluster
from .tables import ClusterTable


class ClusterListView(ObjectListView):
    template_name = "clusters/cluster_list.html"
    filterset_class = ClusterFilterSet
    table_class = ClusterTable
    export_name = gettext_lazy("industrial clusters")

    def get_base_queryset(self):
        return selectors.cluster_list()


class ClusterDetailView(ObjectDetailView):
    template_name = "clusters/cluster_detail.html"
    context_object_name = "cluster"

    def get_base_queryset(self):
        return selectors.cluster_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.object
        context.update(
            timeline=cluster.status_changes.select_related("document", "actor", "expansion").order_by(
                *lifecycle.NEWEST_FIRST
            ),
            history=selectors.cluster_history(cluster),
            allowed_next=[(s, ClusterStatus(s).label) for s in services.allowed_next(cluster.status)],
            status_colours=STATUS_COLOURS,
            plausibility_warnings=plausibility.warnings_for(
                cluster, [link.commune for link in cluster.commune_links.all()]
            ),
        )
        return context


class ClusterFormView(ObjectFormView):
    """Create (no pk) or edit (pk) through the registry services; stale edits are refused."""

    template_name = "clusters/cluster_form.html"
    form_class = ClusterForm
    context_object_name = "cluster"
    add_permission = "clusters.add_cluster"
    change_permission = "clusters.change_cluster"

    def get_base_queryset(self):
        return selectors.cluster_detail()

    def save(self, form):
        if self.object:
            return services.cluster_update(
                cluster=self.object,
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_kwargs(),
            )
        try:
            return services.cluster_create(
                actor=self.request.user, **form.registration_kwargs(), **form.service_kwargs()
            )
        except services.HistoryRefused as refused:
            field = refused.place if isinstance(refused.place, str) and refused.place in form.fields else "status"
            raise ValidationError({field: ValidationError(refused.message_text, code=refused.code)}) from None

    def get_success_message(self, saved):
        if self.object:
            return _("Changes saved.")
        return _("Cluster registered with status “%(status)s”.") % {"status": saved.get_status_display()}

    def get_success_url(self, saved=None):
        return reverse("clusters:cluster_detail", args=[saved.pk])


class ClusterTransitionView(ObjectActionView):
    template_name = "clusters/cluster_transition.html"
    form_class = TransitionForm
    model = Cluster
    context_object_name = "cluster"
    permission_required = "clusters.transition_cluster"
    success_message = gettext_lazy("Status changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.object}

    def save(self, form):
        data = form.cleaned_data
        services.cluster_transition(
            cluster=self.object,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data["reason"],
            document=data["document"],
            actor=self.request.user,
            industrial_park_name=data.get("industrial_park_name", ""),
        )
        return self.object

    def get_success_url(self, saved=None):
        return reverse("clusters:cluster_detail", args=[self.object.pk])


class ClusterAsOfView(ObjectDetailView):
    """The cluster as it stood at the end of a chosen day, from its history and status changes."""

    template_name = "clusters/cluster_as_of.html"
    context_object_name = "cluster"
    model = Cluster

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AsOfForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            day = form.cleaned_data["date"]
            context.update(day=day, **selectors.cluster_as_of(self.object, day))
        return context
