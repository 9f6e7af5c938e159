"""DoIT's side of the portal: publish clusters, follow the enquiries (the pipeline), see conversion."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icis.clusters import selectors as cluster_selectors
from icis.core import lifecycle
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView

from . import selectors, services
from .choices import EnquiryStatus, FieldGroup
from .forms import EnquiryTransitionForm, EnquiryUpdateForm, PublicationForm
from .models import Enquiry, Publication


class PublicationListView(ScopedPageView):
    """The clusters the officer oversees, with what of each the portal shows."""

    template_name = "portal/publication_list.html"
    permission_required = "portal.view_publication"

    def get_context_data(self, **kwargs):
        clusters = self.scoped(cluster_selectors.cluster_list().select_related(None).prefetch_related(None)).order_by(
            "sort_name", "code"
        )
        publications = {p.cluster_id: p for p in self.scoped(Publication.objects.select_related("published_by"))}
        rows = [(c, publications.get(c.pk)) for c in clusters.only("pk", "code", "name", "status", "sort_name")]
        labels = dict(FieldGroup.choices)
        return {**super().get_context_data(**kwargs), "rows": rows, "group_labels": labels}


class PublicationEditView(ObjectFormView):
    """Publish a cluster (or withdraw it), choosing the field groups the portal shows."""

    template_name = "portal/publication_form.html"
    form_class = PublicationForm
    change_permission = "portal.publish_cluster"
    object_required = True
    context_object_name = "cluster"
    success_message = _("Publication saved.")

    def get_base_queryset(self):
        return cluster_selectors.cluster_list()

    def publication(self):
        return Publication.objects.filter(cluster=self.object).first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        publication = self.publication()
        kwargs["instance"] = publication
        if publication is not None:
            kwargs["initial"] = {"publish": publication.is_published, "version": publication.version}
        return kwargs

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in PublicationForm.Meta.fields}
        return services.publication_save(
            cluster=self.object,
            data=data,
            publish=form.cleaned_data["publish"],
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "publication": self.publication()}

    def get_success_url(self, saved=None):
        return reverse("portal_admin:publication_list")


class EnquiryListView(ObjectListView):
    """The pipeline: every enquiry the officer (or the cluster's investor) may see, by status."""

    template_name = "portal/enquiry_list.html"
    permission_required = "portal.view_enquiry"
    paginate_by = 50

    def get_base_queryset(self):
        return Enquiry.objects.select_related("cluster", "province", "sector")

    def get_queryset(self):
        queryset = super().get_queryset()
        status = self.request.GET.get("status")
        return queryset.filter(status=status) if status in EnquiryStatus.values else queryset

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "statuses": EnquiryStatus.choices,
            "status": self.request.GET.get("status", ""),
        }


class EnquiryDetailView(ObjectDetailView):
    template_name = "portal/enquiry_detail.html"
    permission_required = "portal.view_enquiry"
    context_object_name = "enquiry"

    def get_base_queryset(self):
        return Enquiry.objects.select_related("cluster", "province", "sector", "tenant_project")

    def get_context_data(self, **kwargs):
        enquiry = self.object
        return {
            **super().get_context_data(**kwargs),
            "changes": enquiry.status_changes.select_related("actor").order_by(*lifecycle.NEWEST_FIRST),
            "moves": services.moves_for(self.request.user, enquiry),
            "may_transition": self.request.user.has_perm("portal.transition_enquiry"),
            "may_change": self.request.user.has_perm("portal.change_enquiry"),
        }


class EnquiryUpdateView(ObjectFormView):
    template_name = "portal/form.html"
    form_class = EnquiryUpdateForm
    change_permission = "portal.change_enquiry"
    object_required = True
    success_message = _("Enquiry saved.")

    def get_base_queryset(self):
        return Enquiry.objects.all()

    def get_initial(self):
        return {"version": self.object.version}

    def save(self, form):
        return services.enquiry_update(
            enquiry=self.object,
            data={"cluster": form.cleaned_data["cluster"], "notes": form.cleaned_data["notes"]},
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Edit enquiry %(ref)s") % {"ref": self.object}}

    def get_success_url(self, saved=None):
        return reverse("portal_admin:enquiry_detail", args=[self.object.pk])


class EnquiryTransitionView(ObjectActionView):
    """Move an enquiry along the pipeline; "lease signed" registers the tenant project."""

    template_name = "portal/enquiry_transition.html"
    form_class = EnquiryTransitionForm
    permission_required = "portal.transition_enquiry"
    success_message = _("Enquiry moved.")

    def get_base_queryset(self):
        return Enquiry.objects.select_related("cluster")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enquiry": self.object, "user": self.request.user}

    def save(self, form):
        data = form.cleaned_data
        lease = None
        if form.signs_lease:
            lease = {
                "tenant_tax_code": data["tenant_tax_code"],
                "tenant_name": data["tenant_name"],
                "land_ha": data["land_ha"],
                "lease_end": data["lease_end"],
            }
        return services.enquiry_transition(
            enquiry=self.object,
            to=data["to"],
            actor=self.request.user,
            effective_on=data["date"],
            reason=data["reason"],
            expected_version=data.get("version"),
            lease=lease,
        )

    def apply_service_errors(self, form, error):
        if hasattr(error, "error_dict") and "lease_start" in error.error_dict:
            error.error_dict.setdefault("date", []).extend(error.error_dict.pop("lease_start"))
        super().apply_service_errors(form, error)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enquiry": self.object}

    def get_success_url(self, saved=None):
        return reverse("portal_admin:enquiry_detail", args=[self.object.pk])


class ConversionView(ScopedPageView):
    """Enquiries to leases, per cluster and per province, over the enquiries the user may see."""

    template_name = "portal/conversion.html"
    permission_required = "portal.view_enquiry"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **selectors.conversion(self.scoped(Enquiry.objects))}
