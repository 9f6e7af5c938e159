from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.tenancy import periods


def recent_periods(today=None, count: int = 6) -> list[periods.Period]:
    """The last `count` closed reporting periods, newest first."""
    latest = periods.latest_closed(today or timezone.localdate())
    found, year, kind = [], latest.year, latest.kind
    while len(found) < count:
        found.append(periods.parse(f"{year}-{kind}"))
        year, kind = (year, "H1") if kind == "Y" else (year - 1, "Y")
    return found


class ReportQueryForm(forms.Form):
    """The page's query: a reporting period (YYYY-H1 or YYYY-Y) and, for Form 03, a commune."""

    period = forms.CharField(label=_("Reporting period"), widget=forms.Select)
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=None,
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.code, f"{p.code} · {p.label}") for p in recent_periods()]
        current = (self.data.get("period") or "").strip()
        if current and current not in dict(choices):
            choices.insert(0, (current, current))
        self.fields["period"].widget.choices = choices
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes
            self.fields["commune"].empty_label = _("Choose a commune")

    def clean_period(self):
        try:
            return periods.parse(self.cleaned_data["period"])
        except ValueError as error:
            raise forms.ValidationError(str(error), code="period") from None
