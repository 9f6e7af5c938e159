from django import forms
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.core.uploads import ACCEPTED, DOCUMENT, EXTENSIONS
from icis.geo.models import Province
from icis.tenancy.models import Tenant

from . import services
from .choices import FOLLOW_UP_RESULTS, Topic, ViolationStatus
from .models import ChecklistItem, Finding, Inspection, InspectionPlan, Violation


class PlanForm(ScopedChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    province = forms.ModelChoiceField(Province.objects.all(), label=_("province"))

    class Meta:
        model = InspectionPlan
        fields = ["province", "year", "kind", "title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    field_columns = "col-md-4"
    wide_fields = ("title", "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class DraftVisitsForm(forms.Form):
    """Draft site visits (topic construction) to the clusters under construction, on a plan."""

    period_start = forms.DateField(label=_("period from"), widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    period_end = forms.DateField(label=_("period to"), widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    frequency_months = forms.IntegerField(label=_("visit every (months)"), min_value=1, max_value=24)
    # The people who may record findings (inspectors and DoIT), by id: accounts are not a scoped register.
    team = forms.TypedMultipleChoiceField(label=_("team"), coerce=int, required=False)

    field_columns = "col-md-4"
    wide_fields = ("team",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            (u.pk, u.get_full_name() or u.username) for u in services.team_candidates().order_by("username")
        ]


class InspectionForm(ScopedChoicesMixin, forms.ModelForm):
    """A plan's entry or an ad-hoc inspection: the subject, its topics, month and team."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    plan = forms.ModelChoiceField(InspectionPlan.objects.all(), label=_("plan"), required=False)
    cluster = forms.ModelChoiceField(Cluster.objects.all(), label=_("cluster"))
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(), label=_("infrastructure investor"), required=False
    )
    tenant = forms.ModelChoiceField(Tenant.objects.all(), label=_("tenant firm"), required=False)
    topics = forms.MultipleChoiceField(label=_("topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    # The people who may record findings (inspectors and DoIT), by id: accounts are not a scoped register.
    team = forms.TypedMultipleChoiceField(label=_("team"), coerce=int, required=False)

    class Meta:
        model = Inspection
        fields = [
            "plan",
            "subject_kind",
            "cluster",
            "organisation",
            "tenant",
            "planned_month",
            "due_on",
            "signs_of_violation",
            "signs_reason",
            "inspected_on",
            "summary",
            "recommendations",
        ]
        widgets = {
            "due_on": DATE_WIDGET,
            "inspected_on": DATE_WIDGET,
            "signs_reason": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
        }

    field_columns = "col-md-4"
    wide_fields = ("topics", "signs_reason", "summary", "recommendations", "team")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            (u.pk, u.get_full_name() or u.username) for u in services.team_candidates().order_by("username")
        ]
        for name in ("due_on", "inspected_on"):
            self.fields[name].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["topics"].initial = [c.topic for c in self.instance.checklists.all()]
            self.fields["team"].initial = list(self.instance.team.values_list("pk", flat=True))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("new status"))
    date = forms.DateField(label=_("date"), widget=DATE_WIDGET, required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices


class FindingForm(ScopedChoicesMixin, forms.ModelForm):
    """A finding, optionally with a photo or document as its evidence."""

    item = forms.ModelChoiceField(ChecklistItem.objects.all(), label=_("checklist item"), required=False)
    evidence = forms.FileField(
        label=_("photo or document"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(e for k in ACCEPTED[DOCUMENT] for e in EXTENSIONS[k])}
        ),
    )
    caption = forms.CharField(label=_("caption"), max_length=255, required=False)

    class Meta:
        model = Finding
        fields = ["item", "topic", "description", "latitude", "longitude", "observed_at"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    wide_fields = ("description",)

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        if inspection is not None:
            self.fields["item"].queryset = (
                self.fields["item"]
                .queryset.filter(checklist__in=inspection.checklists.all())
                .select_related("checklist")
            )


class FindingEditForm(FindingForm):
    """A finding's own fields; its evidence is added, never replaced, and who recorded it stays."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("inspection", instance.inspection)
        super().__init__(*args, **kwargs)
        del self.fields["evidence"], self.fields["caption"]
        self.fields["version"].initial = self.instance.version
        self.fields["observed_at"].input_formats = [
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ]
        self.fields["observed_at"].widget.format = "%d/%m/%Y %H:%M:%S"

    def clean_observed_at(self):
        """The page shows whole seconds: a time posted back as shown keeps the device's fraction of a second."""
        value, stored = self.cleaned_data.get("observed_at"), self.instance.observed_at
        if value and stored and value == stored.replace(microsecond=0):
            return stored
        return value


class ViolationForm(ScopedChoicesMixin, forms.ModelForm):
    finding = forms.ModelChoiceField(Finding.objects.all(), label=_("finding"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Violation
        fields = [
            "finding",
            "topic",
            "description",
            "legal_basis",
            "severity",
            "corrective_action",
            "deadline",
            "responsible",
        ]
        widgets = {
            "deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "corrective_action": forms.Textarea(attrs={"rows": 2}),
        }

    wide_fields = ("description", "corrective_action")

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        if self.instance.pk:
            inspection = self.instance.inspection
            self.fields["version"].initial = self.instance.version
        if inspection is not None:
            self.fields["finding"].queryset = self.fields["finding"].queryset.filter(inspection=inspection)


class FollowUpForm(ScopedChoicesMixin, forms.Form):
    """What this visit found about one violation carried forward."""

    violation = forms.ModelChoiceField(Violation.objects.all(), label=_("violation"))
    result = forms.ChoiceField(
        label=_("result"),
        choices=[(s.value, s.label) for s in ViolationStatus if s in FOLLOW_UP_RESULTS],
    )
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, carried=None, **kwargs):
        super().__init__(*args, **kwargs)
        if carried is not None:
            # Narrowed from the user's scope, never widened.
            self.fields["violation"].queryset = self.fields["violation"].queryset.filter(pk__in=carried.values("pk"))


class ChecklistForm(forms.Form):
    """One answer per item of the inspection's checklists (left blank: not answered yet)."""

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import Answer

        answers = {a.item_id: a for a in inspection.answers.all()}
        self.items = list(
            ChecklistItem.objects.filter(checklist__in=inspection.checklists.all()).select_related("checklist")
        )
        for item in self.items:
            current = answers.get(item.pk)
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.number}. {item.text} ({item.legal_basis})",
                choices=[("", "—"), *Answer.choices],
                required=False,
                initial=current.answer if current else "",
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("note"), required=False, initial=current.note if current else ""
            )


class ReportForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("topic", _("topic")), ("province", _("province")), ("commune", _("commune"))],
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
