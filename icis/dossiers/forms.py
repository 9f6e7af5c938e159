from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster, ClusterExpansion
from icis.core import formats
from icis.core.fields import DecimalField, DecimalInput
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.documents.models import Document, DocumentType

from . import ladder
from .choices import CLOSING_OUTCOMES, DossierKind, Outcome
from .models import Applicant

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
SCORE_ATTRS = {"class": "form-control", "inputmode": "decimal"}


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_doc_type_display()} {obj}"


def documents_for(cluster: Cluster, user):
    """The documents a step of this cluster may cite: its own and general ones (linked to no cluster)."""
    links = Document.clusters.through.objects
    return (
        Document.objects.restrict(user)
        .filter(Q(clusters=cluster) | ~Q(pk__in=links.values("document_id")))
        .distinct()
        # undated documents after the dated ones on every database (PostgreSQL would put them first)
        .order_by(F("issued_on").desc(nulls_last=True), "-year", "number")
    )


class DossierOpenForm(ScopedChoicesMixin, forms.Form):
    cluster = forms.ModelChoiceField(queryset=Cluster.objects.all(), label=_("Cluster"))
    kind = forms.ChoiceField(choices=DossierKind.choices, label=_("Kind"))
    expansion = forms.ModelChoiceField(
        queryset=ClusterExpansion.objects.all(),
        required=False,
        label=_("Expansion"),
        help_text=_("For an expansion dossier only."),
    )
    opened_on = forms.DateField(
        label=_("First investor letter received on"),
        widget=DATE_WIDGET,
        help_text=_("The commune must announce that it takes dossiers within 5 working days of this date."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["expansion"].queryset = self.fields["expansion"].queryset.select_related("cluster")


class StepForm(ScopedChoicesMixin, forms.Form):
    """Record a step with its document: one already in the register, or one entered here."""

    step = forms.TypedChoiceField(coerce=int, label=_("Step"))
    document = DocumentChoiceField(queryset=Document.objects.none(), required=False, label=_("Document"))
    new_doc_type = forms.ChoiceField(
        choices=[("", "—"), *DocumentType.choices], required=False, label=_("or a new document: type")
    )
    new_doc_number = forms.CharField(
        max_length=64, required=False, label=_("number"), widget=forms.TextInput(attrs={"placeholder": "12/TB-UBND"})
    )
    new_doc_date = forms.DateField(required=False, label=_("date issued"), widget=DATE_WIDGET)
    new_doc_issuer = forms.CharField(max_length=200, required=False, label=_("issuer"))
    date = forms.DateField(
        required=False,
        label=_("Date of the step"),
        widget=DATE_WIDGET,
        help_text=_("Leave blank to use the document's date."),
    )
    amends = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Amends"))
    skip_reason = forms.CharField(
        required=False,
        label=_("Why steps are skipped"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when jumping over steps, e.g. an older dossier not digitised."),
    )
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    NEW_DOCUMENT = {"new_doc_type": "doc_type", "new_doc_number": "number", "new_doc_date": "issued_on"}

    def __init__(self, *args, dossier, user, heads, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["step"].choices = [(s.number, str(s)) for s in ladder.LADDER]
        self.fields["document"].queryset = documents_for(dossier.cluster, user)
        self.fields["amends"].choices = [("", _("— nothing: a new step —"))] + [
            (record.pk, f"{record.step}. {record.document.number} ({formats.date(record.date)})")
            for _number, record in sorted(heads.items())
        ]

    def clean(self):
        data = super().clean()
        new = any(data.get(name) for name in ("new_doc_number", "new_doc_issuer", "new_doc_type", "new_doc_date"))
        if data.get("document") and new:
            raise forms.ValidationError(_("Pick a document or enter a new one, not both."))
        if new:
            for name in ("new_doc_type", "new_doc_number", "new_doc_date", "new_doc_issuer"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a new document."))
        elif not data.get("document"):
            self.add_error("document", _("Each step is reached by recording its document: pick or enter one."))
        return data

    def new_document(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("new_doc_number"):
            return None
        return {
            "doc_type": data["new_doc_type"],
            "number": data["new_doc_number"].strip(),
            "issued_on": data["new_doc_date"],
            "issuer": data["new_doc_issuer"].strip(),
        }

    # Errors of a document entered here come back from the documents service under its own names.
    ERROR_FIELDS = {
        "doc_type": "new_doc_type",
        "number": "new_doc_number",
        "issued_on": "new_doc_date",
        "year": "new_doc_date",
        "issuer": "new_doc_issuer",
        "__all__": "new_doc_number",
    }


def _score(label):
    return DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        widget=DecimalInput(attrs=SCORE_ATTRS),
    )


class ScoresForm(forms.Form):
    infrastructure_score = _score(_("Infrastructure option"))
    environment_score = _score(_("Environmental management plan"))
    capacity_score = _score(_("Capacity and experience"))
    financial_score = _score(_("Financial plan"))
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scheme is not None:
            for field in Applicant.SCORE_FIELDS:
                cap = getattr(scheme, f"{field}_max")
                self.fields[f"{field}_score"].help_text = _("0 to %(max)s") % {"max": f"{cap.normalize():f}"}

    def scores(self) -> dict:
        return {f"{field}_score": self.cleaned_data.get(f"{field}_score") for field in Applicant.SCORE_FIELDS}


class ApplicantForm(ScopedChoicesMixin, ScoresForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), label=_("Organisation"))
    field_order = ["organisation"]


class ChairForm(ScopedChoicesMixin, forms.Form):
    applicant = forms.TypedChoiceField(coerce=int, label=_("Applicant chosen by the chair"))
    note = forms.CharField(label=_("Chair's decision"), widget=forms.Textarea(attrs={"rows": 2}))
    document = DocumentChoiceField(queryset=Document.objects.none(), required=False, label=_("Document (minutes)"))

    def __init__(self, *args, user, tied=(), dossier=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["applicant"].choices = [(a.pk, a.organisation.name) for a in tied]
        if dossier is not None:
            self.fields["document"].queryset = documents_for(dossier.cluster, user)


class CompleteForm(forms.Form):
    complete_on = forms.DateField(
        required=False,
        label=_("Complete dossier received by DoIT on"),
        widget=DATE_WIDGET,
        help_text=_("DoIT's 25 days run from this day. Blank: the date of step 3."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(value, label) for value, label in Outcome.choices if value in CLOSING_OUTCOMES], label=_("Outcome")
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
