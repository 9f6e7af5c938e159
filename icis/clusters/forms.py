from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import INVESTOR_KINDS
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.core.scoping import choices_in_scope
from icis.documents.models import Document
from icis.geo.models import Commune, LegacyCommune

from . import services
from .choices import LIFECYCLE, ClusterStatus, CommuneBasis
from .models import Cluster, Sector
from .services import LEGAL_FIELDS


class OptionalJSONField(forms.JSONField):
    """A JSON box that shows nothing (not "null") when there is no value."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class ClusterForm(ScopedChoicesMixin, forms.ModelForm):
    """Edits a cluster's own fields; status is not here (see TransitionForm)."""

    field_columns = "col-md-4"
    wide_fields = ("notes", "boundary")

    communes = forms.ModelMultipleChoiceField(
        queryset=Commune.objects.all(),
        required=False,
        label=_("Communes (since 01/07/2025)"),
        help_text=_("Only communes a document or source states. Leave empty until known."),
    )
    lead_commune = forms.ModelChoiceField(
        queryset=Commune.objects.all(),
        required=False,
        label=_("Lead commune"),
        help_text=_(
            "For a cluster straddling several communes: the one that reports it (Form 03 counts it there only). "
            "One of the communes above; set by itself when there is only one."
        ),
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
    confirm_lookalike = forms.BooleanField(
        required=False,
        label=_("It is another cluster"),
        help_text=_("Tick after checking that the clusters with a name like this one are not the same cluster."),
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
    # Registration only: the cluster's past status changes, plain extra rows (no script), in any order.
    PAST_ROWS = 4

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
            self.fields["lead_commune"].disabled = True
        if self.instance.pk:
            self.fields["communes"].initial = [
                link.commune_id for link in self.instance.commune_links.all() if link.basis == CommuneBasis.STATED
            ]
            lead = next((link.commune_id for link in self.instance.commune_links.all() if link.is_lead), None)
            self.fields["lead_commune"].initial = lead
            self.fields["legacy_communes"].initial = list(self.instance.legacy_communes.values_list("pk", flat=True))
            self.fields["sectors"].initial = list(self.instance.sectors.values_list("pk", flat=True))
            self.fields["version"].initial = self.instance.version
            for name in ("status", "status_date", "status_date_unknown", "confirm_lookalike"):
                del self.fields[name]
        else:
            self._add_past_rows()
        for name in ("notes", "boundary", "verification_note"):
            self.fields[name].widget.attrs["rows"] = 3
        # Only infrastructure investors are offered as the investor (the current one is kept whatever its kind).
        investor = self.fields["investor"]
        investor.queryset = investor.queryset.filter(
            Q(kind__in=INVESTOR_KINDS) | Q(pk=self.instance.investor_id if self.instance.pk else None)
        )

    def _add_past_rows(self) -> None:
        documents = choices_in_scope(Document.objects.order_by("-year", "number"), self.user)
        for row in range(1, self.PAST_ROWS + 1):
            self.fields[f"past_{row}_status"] = forms.ChoiceField(
                label=_("Past change %(row)s: status") % {"row": row},
                choices=[("", "—"), *ClusterStatus.choices],
                required=False,
                help_text=_("Earlier statuses of the cluster, in any order; leave unused rows blank.")
                if row == 1
                else "",
            )
            self.fields[f"past_{row}_date"] = forms.DateField(
                label=_("Past change %(row)s: date") % {"row": row},
                required=False,
                widget=DATE_WIDGET,
                help_text=_("Blank when no source dates it.") if row == 1 else "",
            )
            self.fields[f"past_{row}_document"] = forms.ModelChoiceField(
                queryset=documents,
                label=_("Past change %(row)s: deciding document") % {"row": row},
                required=False,
            )

    def past_changes(self) -> list:
        """The filled rows of the past status changes block, each naming its status field for errors."""
        from .services import PastChange

        found = []
        for row in range(1, self.PAST_ROWS + 1):
            status = self.cleaned_data.get(f"past_{row}_status")
            if status:
                found.append(
                    PastChange(
                        status,
                        self.cleaned_data.get(f"past_{row}_date"),
                        self.cleaned_data.get(f"past_{row}_document"),
                        place=f"past_{row}_status",
                    )
                )
        return found

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
            # Blank: kept as it is (set by itself for a cluster in one commune).
            "lead_commune": self.cleaned_data.get("lead_commune") or services.KEEP,
        }

    def registration_kwargs(self) -> dict:
        """For a new cluster: its current status and the date it began (None when unknown; today when blank)."""
        if "status" not in self.fields:
            return {}
        confirmed = {"lookalike_confirmed": self.cleaned_data.get("confirm_lookalike", False)}
        day = self.cleaned_data.get("status_date")
        if day is None and not self.cleaned_data.get("status_date_unknown"):
            day = timezone.localdate()
        kwargs = {
            "status": self.cleaned_data.get("status") or ClusterStatus.PLANNED,
            "status_date": day,
            **confirmed,
        }
        history = self.past_changes()
        return {**kwargs, "history": history} if history else kwargs


class TransitionForm(ScopedChoicesMixin, forms.Form):
    field_columns = "col-12"

    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date it took effect"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.ModelChoiceField(
        queryset=Document.objects.all(), required=False, label=_("Deciding document"), empty_label="—"
    )
    industrial_park_name = forms.CharField(
        label=_("Industrial park it became"),
        required=False,
        max_length=200,
        help_text=_("Only for a conversion into an industrial park (then required, with the converting decision)."),
    )

    def __init__(self, *args, cluster: Cluster, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["to"].choices = LIFECYCLE.choices(cluster.status)
        if not self.fields["to"].choices:
            self.fields["to"].disabled = True
