"""What every form needs: choices limited to the user's scope, numbers read as people type them
(icis/core/fields.py), service errors shown on their fields, the date widget, and one Bootstrap 5 renderer."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .fields import LocalizedNumbersMixin
from .scoping import choices_in_scope


def _current_ids(instance, name) -> list:
    """The ids a saved model instance already names in its field `name` (none for a new one)."""
    if instance is None or instance.pk is None:
        return []
    try:
        field = instance._meta.get_field(name)
    except Exception:  # a form field that is not a model field
        return []
    if field.many_to_many:
        return list(getattr(instance, name).values_list("pk", flat=True))
    if field.many_to_one or field.one_to_one:
        return [getattr(instance, field.attname)]
    return []


class ScopedChoicesMixin(LocalizedNumbersMixin):
    """Every ModelChoiceField and ModelMultipleChoiceField offers and accepts only the rows the user
    may name (`choices_in_scope`): out-of-scope ids are "not one of the available choices".

    Takes the acting user as the keyword argument `user`. A subclass may narrow a field's queryset
    afterwards (derive it from the restricted one, or restrict it again); it never widens it
    (icis/accounts/tests/test_related_choices.py checks every form).

    Its decimal and float fields read numbers as people type them (`LocalizedNumbersMixin`,
    icis/core/fields.py): "37,78" is 37.78, "abc" is refused naming the field.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        instance = getattr(self, "instance", None)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = choices_in_scope(field.queryset, user, keep=_current_ids(instance, name))


# --- Shared by every app's forms and services -------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A rule violation on one field, with a code API clients can rely on whatever the language."""
    return ValidationError({field: ValidationError(message, code=code)})


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names where the form has it
    (anything else, a stale-version refusal included, goes above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)


class AsOfForm(forms.Form):
    date = forms.DateField(label=_("As it stood on"), widget=DATE_WIDGET)


# --- One Bootstrap 5 renderer -----------------------------------------------------------------------

EMPTY_LABEL = "—"


def bootstrap_class(widget) -> str | None:
    """The Bootstrap 5 class a widget's input needs (none for hidden inputs and radio/checkbox lists,
    whose options the template styles)."""
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return None
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return None
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapBoundField(BoundField):
    """Every widget of every form gets its Bootstrap class (unless it names one itself), `is-invalid`
    when the field has errors, and "—" as the empty choice of a record list."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
            field.empty_label = EMPTY_LABEL

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = bootstrap_class(widget)
        if css and "class" not in widget.attrs and "class" not in attrs:
            attrs["class"] = css
        if css == "form-select" and isinstance(widget, forms.SelectMultiple):
            attrs.setdefault("size", "6")
        if css and self.form.is_bound and self.errors:
            attrs["class"] = f"{attrs.get('class', widget.attrs.get('class', ''))} is-invalid".strip()
        return attrs


class BootstrapRenderer(TemplatesSetting):
    """The project's form renderer (settings.FORM_RENDERER): `{{ form }}` renders through
    templates/includes/form_fields.html, each field through templates/includes/form_field.html, and
    `{{ field }}` in a hand-written template still gets its Bootstrap class from the bound field."""

    form_template_name = "includes/form_fields.html"
    field_template_name = "includes/form_field.html"
    bound_field_class = BootstrapBoundField
