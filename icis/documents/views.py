from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icis.core.generic import ObjectDetailView, ObjectFormView, ObjectListView

from . import services
from .filtersets import DocumentFilterSet
from .forms import DocumentForm
from .models import Document
from .tables import DocumentTable


class DocumentListView(ObjectListView):
    template_name = "documents/document_list.html"
    queryset = Document.objects.all()
    filterset_class = DocumentFilterSet
    table_class = DocumentTable
    export_name = _("documents")
    permission_required = "documents.view_document"


class DocumentDetailView(ObjectDetailView):
    template_name = "documents/document_detail.html"
    queryset = Document.objects.all()
    context_object_name = "document"
    permission_required = "documents.view_document"

    def get_context_data(self, **kwargs):
        from django.apps import apps

        Cluster = apps.get_model("clusters", "Cluster")  # documents sit below clusters: looked up by name
        visible = self.scoped(Cluster.objects).filter(documents=self.object).order_by("name")
        hidden = self.object.clusters.count() - visible.count()
        return {**super().get_context_data(**kwargs), "clusters": visible, "hidden_clusters": hidden}


class DocumentFormView(ObjectFormView):
    template_name = "documents/document_form.html"
    queryset = Document.objects.all()
    form_class = DocumentForm
    add_permission = "documents.add_document"
    change_permission = "documents.change_document"
    context_object_name = "document"

    def get_success_message(self, saved):
        return str(_("Document saved."))

    def save(self, form):
        data = form.service_data()
        clusters = list(form.cleaned_data.get("clusters") or [])
        if self.object is None:
            data = {key: value for key, value in data.items() if value not in (None, "") or key == "year"}
            if not data.get("year"):
                data.pop("year", None)
            return services.document_create(data=data, actor=self.request.user, clusters=clusters)
        return services.document_update(
            document=self.object,
            data=data,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
            clusters=clusters,
            reachable=form.fields["clusters"].queryset,
        )

    def get_success_url(self, saved=None):
        return reverse("documents:document_detail", args=[(saved or self.object).pk])
