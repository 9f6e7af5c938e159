from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView

from icis.core.views import FilteredListView, ScopedObjectMixin

from . import plausibility, selectors, services
from .choices import STATUS_COLOURS, ClusterStatus
from .filtersets import ClusterFilterSet
from .forms import AsOfForm, ClusterForm, TransitionForm, apply_errors
from .models import Cluster


class ClusterListView(LoginRequiredMixin, FilteredListView):
    template_name = "clusters/cluster_list.html"
    filterset_class = ClusterFilterSet
    paginate_by = 25

    def get_base_queryset(self):
        return selectors.cluster_list().restrict(self.request.user)


class ClusterDetailView(LoginRequiredMixin, DetailView):
    template_name = "clusters/cluster_detail.html"
    context_object_name = "cluster"

    def get_queryset(self):
        return selectors.cluster_detail().restrict(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.object
        context.update(
            timeline=cluster.status_changes.select_related("document", "actor", "expansion"),
            history=selectors.cluster_history(cluster),
            allowed_next=[(s, ClusterStatus(s).label) for s in services.allowed_next(cluster.status)],
            status_colours=STATUS_COLOURS,
            plausibility_warnings=plausibility.warnings_for(
                cluster, [link.commune for link in cluster.commune_links.all()]
            ),
        )
        return context


class ClusterFormView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    """Create (no pk) or edit (pk) through the registry services; stale edits are refused."""

    template_name = "clusters/cluster_form.html"
    form_class = ClusterForm
    scope_action = "change"

    def get_scoped_queryset(self):
        return selectors.cluster_detail()

    def get_permission_required(self):
        return ["clusters.change_cluster" if self.object else "clusters.add_cluster"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cluster": self.object}

    def form_valid(self, form):
        try:
            if self.object:
                cluster = services.cluster_update(
                    cluster=self.object,
                    actor=self.request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_kwargs(),
                )
                messages.success(self.request, _("Changes saved."))
            else:
                cluster = services.cluster_create(
                    actor=self.request.user, **form.registration_kwargs(), **form.service_kwargs()
                )
                messages.success(
                    self.request,
                    _("Cluster registered with status “%(status)s”.") % {"status": cluster.get_status_display()},
                )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        for warning in getattr(cluster, "plausibility_warnings", ()):
            messages.warning(self.request, warning.message)
        return redirect("clusters:cluster_detail", pk=cluster.pk)


class ClusterTransitionView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    template_name = "clusters/cluster_transition.html"
    form_class = TransitionForm
    permission_required = "clusters.transition_cluster"
    scope_action = "change"

    def get_scoped_queryset(self):
        return Cluster.objects.all()

    @property
    def cluster(self):
        return self.object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.cluster, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cluster": self.cluster}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.cluster_transition(
                cluster=self.cluster,
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
        return redirect("clusters:cluster_detail", pk=self.cluster.pk)


class ClusterAsOfView(LoginRequiredMixin, DetailView):
    """The cluster as it stood at the end of a chosen day, from its history and status changes."""

    template_name = "clusters/cluster_as_of.html"
    context_object_name = "cluster"

    def get_queryset(self):
        return Cluster.objects.restrict(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AsOfForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            day = form.cleaned_data["date"]
            context.update(day=day, **selectors.cluster_as_of(self.object, day))
        return context
