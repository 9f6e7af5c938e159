from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from icis.clusters.models import Cluster
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin, apply_errors
from icis.documents.models import Document

from . import report_forms, services
from .choices import PROJECT_LIFECYCLE
from .models import Tenant, TenantProject


class TenantForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Tenant
        fields = ["name", "tax_code", "is_fdi", "country", "sector", "contact_name", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None

    def _post_clean(self):
        pass  # the service validates the model inside its transaction


class TenantProjectForm(ScopedChoicesMixin, forms.ModelForm):
    """A lease. The list offers the firms already leasing in the user's clusters; any other
    registered firm is named by its tax code (the registry is not browsable)."""

    tenant_tax_code = forms.CharField(
        label=_("or the firm's tax code (MST)"),
        required=False,
        max_length=14,
        help_text=_("For a firm not in the list; register a new firm first."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_warnings = forms.BooleanField(
        required=False,
        label=_("Save despite the warnings"),
        help_text=_("Only after checking the dates against their documents."),
    )

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

    field_order = ["cluster", "tenant", "tenant_tax_code"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["tenant"].required = False
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        if self.instance.pk:
            # The status changes only by a dated transition (ProjectTransitionForm), with its history.
            del self.fields["status"]

    def clean(self):
        data = super().clean()
        tax_code = (data.get("tenant_tax_code") or "").strip()
        if tax_code:
            try:
                tenant = services.tenant_by_tax_code(tax_code)
            except ValidationError as error:
                apply_errors(self, error)
                return data
            if data.get("tenant") not in (None, tenant):
                self.add_error("tenant_tax_code", _("This tax code names another firm than the one chosen."))
            data["tenant"] = tenant
        elif not data.get("tenant") and "tenant" not in self.errors:
            self.add_error("tenant", _("Choose the firm, or give its tax code."))
        return data

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


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class NewReportForm(ScopedChoicesMixin, forms.Form):
    form = forms.ChoiceField(
        label=_("Form"), choices=[("02", _("Form 02 (infrastructure investor)")), ("01", _("Form 01 (tenant project)"))]
    )
    period = forms.CharField(label=_("Period"), help_text=_("e.g. 2026-H1 or 2026-Y"))
    cluster = forms.ModelChoiceField(queryset=Cluster.objects.all(), required=False, label=_("Cluster (Form 02)"))
    tenant_project = forms.ModelChoiceField(
        queryset=TenantProject.objects.all(), required=False, label=_("Tenant project (Form 01)")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["tenant_project"].queryset = self.fields["tenant_project"].queryset.select_related(
            "tenant", "cluster"
        )


class ProjectTransitionForm(ScopedChoicesMixin, forms.Form):
    """A tenant project's status change: the new status, the date it took effect, why, on what document."""

    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date it took effect"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.ModelChoiceField(queryset=Document.objects.all(), required=False, label=_("Deciding document"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project: TenantProject, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["to"].choices = PROJECT_LIFECYCLE.choices(project.status)
        self.fields["version"].initial = project.version
