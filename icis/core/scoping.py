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


# The action of naming a row in a field of another record (a project's tenant, a report's document).
# Models whose scope is the same for every action ignore it; a model that shows less to the users
# who link to it than to those who own or oversee it (tenants) says here which rows may be named.
LINK = "link"


def choices_in_scope(queryset, user, *, keep=()):
    """The rows of `queryset` that `user` may name in a form or request body.

    Scoped models give `restrict(user, LINK)`; reference data without a scope rule (administrative
    units, sectors) is the same for everyone and passes unchanged. `keep` holds the ids a record
    being edited already names: keeping a value never widens anything, and an edit must not fail
    because a value someone else set lies outside the editor's scope.
    """
    if queryset is None:
        return None
    if isinstance(queryset, models.Manager):
        queryset = queryset.all()
    if not isinstance(queryset, ScopedQuerySet):
        return queryset
    allowed = queryset.restrict(user, LINK)
    keep = [pk for pk in keep if pk is not None]
    return allowed | queryset.filter(pk__in=keep) if keep else allowed


class ScopeLinks:
    """Rows seen through the records that link to them: a document is seen by whoever sees one of the
    clusters it is linked to, and by everyone while nothing links it (a decree, a city plan).

    The app that owns the linking record registers the link from its `AppConfig.ready()`, so the
    linked app (documents) names none of the apps above it:

        scope_links.register("documents.Document", through=lambda: Cluster.documents.through,
                             source="cluster", target="document")
    """

    def __init__(self):
        self._links: dict[str, list[tuple]] = {}

    def register(self, label: str, *, through, source: str, target: str) -> None:
        self._links.setdefault(label, []).append((through, source, target))

    def unregister(self, label: str, through) -> None:
        self._links[label] = [link for link in self._links.get(label, []) if link[0] is not through]

    def q(self, label: str, user, action: str) -> models.Q:
        """Rows of `label` that a link from a record `user` reaches names, or that nothing links."""
        links = self._links.get(label, [])
        if not links:
            return models.Q()  # nothing links these rows: every one is general
        unlinked, reached = models.Q(), []
        for through, source, target in links:
            model = through()
            sources = model._meta.get_field(source).related_model.objects.restrict(user, action)
            reached.append(models.Q(pk__in=model.objects.filter(**{f"{source}__in": sources}).values(f"{target}_id")))
            unlinked &= ~models.Q(pk__in=model.objects.values(f"{target}_id"))
        for q in reached:
            unlinked |= q
        return unlinked


scope_links = ScopeLinks()
