"""What every serializer that names other records needs: related ids limited to the user's scope."""

from django.db import models
from rest_framework import relations

from icis.core.scoping import choices_in_scope


class ScopedRelationsMixin:
    """Every writable related field (a primary key, a slug, or a list of them) accepts only the rows
    the requesting user may name (`choices_in_scope`); another id is "does not exist" (400), as if
    it were not there. Without a request (schema generation) scoped fields accept nothing.
    """

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        instance = self.instance if isinstance(self.instance, models.Model) else None
        for field in fields.values():
            relation = getattr(field, "child_relation", field)
            if field.read_only or not isinstance(relation, relations.RelatedField) or relation.queryset is None:
                continue
            keep = []
            if instance is not None and not hasattr(field, "child_relation"):
                keep = [getattr(instance, f"{field.source}_id", None)] if field.source != "*" else []
            relation.queryset = choices_in_scope(relation.queryset, user, keep=keep)
        return fields
