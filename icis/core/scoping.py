"""Row scoping: the one mechanism that decides which records a user may see or act on.

Every model a user reaches has a queryset with `restrict(user, action)`. The base page views, the
base API viewset, exports and the admin call it, so no view has to remember. Out-of-scope rows
simply are not there: detail views answer 404.
"""

from django.db import models

CITY_WIDE = "accounts.city_wide"


def is_unrestricted(user) -> bool:
    return bool(user.is_superuser or user.has_perm(CITY_WIDE))


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_unrestricted(user):
            return self
        return self.filter(self.scope_q(user, action))

    def scope_q(self, user, action: str) -> models.Q:
        """The rows a scoped (not city-wide) user reaches. Subclasses say how."""
        raise NotImplementedError(f"{self.model.__name__} has no scope rule")
