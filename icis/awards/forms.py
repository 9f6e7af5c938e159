"""Forms of the commendation pages; each is one service call (services.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.core.scoping import home_province_code
from icis.documents.models import Document
from icis.geo.models import Province

from .choices import DECIDING, NOMINATION_LIFECYCLE, RecipientKind
from .models import Nomination
from .selectors import titles

TEXTAREA = {"rows": 3}


class NominationForm(ScopedChoicesMixin, forms.Form):
    """A new nomination and the achievement it puts forward."""

    field_columns = "col-md-6"
    wide_fields = ("description", "clusters", "evidence", "notes")

    recipient_kind = forms.ChoiceField(label=_("Collective or individual"), choices=RecipientKind.choices)
    title = forms.ModelChoiceField(queryset=titles(), label=_("Form or title"))
    unit = forms.CharField(
        label=_("Collective or unit"),
        max_length=300,
        help_text=_("The collective nominated, or the unit of the individual."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, label=_("Registered organisation")
    )
    person_name = forms.CharField(label=_("Full name (individual)"), max_length=200, required=False)
    position = forms.CharField(label=_("Position (individual)"), max_length=200, required=False)
    province = forms.ModelChoiceField(queryset=Province.objects.all(), label=_("Province"))
    year = forms.IntegerField(label=_("Emulation year"), min_value=1945, max_value=2999)
    period_start = forms.DateField(label=_("Achievement from"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Achievement to"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("Achievement"), widget=forms.Textarea(attrs=TEXTAREA))
    clusters = forms.ModelMultipleChoiceField(
        queryset=Cluster.objects.order_by("name"), required=False, label=_("Clusters concerned")
    )
    evidence = forms.ModelMultipleChoiceField(
        queryset=Document.objects.all(), required=False, label=_("Evidence (documents)")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.is_bound:
            self.fields["province"].initial = home_province_code(user)
            self.fields["year"].initial = timezone.localdate().year

    def achievement_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "province",
                "recipient_kind",
                "organisation",
                "unit",
                "person_name",
                "position",
                "description",
                "period_start",
                "period_end",
            )
        }


class NominationEditForm(NominationForm):
    """A nomination not yet decided and its achievement, as they stand; posted back unchanged it changes
    nothing. The status is not here: it moves on the status page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, nomination: Nomination, user, **kwargs):
        achievement = nomination.achievement
        self.instance = achievement  # the clusters, documents and organisation it names stay choosable
        initial = {
            "title": nomination.title_id,
            "year": nomination.year,
            "notes": nomination.notes,
            "version": nomination.version,
            "clusters": list(achievement.clusters.values_list("pk", flat=True)),
            "evidence": list(achievement.evidence.values_list("pk", flat=True)),
            **{name: getattr(achievement, name) for name in ("recipient_kind", "unit", "person_name", "position")},
            **{name: getattr(achievement, name) for name in ("description", "period_start", "period_end")},
            "organisation": achievement.organisation_id,
            "province": achievement.province_id,
        }
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, user=user, **kwargs)
        self.instance = achievement
        # A title no longer in use stays choosable for the nomination that already names it.
        self.fields["title"].queryset = self.fields["title"].queryset | type(nomination.title).objects.filter(
            pk=nomination.title_id
        )


class NominationTransitionForm(ScopedChoicesMixin, forms.Form):
    """A nomination's next step: the status, the date it took effect, why, and (for an award) the decision."""

    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date it took effect"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when refusing."),
    )
    decision = forms.ModelChoiceField(
        queryset=Document.objects.all(),
        required=False,
        label=_("Deciding document"),
        help_text=_("Required when awarding: the decision that awards it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, nomination: Nomination, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        choices = NOMINATION_LIFECYCLE.choices(nomination.status)
        if not user.has_perm("awards.decide_nomination"):
            choices = [(value, label) for value, label in choices if value not in DECIDING]
        self.fields["to"].choices = choices
        self.fields["version"].initial = nomination.version
        if not self.is_bound:
            self.fields["date"].initial = timezone.localdate()


class YearlyListForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2999, required=False)
    province = forms.CharField(label=_("Province"), max_length=5, required=False)
