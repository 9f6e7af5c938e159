import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from icis.clusters.models import boundary_problem
from icis.core import formats


def _coordinate(value: str, field: str, low: int, high: int) -> Decimal | None:
    """A coordinate read as people type numbers (core.formats: a decimal comma or point)."""
    try:
        number = formats.parse_decimal(value)
    except formats.NotANumber:
        raise forms.ValidationError(
            _("%(field)s: “%(value)s” is not a number.") % {"field": field, "value": value}
        ) from None
    if number is None:
        return None
    if not low <= number <= high:
        raise forms.ValidationError(
            _("%(field)s must lie between %(low)s and %(high)s.") % {"field": field, "low": low, "high": high}
        )
    return number.quantize(Decimal("0.000001"))


class PositionForm(forms.Form):
    """A cluster's point and boundary as picked on the map (or typed). Vietnamese decimal commas are
    read as points; an empty boundary removes it."""

    latitude = forms.CharField(label=_("Latitude"), required=False)
    longitude = forms.CharField(label=_("Longitude"), required=False)
    boundary = forms.CharField(label=_("Boundary (GeoJSON)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_latitude(self):
        return _coordinate(self.cleaned_data["latitude"], _("Latitude"), -90, 90)

    def clean_longitude(self):
        return _coordinate(self.cleaned_data["longitude"], _("Longitude"), -180, 180)

    def clean_boundary(self):
        text = (self.cleaned_data["boundary"] or "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("The boundary is not valid JSON.")) from None
        problem = boundary_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        if ("latitude" in data and "longitude" in data) and ((data["latitude"] is None) != (data["longitude"] is None)):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data
