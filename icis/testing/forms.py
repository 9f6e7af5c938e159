"""What a browser sends back for a form: the way to test that an untouched form changes nothing."""

from django import forms


def browser_post(form) -> dict:
    """The POST body of `form` as rendered and submitted unchanged: disabled fields left out, unchecked
    boxes absent, multiple choices as lists, values formatted by their widgets."""
    data = {}
    prefix = f"{form.prefix}-" if form.prefix else ""
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = prefix + name
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            data[key] = [str(v) for v in (value or [])]
        else:
            formatted = field.widget.format_value(value)
            data[key] = "" if formatted is None else formatted
    return data
