"""Row scoping: the one mechanism that decides which records a user may see or act on.

Every model a user reaches has a queryset with `restrict(user, action)`. The base page views, the
base API viewset, exports and the admin call it, so no view has to remember. Out-of-scope rows
simply are not there: detail views answer 404.

Three reaches (docs/provinces.md):
- national (`accounts.national`, and superusers): every province;
- province-wide (`accounts.city_wide`, the permission's historical name): every record of the user's
  provinces, i.e. the provinces of their province scopes, or the deployment's home province
  (`ICIS_PROVINCE_CODE`) when they have none;
- scoped: what their communes, clusters or organisation reach (`scope_q`).
"""

from django.apps import apps
from django.conf import settings
from django.db import models

CITY_WIDE = "accounts.city_wide"  # province-wide: the user's provinces
PROVINCE_WIDE = CITY_WIDE
NATIONAL = "accounts.national"


def is_national(user) -> bool:
    """Sees every province (MoIT, system administrators)."""
    return bool(user.is_superuser or user.has_perm(NATIONAL))


def is_unrestricted(user) -> bool:
    """No row filter at all: the national reach."""
    return is_national(user)


def reaches_home_province(user) -> bool:
    """Sees every record of the home province: national or province-wide (tests, single-province pages)."""
    return bool(is_national(user) or user.has_perm(PROVINCE_WIDE))


def is_province_wide(user) -> bool:
    return bool(not is_national(user) and user.has_perm(PROVINCE_WIDE))


def user_province_codes(user) -> tuple[str, ...]:
    """The provinces a province-wide user acts on: those of their province scopes, else the home
    province. For other users: the provinces of their province scopes (often none). Cached on the
    user object for the request, like Django's permission cache."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, "_icis_province_codes", None)
    if cached is None:
        scopes = apps.get_model("accounts", "Scope").objects.filter(user=user, province__isnull=False)
        cached = tuple(scopes.order_by("province_id").values_list("province_id", flat=True).distinct())
        if not cached and user.has_perm(PROVINCE_WIDE):
            cached = (settings.ICIS_PROVINCE_CODE,)
        user._icis_province_codes = cached
    return cached


def home_province_code(user) -> str:
    """The province a user's pages and reports show by default: their (first) province, else the
    province of their first commune scope, else the home province."""
    if user is not None and user.is_authenticated and is_national(user):
        return settings.ICIS_PROVINCE_CODE  # no province of their own
    codes = user_province_codes(user)
    if codes:
        return codes[0]
    if user is not None and user.is_authenticated:
        first = (
            apps.get_model("accounts", "Scope")
            .objects.filter(user=user, commune__isnull=False)
            .order_by("id")
            .values_list("commune__province_id", flat=True)
            .first()
        )
        if first:
            return first
    return settings.ICIS_PROVINCE_CODE


def in_reach(queryset, user, field: str = "province"):
    """Province-level records (plans, annual plans, settings, administrative units) of the provinces
    `user` reaches: all for national users; else their provinces (province-wide) or their home
    province. `field` is the path to the province (`province`, `district__province`; "" for provinces)."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if is_national(user):
        return queryset
    codes = set(user_province_codes(user)) | {home_province_code(user)}
    return queryset.filter(**{f"{field}_id__in" if field else "pk__in": codes})


# Administrative units are public reference data, but a form offers (and accepts) only those of the
# provinces the user reaches: the path from each to its province.
PROVINCE_PATHS = {
    "geo.province": "",
    "geo.commune": "province",
    "geo.legacydistrict": "province",
    "geo.legacycommune": "district__province",
}


def may_see_province(user, code: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return is_national(user) or code in user_province_codes(user) or code == home_province_code(user)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_national(user):
            return self
        if user.has_perm(PROVINCE_WIDE):
            return self.filter(self.province_q(user_province_codes(user), user, action))
        return self.filter(self.scope_q(user, action))

    def scope_q(self, user, action: str) -> models.Q:
        """The rows a scoped (not province-wide) user reaches. Subclasses say how."""
        raise NotImplementedError(f"{self.model.__name__} has no scope rule")

    def province_q(self, codes, user, action: str) -> models.Q:
        """The rows of provinces `codes` (for a province-wide user). By default the same rule as
        `scope_q`, which for rows reached through their cluster gives the clusters of those provinces;
        models whose scope rule reaches less than a whole province (firms, organisations) override it."""
        return self.scope_q(user, action)


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
        path = PROVINCE_PATHS.get(queryset.model._meta.label_lower)
        if path is None:
            return queryset
        allowed = in_reach(queryset, user, path)
        keep = [pk for pk in keep if pk is not None]
        return allowed | queryset.filter(pk__in=keep) if keep else allowed
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


class ProvinceNotVisible(LookupError):
    """A province the user may not see (or that does not exist): answered as 404."""


def province_for(user, code: str | None) -> str | None:
    """The province a per-province page or report shows: `code` when the user may see it (else
    ProvinceNotVisible); without one, the user's own province, or None (the national roll-up) for a
    national user."""
    if code:
        code = str(code).strip()
        exists = apps.get_model("geo", "Province").objects.filter(code=code).exists()
        if not exists or not may_see_province(user, code):
            raise ProvinceNotVisible(code)
        return code
    return None if is_national(user) else home_province_code(user)
