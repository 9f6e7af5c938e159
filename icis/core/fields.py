"""Form fields for numbers as people type them (icis/core/formats.py reads them).

`DecimalField` takes "37,78", "37.78", "1.234,5" and "1,234.5" and refuses "abc" or "1,2,3" with the
field's label in the message; it renders as a text box with `inputmode="decimal"`, never as the
browser's `type=number` box, which silently sends an empty value for text it cannot read (that is how
letters used to erase a stored value).

Every page form gets it without naming it: `LocalizedNumbersMixin` (part of `ScopedChoicesMixin` in
icis/core/forms.py, and usable on its own) turns each Django `DecimalField`/`FloatField` of the form into
one of these, keeping its label, limits, digits, help text and initial value. `localize_numbers(form)` does
the same for a form built some other way.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import formats


class DecimalInput(forms.TextInput):
    """A text box for a decimal: shows the value with the page language's decimal mark."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value is None or value == "":
            return None
        return formats.input_decimal(value)


class DecimalField(forms.DecimalField):
    """A decimal as a Vietnamese or English user types it; refused (field named) when unreadable."""

    widget = DecimalInput
    default_error_messages = {
        "invalid": _("%(field)s: “%(value)s” is not a number. Write it as 37,78 or 1.234,5 (or 37.78, 1,234.5)."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = formats.parse_decimal(value)
        except formats.NotANumber:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"field": self.label or "", "value": str(value).strip()[:40]},
            ) from None
        return number

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # forms.DecimalField adds min/max/step for a number box; a text box needs none of them.
        for key in ("min", "max", "step"):
            attrs.pop(key, None)
        return attrs


class FloatField(forms.FloatField):
    """A float (coordinates) read like a decimal."""

    widget = DecimalInput
    default_error_messages = DecimalField.default_error_messages

    def to_python(self, value):
        number = DecimalField.to_python(self, value)
        return None if number is None else float(number)

    def widget_attrs(self, widget):
        return DecimalField.widget_attrs(self, widget)


_SWAPS = {forms.DecimalField: DecimalField, forms.FloatField: FloatField}


def localized(field: forms.Field) -> forms.Field:
    """The same field read as people type numbers. Only plain Django DecimalFields and FloatFields are
    changed (a subclass keeps its own reading); label, limits, digits, validators, help text and initial
    value stay as they were."""
    swap = _SWAPS.get(type(field))
    if swap is None:
        return field
    old = field.widget
    field.__class__ = swap
    field.localize = False
    field.error_messages = {**field.error_messages, "invalid": swap.default_error_messages["invalid"]}
    if isinstance(old, forms.HiddenInput):
        return field
    widget = DecimalInput()
    widget.is_required = old.is_required
    for key, value in old.attrs.items():
        if key not in ("min", "max", "step"):
            widget.attrs[key] = value
    widget.attrs.setdefault("inputmode", "decimal")
    field.widget = widget
    return field


def localize_numbers(form: forms.BaseForm) -> forms.BaseForm:
    for name, field in list(form.fields.items()):
        form.fields[name] = localized(field)
    return form


class LocalizedNumbersMixin:
    """Every decimal and float field of the form reads "37,78" as 37.78 and refuses "abc" by name,
    including fields a subclass adds in its own __init__ (they are caught when rendered or cleaned)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localize_numbers(self)

    def __getitem__(self, name):
        if name in self.fields:
            self.fields[name] = localized(self.fields[name])
        return super().__getitem__(name)

    def full_clean(self):
        localize_numbers(self)
        super().full_clean()
