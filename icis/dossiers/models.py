"""Establishment and expansion dossiers (Decree 32/2024 Art 10, 13), the working-day calendar their
deadlines are counted in, and the investor-selection scores."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster, ClusterExpansion
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.documents.models import Document

from .choices import DossierKind, Outcome
from .ladder import LAST_STEP

SCORE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class HolidayKind(models.TextChoices):
    """Why a weekday is off. The fixed-date holidays (1/1, 30/4, 1/5, 2/9) are generated from the Labour
    Code for any year; the others are known only from each year's decisions, so they are data."""

    FIXED = "fixed", _("fixed-date holiday")
    TET = "tet", _("Lunar New Year (Tết)")
    HUNG_KINGS = "hung_kings", _("Hùng Kings' Commemoration")
    NATIONAL_DAY_ADJACENT = "national_day_adjacent", _("day next to National Day")
    SWAP = "swap", _("swapped day off")
    COMPENSATION = "compensation", _("day off in lieu")
    OTHER = "other", _("other")


class PublicHoliday(TimeStamped):
    """A day state bodies do not work although it is a weekday: a statutory holiday (Labour Code
    2019 Art 112) or a day off the Prime Minister grants or swaps for a given year."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=HolidayKind.choices, default=HolidayKind.OTHER)
    source = models.CharField(
        _("source"), max_length=500, help_text=_("The law or the announcement that makes it a day off.")
    )
    confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Unconfirmed days are not counted as days off; deadlines near them carry a warning."),
    )
    note = models.TextField(_("note"), blank=True)

    history = history()

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{formats.date(self.date)} {self.name}"


class WorkingDayOverride(TimeStamped):
    """A weekend day made a working day, usually to make up for a swapped day off."""

    date = models.DateField(_("date"), unique=True)
    decision = models.CharField(_("decision"), max_length=500, help_text=_("The decision that makes it a working day."))
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed = models.BooleanField(_("confirmed"), default=True)
    note = models.TextField(_("note"), blank=True)

    history = history()

    class Meta:
        ordering = ["date"]
        verbose_name = _("working weekend day")
        verbose_name_plural = _("working weekend days")

    def __str__(self):
        return f"{formats.date(self.date)} {self.decision}"

    def clean(self):
        if self.date and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "date": _("%(date)s is a weekday: only a Saturday or Sunday can be made a working day.")
                    % {"date": formats.date(self.date)}
                }
            )


class ScoringScheme(TimeStamped):
    """The investor-selection scoring a legal text sets (Decree 32/2024 Art 13.2: infrastructure
    option 15, environmental plan 15, capacity and experience 30, financial plan 40; 50 qualifies).
    A new text is a new scheme with its own effective dates, not a code change."""

    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True, help_text=_("Blank: still in force."))
    infrastructure_max = models.DecimalField(_("infrastructure option: maximum"), **SCORE)
    environment_max = models.DecimalField(_("environmental management plan: maximum"), **SCORE)
    capacity_max = models.DecimalField(_("capacity and experience: maximum"), **SCORE)
    financial_max = models.DecimalField(_("financial plan: maximum"), **SCORE)
    pass_mark = models.DecimalField(_("qualifying total"), **SCORE)

    history = history()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=models.F("effective_from")),
                name="dossiers_scheme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    pass_mark__lte=models.F("infrastructure_max")
                    + models.F("environment_max")
                    + models.F("capacity_max")
                    + models.F("financial_max")
                ),
                name="dossiers_scheme_pass_mark_reachable",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def total_max(self) -> Decimal:
        return self.infrastructure_max + self.environment_max + self.capacity_max + self.financial_max


class ProcedureVersion(TimeStamped):
    """The deadlines of the establishment and expansion procedure as one legal text sets them
    (Decree 32/2024 Art 10), in force from a date. An amending decree is a new version entered as data
    (administration or a data migration), never a code change; a dossier follows the version in force
    on the day it was opened."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    document = models.ForeignKey(
        Document, verbose_name=_("legal text"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Blank: still in force."))
    is_verified = models.BooleanField(_("checked against the legal text"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    history = history()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("procedure deadline version")
        verbose_name_plural = _("procedure deadline versions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=models.F("effective_from")),
                name="dossiers_procedure_ends_after_start",
            ),
            models.UniqueConstraint(fields=["effective_from"], name="dossiers_procedure_one_per_start"),
        ]

    def __str__(self):
        return self.title


class Anchor(models.TextChoices):
    OPENED = "opened", _("the investor's first letter (dossier opened)")
    COMPLETE = "complete", _("the complete dossier received by DoIT")
    STEP = "step", _("an earlier step")


class DayUnit(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("days")


MAX_LEG_DAYS = 366


class ProcedureDeadline(models.Model):
    """One step's legal deadline in a version: legs of days counted one after the other from an
    anchor ("15 days, then 5 working days"), with the words of the rule in both languages."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="deadlines"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    anchor = models.CharField(_("counted from"), max_length=10, choices=Anchor.choices)
    anchor_step = models.PositiveSmallIntegerField(
        _("anchor step"), null=True, blank=True, help_text=_("When counted from an earlier step: its number.")
    )
    legs = models.JSONField(
        _("periods"),
        help_text=_('One after the other, e.g. [{"days": 15, "unit": "calendar"}, {"days": 5, "unit": "working"}].'),
    )
    basis = models.CharField(_("legal basis"), max_length=300, help_text=_("Article and clause, in Vietnamese."))
    text_vi = models.CharField(
        _("rule in Vietnamese"),
        max_length=400,
        help_text=_("{date}: the anchor's date; {mid}: end of the first period."),
    )
    text_en = models.CharField(_("rule in English"), max_length=400)

    history = history()

    class Meta:
        ordering = ["version", "step"]
        verbose_name = _("procedure deadline")
        verbose_name_plural = _("procedure deadlines")
        constraints = [
            models.UniqueConstraint(fields=["version", "step"], name="dossiers_deadline_once_per_step"),
            models.CheckConstraint(
                condition=models.Q(step__gte=1) & models.Q(step__lte=LAST_STEP), name="dossiers_deadline_step_on_ladder"
            ),
            models.CheckConstraint(
                condition=(models.Q(anchor="step") & models.Q(anchor_step__isnull=False))
                | (~models.Q(anchor="step") & models.Q(anchor_step__isnull=True)),
                name="dossiers_deadline_anchor_step_iff_step",
            ),
        ]

    def __str__(self):
        return f"{self.version.code} · {self.step}: {self.basis}"

    def clean(self):
        errors = {}
        if self.anchor == Anchor.STEP and self.anchor_step is not None and self.step is not None:
            if not 1 <= self.anchor_step < self.step:
                errors["anchor_step"] = _("The anchor step must be an earlier step (1 to %(last)s).") % {
                    "last": self.step - 1
                }
        if self.anchor == Anchor.STEP and self.anchor_step is None:
            errors["anchor_step"] = _("Give the number of the step the deadline is counted from.")
        if self.anchor != Anchor.STEP and self.anchor_step is not None:
            errors["anchor_step"] = _("Only a deadline counted from an earlier step names an anchor step.")
        problem = legs_problem(self.legs)
        if problem:
            errors["legs"] = problem
        for field in ("text_vi", "text_en"):
            try:
                (getattr(self, field) or "").format(date="", mid="")
            except (KeyError, IndexError, ValueError):
                errors[field] = _("Only {date} and {mid} may appear between braces.")
        if errors:
            raise ValidationError(errors, code="invalid")


def legs_problem(legs) -> str:
    """What is wrong with a list of periods, or "" when it is well formed."""
    if not isinstance(legs, list) or not legs:
        return _('Give at least one period as a list of {"days": N, "unit": "working" or "calendar"}.')
    for number, leg in enumerate(legs, start=1):
        if not isinstance(leg, dict) or set(leg) != {"days", "unit"}:
            return _("Period %(n)s must have exactly the keys 'days' and 'unit'.") % {"n": number}
        days = leg["days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_LEG_DAYS:
            return _("Period %(n)s: days must be a whole number from 1 to %(max)s.") % {
                "n": number,
                "max": MAX_LEG_DAYS,
            }
        if leg["unit"] not in DayUnit.values:
            return _("Period %(n)s: unit must be 'working' or 'calendar'.") % {"n": number}
    return ""


class DossierQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(cluster__in=Cluster.objects.restrict(user, action))


class Dossier(Versioned, TimeStamped):
    """A cluster's establishment or expansion dossier: opened by an investor's first letter to the
    commune, it climbs the ladder of `ladder.LADDER` up to the province's decision."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="dossiers")
    kind = models.CharField(_("kind"), max_length=12, choices=DossierKind.choices)
    expansion = models.ForeignKey(
        ClusterExpansion,
        verbose_name=_("expansion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        help_text=_("For an expansion dossier: the expansion it asks for."),
    )
    opened_on = models.DateField(
        _("first investor letter received on"),
        help_text=_("Decree 32 Art 10.1: the commune announces it takes dossiers within 5 working days of this."),
    )
    complete_on = models.DateField(
        _("complete dossier received by DoIT on"),
        null=True,
        blank=True,
        help_text=_(
            "DoIT's 25 days run from this day (time to supplement the dossier does not count). "
            "Blank: the date of the commune's submission (step 3)."
        ),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    chair_choice = models.ForeignKey(
        "Applicant",
        verbose_name=_("chair's choice among tied applicants"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair_note = models.TextField(_("chair's decision"), blank=True)
    chair_document = models.ForeignKey(
        Document,
        verbose_name=_("document of the chair's decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, null=True, blank=True
    )

    history = history()
    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            # the open-dossiers list: outcome "" first, newest first
            models.Index(fields=["outcome", "opened_on"], name="dossiers_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind=DossierKind.ESTABLISH) & models.Q(expansion__isnull=True))
                | (models.Q(kind=DossierKind.EXPAND) & models.Q(expansion__isnull=False)),
                name="dossiers_expansion_only_for_expand",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=DossierKind.values), name="dossiers_kind_known"),
            models.CheckConstraint(condition=models.Q(outcome__in=Outcome.values), name="dossiers_outcome_known"),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="dossiers_closed_after_opened",
            ),
            # One live establishment dossier per cluster, one live dossier per expansion.
            models.UniqueConstraint(
                fields=["cluster"],
                condition=models.Q(kind=DossierKind.ESTABLISH)
                & ~models.Q(outcome__in=[Outcome.REFUSED, Outcome.WITHDRAWN]),
                name="dossiers_one_live_establishment",
            ),
            models.UniqueConstraint(
                fields=["expansion"],
                condition=~models.Q(outcome__in=[Outcome.REFUSED, Outcome.WITHDRAWN]),
                name="dossiers_one_live_per_expansion",
            ),
        ]

    def __str__(self):
        return _("%(kind)s dossier of %(cluster)s (%(date)s)") % {
            "kind": self.get_kind_display(),
            "cluster": self.cluster.name,
            "date": formats.date(self.opened_on),
        }

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN


class DossierStatusChange(StatusChangeBase):
    """How a dossier ended: from open to the decision's outcome (step 10) or to refused or withdrawn
    (`choices.DOSSIER_LIFECYCLE`, `icis.core.lifecycle`)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Outcome.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Outcome.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("dossier status change")
        verbose_name_plural = _("dossier status changes")


class DossierStepQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(dossier__in=Dossier.objects.restrict(user, action))


class DossierStep(TimeStamped):
    """One rung reached, proved by its document. Records are never edited: a correction or a
    replaced document is a new record of the same step that names the one it amends."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(_("step"))
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="dossier_steps"
    )
    date = models.DateField(_("date"), help_text=_("The document's date unless the step happened on another day."))
    amends = models.OneToOneField(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        help_text=_("The earlier record of the same step this one corrects or replaces."),
    )
    skip_reason = models.TextField(
        _("why steps were skipped"),
        blank=True,
        help_text=_("Needed when a record jumps over steps (e.g. an older dossier not digitised)."),
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True
    )

    history = history()
    objects = DossierStepQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "step", "id"]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        permissions = [("record_any_step", _("Can record any step of a dossier (not only the commune's steps)"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(step__gte=1) & models.Q(step__lte=LAST_STEP), name="dossiers_step_on_ladder"
            ),
            # A step is reached once; everything after that is an amendment naming what it amends.
            models.UniqueConstraint(
                fields=["dossier", "step"],
                condition=models.Q(amends__isnull=True),
                name="dossiers_step_once_unless_amendment",
            ),
        ]

    def __str__(self):
        return _("step %(step)s: %(document)s") % {"step": self.step, "document": self.document.number}


class ApplicantQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(dossier__in=Dossier.objects.restrict(user, action))


SCORE_FIELDS = ("infrastructure", "environment", "capacity", "financial")


def _within(field: str) -> models.Q:
    return models.Q(**{f"{field}_score__isnull": True}) | (
        models.Q(**{f"{field}_score__gte": 0}) & models.Q(**{f"{field}_score__lte": models.F(f"{field}_max")})
    )


class Applicant(Versioned, TimeStamped):
    """An enterprise, cooperative or organisation that asks to be the cluster's infrastructure
    investor, with the council's four scores (Decree 32 Art 13.2).

    The row keeps the maxima of the scheme it was scored under, so the database itself refuses a
    score out of range whatever scheme applies."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="applicants")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="dossier_applications"
    )
    scheme = models.ForeignKey(
        ScoringScheme, verbose_name=_("scoring scheme"), on_delete=models.PROTECT, related_name="applicants"
    )
    infrastructure_score = models.DecimalField(_("infrastructure option"), null=True, blank=True, **SCORE)
    environment_score = models.DecimalField(_("environmental management plan"), null=True, blank=True, **SCORE)
    capacity_score = models.DecimalField(_("capacity and experience"), null=True, blank=True, **SCORE)
    financial_score = models.DecimalField(_("financial plan"), null=True, blank=True, **SCORE)
    infrastructure_max = models.DecimalField(editable=False, **SCORE)
    environment_max = models.DecimalField(editable=False, **SCORE)
    capacity_max = models.DecimalField(editable=False, **SCORE)
    financial_max = models.DecimalField(editable=False, **SCORE)
    note = models.TextField(_("note"), blank=True)

    history = history()
    objects = ApplicantQuerySet.as_manager()

    SCORE_FIELDS = SCORE_FIELDS

    class Meta:
        ordering = ["dossier", "organisation__name"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "organisation"], name="dossiers_applicant_once"),
            *(models.CheckConstraint(condition=_within(f), name=f"dossiers_{f}_score_in_range") for f in SCORE_FIELDS),
        ]

    def __str__(self):
        return self.organisation.name

    def clean(self):
        errors = {}
        for field in self.SCORE_FIELDS:
            value, cap = getattr(self, f"{field}_score"), getattr(self, f"{field}_max")
            # Below 0 is the field's own validator; above the scheme's maximum is checked here.
            if value is not None and cap is not None and value > cap:
                errors[f"{field}_score"] = ValidationError(
                    _("%(label)s is scored from 0 to %(max)s; %(value)s is out of range.")
                    % {"label": self._meta.get_field(f"{field}_score").verbose_name, "max": cap, "value": value},
                    code="out_of_range",
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_scored(self) -> bool:
        return all(getattr(self, f"{field}_score") is not None for field in self.SCORE_FIELDS)

    @property
    def total(self) -> Decimal | None:
        if not self.is_scored:
            return None
        return sum((getattr(self, f"{field}_score") for field in self.SCORE_FIELDS), Decimal("0"))

    @property
    def qualifies(self) -> bool | None:
        total = self.total
        return None if total is None else total >= self.scheme.pass_mark


class DraftTemplate(Versioned, TimeStamped):
    """The wording of a draft official document for one step of the procedure, as data a province
    adjusts (admin). `{name}` placeholders are filled from the record (see icis/dossiers/drafts.py);
    the layout (Decree 30/2020: issuing body, national motto, number, place and date, title, body,
    recipients, signature) is the generator's."""

    step = models.PositiveSmallIntegerField(_("step"))
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the default for every province."),
    )
    issuer = models.CharField(
        _("issuing body"),
        max_length=300,
        help_text=_("Upper lines of the header; fields such as {province} are filled."),
    )
    kind_title = models.CharField(
        _("document title"), max_length=120, help_text=_("e.g. TỜ TRÌNH, CÔNG VĂN, THÔNG BÁO")
    )
    number_suffix = models.CharField(_("number suffix"), max_length=40, blank=True, help_text=_("e.g. TTr-UBND"))
    subject = models.CharField(_("subject (V/v)"), max_length=400)
    addressee = models.CharField(_("addressed to (Kính gửi)"), max_length=400, blank=True)
    body = models.TextField(
        _("body"), help_text=_("Paragraphs separated by a blank line; fields such as {cluster} are filled.")
    )
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    source = models.CharField(_("source of the wording"), max_length=300, blank=True)

    history = history()

    class Meta:
        # a province's own template before the general one on every database (SQLite sorts NULLs first)
        ordering = ["step", models.F("province__code").asc(nulls_last=True)]
        verbose_name = _("draft template")
        verbose_name_plural = _("draft templates")
        constraints = [
            models.UniqueConstraint(fields=["step", "province"], name="dossiers_draft_template_once"),
            models.UniqueConstraint(
                fields=["step"], condition=models.Q(province__isnull=True), name="dossiers_draft_template_default_once"
            ),
        ]

    def __str__(self):
        return f"{self.step}. {self.kind_title}: {self.subject}"
