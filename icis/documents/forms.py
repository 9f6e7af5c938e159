from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin

from .models import Document


class DocumentForm(ScopedChoicesMixin, forms.ModelForm):
    """A document with its metadata, an optional file (checked by content) and the clusters it
    concerns (only those the user may change are offered; links to others are kept)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Document
        fields = ["doc_type", "number", "year", "issued_on", "issuer", "signer", "summary", "url", "file"]
        widgets = {"issued_on": DATE_WIDGET, "summary": forms.Textarea(attrs={"rows": 3}), "file": forms.FileInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].required = False
        self.fields["year"].help_text = _("Taken from the date issued when left empty.")
        # The link is declared on the cluster (documents sit below clusters): the model is looked up by name.
        Cluster = apps.get_model("clusters", "Cluster")
        self.fields["clusters"] = clusters = forms.ModelMultipleChoiceField(
            label=_("Clusters"),
            required=False,
            queryset=Cluster.objects.restrict(user, "change").order_by("name"),
            help_text=_("The clusters this document concerns. Links to clusters you cannot see are kept."),
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            visible = set(clusters.queryset.values_list("pk", flat=True))
            self.initial["clusters"] = [
                pk for pk in self.instance.clusters.values_list("pk", flat=True) if pk in visible
            ]

    def clean(self):
        data = super().clean()
        if not data.get("year") and not data.get("issued_on") and "year" not in self.errors:
            self.add_error("year", _("Give the year or the date issued."))
        return data

    def _post_clean(self):
        # The service validates and saves; the ModelForm must not write to the instance here, so an
        # edit refused by the service leaves the record as it was.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}
