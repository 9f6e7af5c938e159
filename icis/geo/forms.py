from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Commune, ProvinceSettings
from .services import SETTINGS_FIELDS

TEXT = {"class": "form-control"}


class ProvinceSettingsForm(forms.ModelForm):
    mountainous = forms.ModelMultipleChoiceField(
        queryset=Commune.objects.none(),
        required=False,
        label=_("Mountainous communes (Decree 32/2024 Art 2.1: the 5 ha floor)"),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 12}),
    )
    mountainous_source = forms.CharField(
        label=_("Source of the mountainous classification"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("The decision that classifies these communes as mountainous (number, date, issuer)."),
    )

    class Meta:
        model = ProvinceSettings
        fields = SETTINGS_FIELDS
        widgets = {
            **{name: forms.TextInput(attrs=TEXT) for name in SETTINGS_FIELDS},
            "establishment_area_unit": forms.Select(attrs={"class": "form-select"}),
            "new_clusters_since": forms.DateInput(attrs={"class": "form-control", "placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.filter(province=province).order_by("name")
        self.fields["mountainous"].queryset = communes
        self.fields["new_clusters_since"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        if not self.is_bound:
            chosen = communes.filter(mountainous=True)
            self.initial["mountainous"] = list(chosen.values_list("pk", flat=True))
            self.initial["mountainous_source"] = next(iter(chosen.values_list("mountainous_source", flat=True)), "")
