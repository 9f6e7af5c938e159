from django.apps import apps
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register

from icis.core.audit import HISTORY_OPTIONS, history
from icis.core.concurrency import Versioned
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.core.text import search_words


class OrganisationKind(models.TextChoices):
    DOIT = "doit", _("Department of Industry and Trade")
    FINANCE = "finance", _("Finance Department")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    INVESTOR = "investor", _("Infrastructure investor")
    PUBLIC_INVESTOR = "public_investor", _("Public unit as infrastructure investor")
    INSPECTION = "inspection", _("Inspection team")
    OTHER = "other", _("Other")


# Who may be a cluster's infrastructure investor (Decree 32: "doanh nghiệp, hợp tác xã, tổ chức có tư cách
# pháp lý"): an enterprise or cooperative (INVESTOR, counted as an enterprise in Form 04), or a public unit
# such as a district project management board (PUBLIC_INVESTOR).
INVESTOR_KINDS = (OrganisationKind.INVESTOR, OrganisationKind.PUBLIC_INVESTOR)

# Public bodies: known to every user, who may name them (e.g. as the body responsible for an obstacle).
PUBLIC_KINDS = (
    OrganisationKind.PUBLIC_INVESTOR,
    OrganisationKind.DOIT,
    OrganisationKind.FINANCE,
    OrganisationKind.PEOPLES_COMMITTEE,
    OrganisationKind.INSPECTION,
)


class OrganisationQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        """Public bodies; a private organisation (an investor, a firm) only to its own users and to
        those who reach a cluster it invests in."""
        reach = models.Q(kind__in=PUBLIC_KINDS)
        if user.organisation_id:
            reach |= models.Q(pk=user.organisation_id)
        # accounts sits below clusters: the model is looked up by name, not imported.
        clusters = apps.get_model("clusters", "Cluster").objects.restrict(user, action)
        return reach | models.Q(pk__in=clusters.exclude(investor__isnull=True).values("investor_id"))

    def province_q(self, codes, user, action):
        """Every organisation but the private ones that invest only in other provinces' clusters."""
        investing = apps.get_model("clusters", "Cluster").objects.exclude(investor__isnull=True)
        here = investing.filter(province_id__in=codes).values("investor_id")
        elsewhere = investing.exclude(province_id__in=codes).values("investor_id")
        return (
            models.Q(kind__in=PUBLIC_KINDS)
            | models.Q(pk__in=here)
            | models.Q(pk=user.organisation_id)
            | ~models.Q(pk__in=elsewhere)
        )


class Organisation(Versioned, TimeStamped):
    """A body that acts in the registry: a department, a People's Committee, an investor."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, blank=True)

    history = history()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_words(self.name, self.tax_code, self.address)
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A person who signs in; belongs to one organisation.

    Every change to the account is in its history, except the password hash (a change of password is
    a security event instead, without the hash) and the sign-in time (sign-ins are security events).
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    history = history(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


# Roles are groups: their names in the history; their permissions and members as security events.
register(Group, app="icis.accounts", **HISTORY_OPTIONS)


class Scope(models.Model):
    """An administrative unit a user acts on: a whole province or one commune-level unit.

    Users whose role is province-wide (the `accounts.city_wide` permission) act on the provinces of
    their province scopes, or on the home province (ICIS_PROVINCE_CODE) when they have none; national
    roles (`accounts.national`) need none. Cluster-level
    scopes live with the clusters (`clusters.ClusterAssignment`); investors are scoped through
    their organisation.
    """

    user = models.ForeignKey("accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="scopes")
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("province"), on_delete=models.PROTECT, null=True, blank=True
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True
    )

    history = history()

    class Meta:
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")
        permissions = [
            ("city_wide", _("Acts on every record of the user's province")),
            ("national", _("Acts on every province (national level, MoIT)")),
            ("view_auditlog", _("Can read and export the audit log")),
            ("requires_2fa", _("Must sign in with a second factor when ICIS_REQUIRE_2FA is on")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(province__isnull=True) & models.Q(commune__isnull=False))
                | (models.Q(province__isnull=False) & models.Q(commune__isnull=True)),
                name="accounts_scope_one_unit",
            ),
        ]

    def __str__(self):
        return str(self.commune or self.province)


class ApiToken(models.Model):
    """A key a program sends as `Authorization: Token <key>`, valid until it expires or is revoked.

    A user may hold several (one per script or machine). Only the SHA-256 digest of the key is kept,
    so the key is shown once, when issued; its first characters name it in lists.
    """

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("key digest"), max_length=64, unique=True)
    prefix = models.CharField(_("key starts with"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    second_factor = models.BooleanField(_("issued with a one-time code"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}…"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class AuditEvent(models.Model):
    """A security event: sign-in, failed sign-in, lock-out, role, permission, scope or password change."""

    class Action(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOGOUT = "logout", _("signed out")
        TOKEN = "token", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        ROLE_ADDED = "role_added", _("role granted")
        ROLE_REMOVED = "role_removed", _("role withdrawn")
        SCOPE_ADDED = "scope_added", _("scope granted")
        SCOPE_REMOVED = "scope_removed", _("scope withdrawn")
        TWO_FACTOR = "two_factor", _("second factor")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PRIVILEGES_CHANGED = "privileges_changed", _("account privileges changed")
        PERMISSION_ADDED = "permission_added", _("permission granted")
        PERMISSION_REMOVED = "permission_removed", _("permission withdrawn")
        ROLE_PERMS_CHANGED = "role_perms_changed", _("role permissions changed")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("concerning"), max_length=255, blank=True)
    via = models.CharField(_("via"), max_length=16, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action} {self.subject}"
