from django import forms
from django.utils.translation import gettext_lazy as _

from icis.clusters.models import Cluster, Sector
from icis.core.fields import LocalizedNumbersMixin
from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin

from .choices import ENQUIRY_LIFECYCLE, EnquiryStatus, FieldGroup
from .models import Enquiry, Publication
from .selectors import sector_name

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PublicationForm(ScopedChoicesMixin, forms.ModelForm):
    """What of a cluster the portal shows, and the texts only the portal has."""

    field_groups = forms.MultipleChoiceField(
        label=_("Field groups published"),
        choices=FieldGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publish = forms.BooleanField(label=_("Published on the portal"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Publication
        fields = [
            "field_groups",
            "incentives",
            "incentives_en",
            "lease_terms",
            "lease_terms_en",
            "lease_price_vnd_m2_year",
            "contact_name",
            "contact_phone",
            "contact_email",
            "power_capacity_kva",
            "water_m3_day",
            "wastewater_capacity_m3_day",
        ]
        widgets = {
            "incentives": TEXTAREA,
            "incentives_en": TEXTAREA,
            "lease_terms": TEXTAREA,
            "lease_terms_en": TEXTAREA,
        }


class EnquiryForm(LocalizedNumbersMixin, forms.Form):
    """The public enquiry form: what the firm needs, how to reach it, the challenge and a honeypot."""

    area_ha = forms.DecimalField(label=_("Land wanted (ha)"), min_value=0, max_digits=10, decimal_places=4)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="code"
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    wastewater_m3_day = forms.DecimalField(
        label=_("Wastewater (m³/day)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    power_kva = forms.DecimalField(
        label=_("Power needed (kVA)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    start_by = forms.DateField(
        label=_("Wants to start by"), required=False, widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    message = forms.CharField(label=_("Message"), required=False, widget=TEXTAREA, max_length=4000)
    cluster = forms.CharField(widget=forms.HiddenInput, required=False)
    # Left empty by people (hidden from them by the stylesheet); robots fill it.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    answer = forms.CharField(label=_("Answer"), max_length=5)
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, provinces=(), question="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "—"), *provinces]
        self.fields["answer"].label = question or _("Answer")
        self.fields["sector"].label_from_instance = sector_name


class EnquiryUpdateForm(ScopedChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enquiry
        fields = ["cluster", "notes"]
        widgets = {"notes": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = self.fields["cluster"].queryset.filter(publication__is_published=True)


class EnquiryTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXTAREA)
    tenant_tax_code = forms.CharField(
        label=_("Tax code of the firm that signed"), required=False, help_text=_("Only for a signed lease.")
    )
    tenant_name = forms.CharField(
        label=_("Name of the firm that signed"), required=False, help_text=_("When the firm is not registered yet.")
    )
    land_ha = forms.DecimalField(
        label=_("Land leased (ha)"), required=False, max_digits=10, decimal_places=4, min_value=0
    )
    lease_end = forms.DateField(
        label=_("Lease end"), required=False, widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, enquiry: Enquiry, user=None, **kwargs):
        from .services import moves_for

        super().__init__(*args, **kwargs)
        self.user = user
        # Every move the machine allows is accepted here (a move the role may not make then gets the
        # service's own wording, not "not one of the choices"); only those the user may make are offered.
        self.fields["to"].choices = ENQUIRY_LIFECYCLE.choices(enquiry.status)
        self.fields["to"].widget.choices = moves_for(user, enquiry)
        self.fields["version"].initial = enquiry.version

    def clean_to(self):
        from .services import check_may_move

        to = self.cleaned_data["to"]
        try:
            check_may_move(self.user, to)
        except forms.ValidationError as refused:
            raise forms.ValidationError(refused.error_dict["to"]) from None
        return to

    @property
    def signs_lease(self) -> bool:
        return self.cleaned_data.get("to") == EnquiryStatus.LEASE_SIGNED


__all__ = ["Cluster", "EnquiryForm", "EnquiryTransitionForm", "EnquiryUpdateForm", "PublicationForm"]
