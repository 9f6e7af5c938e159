from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.core.forms import ScopedChoicesMixin
from icis.documents.models import Document
from icis.geo.models import Commune, LegacyCommune

from .choices import LIFECYCLE, ClusterStatus, CommuneBasis
from .models import Cluster, Sector
from .services import LEGAL_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "class": "form-control"}, format="%d/%m/%Y")


class OptionalJSONField(forms.JSONField):
    """A JSON box that shows nothing (not "null") when there is no value."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class ClusterForm(ScopedChoicesMixin, forms.ModelForm):
    """Edits a cluster's own fields; status is not here (see TransitionForm)."""

    communes = forms.ModelMultipleChoiceField(
        queryset=Commune.objects.all(),
        required=False,
        label=_("Communes (since 01/07/2025)"),
        help_text=_("Only communes a document or source states. Leave empty until known."),
    )
    legacy_communes = forms.ModelMultipleChoiceField(
        queryset=LegacyCommune.objects.select_related("district"),
        required=False,
        label=_("Legacy communes"),
    )
    sectors = forms.ModelMultipleChoiceField(queryset=Sector.objects.all(), required=False, label=_("Sectors"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_warnings = forms.BooleanField(
        required=False,
        label=_("Save despite the warnings"),
        help_text=_(
            "Only after checking the figures against their documents: a legacy cluster may break today's rules."
        ),
    )
    # Registration only (removed from the edit form): the state the evidence shows and when it began.
    status = forms.ChoiceField(
        label=_("Current status"), choices=ClusterStatus.choices, initial=ClusterStatus.PLANNED, required=False
    )
    status_date = forms.DateField(
        label=_("Status since"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("The date the current status began, from its document. Blank: today, unless the date is unknown."),
    )
    status_date_unknown = forms.BooleanField(label=_("Date unknown"), required=False)

    class Meta:
        model = Cluster
        field_classes = {"boundary": OptionalJSONField}
        widgets = {"verification_note": forms.Textarea(attrs={"rows": 2})}
        fields = [
            "code",
            "name",
            "name_ascii",
            "kind",
            "province",
            "legacy_district",
            "planned_area_ha",
            "area_ha",
            "industrial_land_ha",
            "latitude",
            "longitude",
            "boundary",
            "investor",
            "establishment_decision",
            "operating_without_establishment",
            "needs_verification",
            "verification_note",
            "notes",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user.has_perm("clusters.change_cluster_legal"):
            # Shown but not editable: a disabled field keeps its saved value whatever is posted.
            for name in LEGAL_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
        if self.instance.pk:
            self.fields["communes"].initial = [
                link.commune_id for link in self.instance.commune_links.all() if link.basis == CommuneBasis.STATED
            ]
            self.fields["legacy_communes"].initial = list(self.instance.legacy_communes.values_list("pk", flat=True))
            self.fields["sectors"].initial = list(self.instance.sectors.values_list("pk", flat=True))
            self.fields["version"].initial = self.instance.version
            for name in ("status", "status_date", "status_date_unknown"):
                del self.fields[name]
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
                field.empty_label = "—"
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "6")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
            if name in ("notes", "boundary", "verification_note"):
                widget.attrs["rows"] = 3

    def _post_clean(self):
        # Model validation runs in the service, inside the transaction; showing its errors on the
        # form is the view's job. Skipping it here avoids validating twice with different data.
        pass

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {
            "data": data,
            "communes": self.cleaned_data["communes"],
            "legacy_communes": self.cleaned_data["legacy_communes"],
            "sectors": self.cleaned_data["sectors"],
            "confirmed": self.cleaned_data.get("confirm_warnings", False),
        }

    def registration_kwargs(self) -> dict:
        """For a new cluster: its current status and the date it began (None when unknown; today when blank)."""
        if "status" not in self.fields:
            return {}
        day = self.cleaned_data.get("status_date")
        if day is None and not self.cleaned_data.get("status_date_unknown"):
            day = timezone.localdate()
        return {"status": self.cleaned_data.get("status") or ClusterStatus.PLANNED, "status_date": day}


class TransitionForm(ScopedChoicesMixin, forms.Form):
    to = forms.ChoiceField(label=_("New status"), widget=forms.Select(attrs={"class": "form-select"}))
    date = forms.DateField(label=_("Date it took effect"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    document = forms.ModelChoiceField(
        queryset=Document.objects.all(),
        required=False,
        label=_("Deciding document"),
        empty_label="—",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, cluster: Cluster, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["to"].choices = LIFECYCLE.choices(cluster.status)
        if not self.fields["to"].choices:
            self.fields["to"].disabled = True


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)


class AsOfForm(forms.Form):
    date = forms.DateField(label=_("As it stood on"), widget=DATE_WIDGET)
