from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.documents.models import Document

from .choices import PLANT_LIFECYCLE, VIOLATION_LIFECYCLE, PlantStatus, SamplePoint
from .models import MonitoringRequirement, TenantConnection, WastewaterPlant
from .services import PLANT_FIELDS


class PlantForm(ScopedChoicesMixin, forms.ModelForm):
    clusters = forms.ModelMultipleChoiceField(queryset=Cluster.objects.all(), label=_("Clusters served"))
    status = forms.ChoiceField(choices=PlantStatus.choices, label=_("Status"), required=False)
    status_date = forms.DateField(label=_("Status since"), widget=DATE_WIDGET, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WastewaterPlant
        fields = list(PLANT_FIELDS)
        widgets = {
            **{name: DATE_WIDGET for name in ("commissioned_on", "permit_valid_from", "permit_valid_to")},
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["name", "clusters", "status", "status_date", "capacity_m3_day", "technology"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            del self.fields["status"], self.fields["status_date"]
            self.fields["clusters"].initial = [link.cluster_id for link in self.instance.cluster_links.all()]
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["status_date"].initial = timezone.localdate()

    def _post_clean(self):
        pass  # the service validates the model inside its transaction

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLANT_FIELDS if name in self.cleaned_data}


class PlantTransitionForm(ScopedChoicesMixin, forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.ModelChoiceField(queryset=Document.objects.all(), required=False, label=_("Document"))

    def __init__(self, *args, plant, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["to"].choices = PLANT_LIFECYCLE.choices(plant.status)


def _number_text(raw: str) -> str:
    """A result as typed ("0,5", "1.234,5", "1,234.5") as the service reads it ("0.5", "1234.5"); text
    that is no number goes through as typed, for the service to refuse by parameter."""
    try:
        number = formats.parse_decimal(raw)
    except formats.NotANumber:
        return raw
    return "" if number is None else format(number, "f")


class SampleForm(forms.Form):
    """A laboratory result set: the date and point, then one row per parameter (blank rows are skipped)."""

    sampled_on = forms.DateField(label=_("Sampled on"), widget=DATE_WIDGET)
    point = forms.ChoiceField(label=_("Point"), choices=SamplePoint.choices, initial=SamplePoint.OUTLET)
    lab = forms.CharField(label=_("Laboratory"), required=False, max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    other = forms.CharField(
        label=_("Other parameters (not in the regulation's table)"),
        required=False,
        max_length=5000,
        help_text=_("One per line: parameter; result; unit. They are kept and shown as not judged."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, parameters, **kwargs):
        super().__init__(*args, **kwargs)
        self.parameter_rows = []
        for parameter in parameters:
            value = forms.CharField(
                label=parameter.code,
                required=False,
                help_text=_('A number, or "<0.01" below the detection limit'),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "", "class": "form-control"}),
            )
            unit = forms.CharField(
                label=_("unit"),
                required=False,
                initial=parameter.unit,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "size": 8}),
            )
            self.fields[f"v_{parameter.code}"] = value
            self.fields[f"u_{parameter.code}"] = unit
            self.parameter_rows.append(parameter)

    def rows(self):
        return [(p, self[f"v_{p.code}"], self[f"u_{p.code}"]) for p in self.parameter_rows]

    def values(self) -> list[dict]:
        """The filled rows and the "other parameters" lines, as the service takes them (a parameter given
        twice is refused there, naming it)."""
        lines = [
            (p.code, self.cleaned_data.get(f"v_{p.code}"), self.cleaned_data.get(f"u_{p.code}"))
            for p in self.parameter_rows
        ]
        result = []
        for code, raw, unit in [*lines, *self.other_lines]:
            raw = (raw or "").strip()
            if not raw:
                continue
            below = raw.startswith("<")
            item = {
                "parameter": code,
                "value": _number_text(raw[1:].strip() if below else raw),
                "unit": (unit or "").strip(),
            }
            if below:
                item["qualifier"] = "<"
            result.append(item)
        return result

    def clean_other(self):
        text = self.cleaned_data.get("other") or ""
        self.other_lines, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split(";")]
            if len(cells) not in (2, 3) or not cells[0] or not cells[1]:
                problems.append(
                    _('Line %(n)s: write "parameter; result; unit", e.g. "Dioxin; 0,5; ng/l".') % {"n": number}
                )
                continue
            self.other_lines.append((cells[0], cells[1], cells[2] if len(cells) == 3 else ""))
        if problems:
            raise forms.ValidationError(problems)
        return text


class ContinuousImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file (UTF-8)"),
        help_text=_("Columns: date, parameter, value, unit (qualifier optional); one row per daily value."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class RequirementForm(ScopedChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MonitoringRequirement
        fields = ["frequency_months", "grace_days", "starts_on", "ends_on", "basis", "notes"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None

    def _post_clean(self):
        pass


class ViolationTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, violation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = VIOLATION_LIFECYCLE.choices(violation.status)
        self.fields["date"].initial = timezone.localdate()


class ConnectionForm(ScopedChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TenantConnection
        fields = [
            "tenant_project",
            "kind",
            "plant",
            "since",
            "until",
            "volume_m3_day",
            "own_permit",
            "own_permit_valid_to",
            "notes",
        ]
        widgets = {
            "since": DATE_WIDGET,
            "until": DATE_WIDGET,
            "own_permit_valid_to": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["tenant_project"].queryset = self.fields["tenant_project"].queryset.select_related(
            "tenant", "cluster"
        )
        self.fields["version"].initial = self.instance.version if self.instance.pk else None

    def _post_clean(self):
        pass
