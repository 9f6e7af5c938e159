"""What every form that names other records needs: choices limited to the user's scope, and numbers read as
people type them (icis/core/fields.py)."""

from django import forms

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
    (icis/core/tests/test_fk_scope.py checks every form).

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
