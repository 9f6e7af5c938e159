from django import forms
from django.utils.translation import gettext_lazy as _

from icis.clusters.forms import DATE_WIDGET
from icis.clusters.models import Cluster

from . import report_forms
from .models import Tenant, TenantProject


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = "—"


class TenantForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Tenant
        fields = ["name", "tax_code", "is_fdi", "country", "sector", "contact_name", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        _style(self)

    def _post_clean(self):
        pass  # the service validates the model inside its transaction


class TenantProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TenantProject
        fields = [
            "cluster",
            "tenant",
            "name",
            "land_ha",
            "approval_number",
            "approval_date",
            "lease_start",
            "lease_end",
            "status",
            "ended_on",
            "employees",
        ]
        widgets = {name: DATE_WIDGET for name in ("approval_date", "lease_start", "lease_end", "ended_on")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = Cluster.objects.restrict(user, "change")
        self.fields["tenant"].queryset = Tenant.objects.order_by("name")
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        _style(self)

    def _post_clean(self):
        pass


class FiguresForm(forms.Form):
    """The figures of a Form 01 or 02, built from the form's definition in report_forms."""

    def __init__(self, *args, form_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        for figure in report_forms.FORMS[form_code]:
            label = f"{figure.number}. {figure.label}" + (f" ({figure.unit})" if figure.unit else "")
            if figure.kind == "flag":
                field = forms.TypedChoiceField(
                    label=label, choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))], required=False, coerce=int
                )
            else:
                field = forms.CharField(
                    label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
                )
            self.fields[figure.key] = field
        _style(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class NewReportForm(forms.Form):
    form = forms.ChoiceField(
        label=_("Form"), choices=[("02", _("Form 02 (infrastructure investor)")), ("01", _("Form 01 (tenant project)"))]
    )
    period = forms.CharField(label=_("Period"), help_text=_("e.g. 2026-H1 or 2026-Y"))
    cluster = forms.ModelChoiceField(queryset=Cluster.objects.none(), required=False, label=_("Cluster (Form 02)"))
    tenant_project = forms.ModelChoiceField(
        queryset=TenantProject.objects.none(), required=False, label=_("Tenant project (Form 01)")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = Cluster.objects.restrict(user, "change")
        self.fields["tenant_project"].queryset = TenantProject.objects.restrict(user, "change").select_related(
            "tenant", "cluster"
        )
        _style(self)
