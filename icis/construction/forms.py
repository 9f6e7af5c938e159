from django import forms
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.documents.models import Document

from .choices import Component, MilestoneKind, ObstacleCategory, ObstacleStatus

TEXTAREA = {"rows": 3, "class": "form-control"}


def _documents(field_label):
    return forms.ModelChoiceField(queryset=Document.objects.all(), required=False, label=field_label)


class ProgressReportForm(ScopedChoicesMixin, forms.Form):
    report_date = forms.DateField(label=_("Report date"), widget=DATE_WIDGET)
    overall_percent = forms.DecimalField(label=_("Overall physical progress (%)"), max_digits=7, decimal_places=2)
    approved_capital_vnd = forms.IntegerField(label=_("Approved infrastructure capital (VND)"), required=False)
    disbursed_vnd = forms.IntegerField(label=_("Disbursed capital (VND), cumulative"), required=False)
    construction_value_vnd = forms.IntegerField(label=_("Construction value (VND)"), required=False)
    clearance_to_clear_ha = forms.DecimalField(label=_("Area to clear (ha)"), required=False, decimal_places=4)
    clearance_cleared_ha = forms.DecimalField(label=_("Area cleared (ha)"), required=False, decimal_places=4)
    clearance_handed_over_ha = forms.DecimalField(label=_("Area handed over (ha)"), required=False, decimal_places=4)
    households_to_clear = forms.IntegerField(label=_("Households to clear"), required=False, min_value=0)
    households_cleared = forms.IntegerField(label=_("Households cleared"), required=False, min_value=0)
    households_handed_over = forms.IntegerField(label=_("Households whose land is handed over"), required=False)
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    decrease_reason = forms.CharField(
        label=_("Reason for a lower figure"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when a figure is lower than in the last accepted report."),
    )
    source_document = _documents(_("Report document"))

    COMPONENT_PREFIX = "component_"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Component.choices:
            self.fields[self.COMPONENT_PREFIX + value] = forms.DecimalField(
                label=label, required=False, max_digits=7, decimal_places=2
            )

    def component_fields(self):
        return [self[name] for name in self.fields if name.startswith(self.COMPONENT_PREFIX)]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(self.COMPONENT_PREFIX)]

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(self.COMPONENT_PREFIX)}
        data = {k: v for k, v in data.items() if v not in (None, "") or k in ("report_date", "overall_percent")}
        components = {
            name.removeprefix(self.COMPONENT_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(self.COMPONENT_PREFIX) and value is not None
        }
        return {"data": data, "components": components}

    def add_service_errors(self, error):
        """Component errors come back as `components.<key>`: show them on the component's field."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field
                if field.startswith("components."):
                    target = self.COMPONENT_PREFIX + field.removeprefix("components.")
                for item in errors:
                    self.add_error(target if target in self.fields else None, item.messages)
        else:
            self.add_error(None, error.messages)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return to the investor"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when returning: say what to correct."),
    )


class MilestoneForm(ScopedChoicesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=MilestoneKind.choices)
    planned_on = forms.DateField(label=_("Planned date"), required=False, widget=DATE_WIDGET)
    actual_on = forms.DateField(label=_("Actual date"), required=False, widget=DATE_WIDGET)
    planned_in = _documents(_("Schedule set by"))
    evidence = _documents(_("Evidence it happened"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class ObstacleForm(ScopedChoicesMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ObstacleCategory.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs=TEXTAREA))
    responsible_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, label=_("Responsible organisation")
    )
    responsible_agency = forms.CharField(
        label=_("Responsible agency (if not a registered organisation)"), required=False, max_length=255
    )
    raised_on = forms.DateField(label=_("Raised on"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    source_document = _documents(_("Source document"))
    requested_direction = forms.CharField(
        label=_("What the People's Committee is asked to direct"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ObstacleStatus.choices, required=False)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    resolved_on = forms.DateField(label=_("Resolved on"), required=False, widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not editing:
            for name in ("status", "resolution", "resolved_on"):
                del self.fields[name]

    def service_data(self) -> dict:
        skip = {"status", "resolved_on", "version"}
        return {k: v if v is not None else None for k, v in self.cleaned_data.items() if k not in skip}


class SummaryForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_WIDGET)
    established_from = forms.DateField(label=_("Established from"), required=False, widget=DATE_WIDGET)
    established_to = forms.DateField(label=_("Established to"), required=False, widget=DATE_WIDGET)
