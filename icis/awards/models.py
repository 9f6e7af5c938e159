"""Commendation for cluster work (Decree 32/2024 Art 32.6, 33.3, 36.1; the annual plan's commendation task).

An `Achievement` is what a collective or an individual did for the clusters of a province over a
period, with its evidence. A `Nomination` puts an achievement forward for one form or title
(`AwardTitle`, kept as data) and follows the lifecycle drafted → submitted → awarded, or proposed to
a higher authority → awarded, or refused. One achievement is awarded once: a database constraint and
the service's message (which names the first award) say so.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.core.text import search_words
from icis.documents.models import Document
from icis.geo.models import Province

from .choices import STATUS_COLOURS, Authority, NominationStatus, RecipientKind, TitleKind, TitleRecipients


class AwardTitle(models.Model):
    """A form of commendation (Giấy khen, Bằng khen) or an emulation title (Lao động tiên tiến…): whom it
    is for and who decides it. Reference data, the same in every province; edited in the administration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("As the law names it, in Vietnamese."))
    kind = models.CharField(_("kind"), max_length=10, choices=TitleKind.choices)
    recipients = models.CharField(_("for"), max_length=12, choices=TitleRecipients.choices)
    authority = models.CharField(_("decided by"), max_length=20, choices=Authority.choices)
    note = models.TextField(_("note"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = history()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("form or title")
        verbose_name_plural = _("forms and titles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipients__in=TitleRecipients.values), name="awards_title_recipients_known"
            ),
            models.CheckConstraint(
                condition=models.Q(authority__in=Authority.values), name="awards_title_authority_known"
            ),
        ]

    def __str__(self):
        return self.name

    def is_for(self, kind: str) -> bool:
        return self.recipients in (TitleRecipients.BOTH, kind)

    @property
    def doit_decides(self) -> bool:
        return self.authority == Authority.DOIT_DIRECTOR


class AchievementQuerySet(ScopedQuerySet):
    """A province's officers see its achievements; a commune official or an investor those about the
    clusters they reach and those of their own organisation."""

    def scope_q(self, user, action):
        reach = models.Q(clusters__in=Cluster.objects.restrict(user, action))
        if user.organisation_id:
            reach |= models.Q(organisation_id=user.organisation_id)
        return models.Q(pk__in=Achievement.objects.filter(reach).values("pk"))

    def province_q(self, codes, user, action):
        return models.Q(province_id__in=codes)


class Achievement(Versioned, TimeStamped):
    """What a collective or an individual achieved for the clusters of a province, over a period."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    recipient_kind = models.CharField(_("collective or individual"), max_length=12, choices=RecipientKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        help_text=_("The registered organisation (the collective, or the individual's employer), if any."),
    )
    unit = models.CharField(
        _("collective or unit"), max_length=300, help_text=_("As written: the collective, or the individual's unit.")
    )
    person_name = models.CharField(_("full name"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    description = models.TextField(_("achievement"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    clusters = models.ManyToManyField(
        Cluster, verbose_name=_("clusters concerned"), blank=True, related_name="achievements"
    )
    evidence = models.ManyToManyField(Document, verbose_name=_("evidence"), blank=True, related_name="+")
    search_text = models.TextField(editable=False, blank=True)

    history = history(m2m_fields=("clusters", "evidence"))
    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="awards_achievement_period_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient_kind=RecipientKind.COLLECTIVE) | ~models.Q(person_name=""),
                name="awards_individual_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient_kind__in=RecipientKind.values), name="awards_recipient_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.description[:60]}"

    @property
    def recipient(self) -> str:
        if self.recipient_kind == RecipientKind.INDIVIDUAL:
            head = ", ".join(part for part in (self.person_name, self.position) if part)
            return f"{head} ({self.unit})" if self.unit else head
        return self.unit

    @property
    def period(self) -> str:
        return f"{formats.date(self.period_start)} – {formats.date(self.period_end)}"

    def save(self, *args, **kwargs):
        self.search_text = search_words(self.unit, self.person_name, self.position, self.description)
        super().save(*args, **kwargs)


class NominationQuerySet(ScopedQuerySet):
    """Seen by whoever sees its achievement."""

    def scope_q(self, user, action):
        return models.Q(achievement__in=Achievement.objects.restrict(user, action))

    def province_q(self, codes, user, action):
        return models.Q(achievement__province_id__in=codes)


class Nomination(Versioned, TimeStamped):
    """An achievement put forward for a form or title of a year's emulation: drafted, submitted to DoIT,
    then awarded by the DoIT Director, proposed upward (and awarded or refused there), or refused."""

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.PROTECT, related_name="nominations"
    )
    title = models.ForeignKey(AwardTitle, verbose_name=_("form or title"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The emulation year the list is reviewed for."))
    status = models.CharField(
        _("status"), max_length=12, choices=NominationStatus.choices, default=NominationStatus.DRAFTED, editable=False
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    decision = models.ForeignKey(
        Document,
        verbose_name=_("deciding document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at", "-id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        permissions = [("decide_nomination", _("Can award, propose upward or refuse a nomination"))]
        indexes = [
            # the yearly list: one year's nominations by status
            models.Index(fields=["year", "status"], name="awards_nomination_year_idx"),
        ]
        constraints = [
            # One award per achievement.
            models.UniqueConstraint(
                fields=["achievement"],
                condition=models.Q(status=NominationStatus.AWARDED),
                name="awards_one_award_per_achievement",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=NominationStatus.AWARDED) | models.Q(decision__isnull=False),
                name="awards_award_names_its_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NominationStatus.values), name="awards_nomination_status_known"
            ),
            models.CheckConstraint(condition=models.Q(year__gte=1945), name="awards_nomination_year_plausible"),
        ]

    def __str__(self):
        return f"{self.title} — {self.achievement.recipient} ({self.year})"

    def get_absolute_url(self):
        return reverse("awards:nomination_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "#6c757d")


class NominationStatusChange(StatusChangeBase):
    """One step of a nomination's life (`icis.core.lifecycle`); an award's row names its decision."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=NominationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=NominationStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("nomination status change")
        verbose_name_plural = _("nomination status changes")
