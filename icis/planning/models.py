"""The cluster development plan (phương án phát triển CCN) and its headline totals.

The registry holds only the clusters named in public sources; the plan says how many there should
be. Dashboards show both side by side.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.documents.models import Document, Source
from icis.geo.models import Province

from .choices import NOT_COUNTED_GROUPS, AmendmentStatus, AreaSourceKind, PlanGroup, TaskStatus


class ProvinceLevelQuerySet(ScopedQuerySet):
    """Rows of a province (plans and their entries): read by everyone signed in within the province
    (national users: every province); `province_path` leads from the row to its province."""

    province_path = "province"

    def scope_q(self, user, action):
        from icis.core.scoping import home_province_code, user_province_codes

        provinces = set(user_province_codes(user)) | {home_province_code(user)}
        return models.Q(**{f"{self.province_path}_id__in": provinces})

    def province_q(self, codes, user, action):
        return models.Q(**{f"{self.province_path}_id__in": codes})


class PlanEntryQuerySet(ProvinceLevelQuerySet):
    province_path = "plan__province"


class DevelopmentPlan(Versioned, TimeStamped):
    """One version of a province's cluster development plan (the original or an amendment). Its totals
    are computed from its entries (`selectors.plan_totals`); `cluster_count` and `area_ha` are the
    figures as the approving document states them, shown beside the computed ones."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=300)
    document = models.ForeignKey(
        Document, verbose_name=_("approving document"), on_delete=models.PROTECT, null=True, blank=True
    )
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    vision_year = models.PositiveSmallIntegerField(_("vision year"), null=True, blank=True)
    cluster_count = models.PositiveIntegerField(
        _("clusters as the document states"), null=True, blank=True, help_text=_("Blank when the document gives none.")
    )
    area_ha = models.DecimalField(
        _("area as the document states (ha)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Blank when the document gives none."),
    )
    is_current = models.BooleanField(_("current version"), default=True)
    amends = models.ForeignKey(
        "self", verbose_name=_("amends"), on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    from_amendment = models.ForeignKey(
        "PlanAmendment",
        verbose_name=_("made by approving"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        help_text=_("The approved amendment this version was made from."),
    )
    notes = models.TextField(_("notes"), blank=True)

    sources = GenericRelation(Source)
    history = history()
    objects = ProvinceLevelQuerySet.as_manager()

    class Meta:
        ordering = ["province", "-is_current", "-horizon_year"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [
            models.UniqueConstraint(
                fields=["province"], condition=models.Q(is_current=True), name="planning_one_current_plan"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("planning:version", args=[self.pk])


class PlanEntry(Versioned, models.Model):
    """A cluster as one plan version lists it: its group in the version (kept, area changed, withdrawn,
    added, brought forward, deferred beyond the horizon), name, planned area, phase and sectors. One entry
    per cluster and version. Membership is not the lifecycle: withdrawing an entry never changes the
    cluster's status."""

    plan = models.ForeignKey(DevelopmentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="entries")
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_entries",
        help_text=_("Empty while the planned cluster is not yet in the registry."),
    )
    name = models.CharField(_("name in the plan"), max_length=200)
    planned_area_ha = models.DecimalField(
        _("planned area (ha)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    phase = models.CharField(_("phase"), max_length=40, blank=True, help_text=_("e.g. to 2020, 2021–2030"))
    sectors = models.CharField(_("sectors"), max_length=300, blank=True)
    is_expansion = models.BooleanField(_("expansion of an existing cluster"), default=False)
    group = models.CharField(
        _("group in this version"), max_length=20, choices=PlanGroup.choices, default=PlanGroup.KEPT
    )

    history = history()
    objects = PlanEntryQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "name"]
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "cluster"], condition=models.Q(cluster__isnull=False), name="planning_entry_once"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_area_ha__isnull=True) | models.Q(planned_area_ha__gte=0),
                name="planning_entry_area_positive",
            ),
        ]

    def __str__(self):
        return f"{self.plan}: {self.name}"

    @property
    def counted(self) -> bool:
        return self.group not in NOT_COUNTED_GROUPS


class AreaStatement(TimeStamped):
    """A cluster's area as one document states it. The plan, the establishment decision and the
    detailed 1/500 plan often disagree: each is kept with its source and disagreements are shown."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="area_statements"
    )
    kind = models.CharField(_("stated in"), max_length=20, choices=AreaSourceKind.choices)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=10, decimal_places=4, null=True, blank=True)
    industrial_land_ha = models.DecimalField(
        _("industrial land (ha)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    investment_bn_vnd = models.DecimalField(
        _("total investment (VND bn)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = history()

    class Meta:
        ordering = ["cluster", "kind", "-created_at"]
        verbose_name = _("area statement")
        verbose_name_plural = _("area statements")
        constraints = [
            models.CheckConstraint(condition=models.Q(area_ha__gte=0), name="planning_statement_area_positive"),
        ]

    def __str__(self):
        return f"{self.cluster}: {self.get_kind_display()} {self.area_ha} ha"


class AmendmentQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        reach = models.Q(clusters__in=Cluster.objects.restrict(user, action))
        if user.organisation_id:
            reach |= models.Q(proposed_by_id=user.organisation_id)
        return models.Q(pk__in=PlanAmendment.objects.filter(reach).values("pk"))

    def province_q(self, codes, user, action):
        return models.Q(plan__province_id__in=codes)


class PlanAmendment(Versioned, TimeStamped):
    """A proposal to add clusters to (or change) the development plan, e.g. the eight of 2024."""

    title = models.CharField(_("title"), max_length=300)
    plan = models.ForeignKey(
        DevelopmentPlan, verbose_name=_("plan amended"), on_delete=models.PROTECT, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        Organisation, verbose_name=_("proposed by"), on_delete=models.PROTECT, null=True, blank=True
    )
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters proposed"), related_name="plan_amendments")
    status = models.CharField(
        _("status"), max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFTED, editable=False
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    decision = models.ForeignKey(
        Document, verbose_name=_("decision"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan amendment")
        verbose_name_plural = _("plan amendments")
        permissions = [("approve_plan", _("Can record the approval or rejection of a plan amendment"))]

    def __str__(self):
        return self.title


class AmendmentChangeQuerySet(ScopedQuerySet):
    """A change row is seen by whoever sees its amendment; province-wide users: their provinces'."""

    def scope_q(self, user, action):
        return models.Q(amendment__in=PlanAmendment.objects.restrict(user, action))

    def province_q(self, codes, user, action):
        return models.Q(amendment__plan__province_id__in=codes)


class AmendmentChange(Versioned, models.Model):
    """What an amendment does to one cluster of the plan it amends (area changed, withdrawn, brought
    forward, deferred, added with its area): applied to the next version when the amendment is
    approved. Clusters proposed without a change row are added with their planned area. Kept while the
    amendment is open (not yet approved or rejected)."""

    amendment = models.ForeignKey(
        PlanAmendment, verbose_name=_("plan amendment"), on_delete=models.CASCADE, related_name="changes"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="plan_amendment_changes"
    )
    group = models.CharField(_("group in the new version"), max_length=20, choices=PlanGroup.choices)
    planned_area_ha = models.DecimalField(
        _("planned area (ha)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    phase = models.CharField(_("phase"), max_length=40, blank=True)

    history = history()
    objects = AmendmentChangeQuerySet.as_manager()

    class Meta:
        ordering = ["amendment", "id"]
        verbose_name = _("amendment change")
        verbose_name_plural = _("amendment changes")
        constraints = [models.UniqueConstraint(fields=["amendment", "cluster"], name="planning_change_once")]

    def __str__(self):
        return f"{self.amendment}: {self.cluster} ({self.get_group_display()})"


class AmendmentEvent(StatusChangeBase):
    """One step of an amendment's procedure, with its document (the shape every lifecycle shares:
    `icis.core.lifecycle.StatusChangeBase`; the step's note is its `reason`)."""

    amendment = models.ForeignKey(PlanAmendment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=20, choices=AmendmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=AmendmentStatus.choices)
    effective_on = models.DateField(_("date"))
    reason = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["amendment", "effective_on", "id"]

    def __str__(self):
        return f"{self.amendment}: {self.to_status} ({self.effective_on})"

    # The names pages used before the shared shape.
    @property
    def on(self):
        return self.effective_on

    @property
    def note(self):
        return self.reason


class AnnualPlan(Versioned, TimeStamped):
    """A province's plan for a year of managing and developing its clusters."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=64, blank=True, help_text=_("Blank when not known."))
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT, null=True, blank=True)
    needs_verification = models.BooleanField(_("needs verification"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    sources = GenericRelation(Source)
    history = history()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")

    def __str__(self):
        return self.title


class Target(models.Model):
    """A target of an annual plan, measured live from the registry by its indicator."""

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=60, help_text=_("Key of a measurable indicator."))
    label = models.CharField(_("target as the plan words it"), max_length=300)
    target_min = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    target_max = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30, default="clusters")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = history()

    # The units a target is counted in, as stored, and how a page names them ("clusters" is a code).
    UNIT_LABELS = {"clusters": _("clusters"), "ha": "ha"}

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_min__isnull=True)
                | models.Q(target_max__isnull=True)
                | models.Q(target_max__gte=models.F("target_min")),
                name="planning_target_range_ordered",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def unit_label(self) -> str:
        return str(self.UNIT_LABELS.get(self.unit, self.unit))


class TaskQuerySet(ScopedQuerySet):
    """An annual plan is read by everyone signed in within its province; only the task's lead
    organisation acts on it."""

    def _acting(self, user, action):
        if action == "view":
            return models.Q()
        return models.Q(lead_organisation_id=user.organisation_id) if user.organisation_id else models.Q(pk__in=[])

    def scope_q(self, user, action):
        from icis.core.scoping import home_province_code, user_province_codes

        provinces = user_province_codes(user) or (home_province_code(user),)
        return models.Q(plan__province_id__in=provinces) & self._acting(user, action)

    def province_q(self, codes, user, action):
        return models.Q(plan__province_id__in=codes) & self._acting(user, action)


class Task(Versioned, models.Model):
    """A task of an annual plan, with its lead and coordinating agencies."""

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=400)
    lead = models.CharField(_("lead agency"), max_length=200)
    coordinating = models.CharField(_("coordinating agencies"), max_length=400, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    lead_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        help_text=_("Its officers record the task's progress."),
    )
    coordinating_organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("coordinating organisations"),
        blank=True,
        related_name="coordinated_tasks",
    )

    history = history()
    objects = TaskQuerySet.as_manager()

    class Meta:
        # tasks without a deadline after the others on every database (SQLite sorts NULLs first ascending)
        ordering = ["plan", models.F("due_on").asc(nulls_last=True), "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        return self.due_on is not None and self.due_on < today and self.status != TaskStatus.DONE


class TaskUpdate(models.Model):
    """Progress recorded on a plan task by its lead agency: the status from that day, what was done,
    and the document that shows it."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices)
    note = models.TextField(_("progress"))
    evidence = models.ForeignKey(
        Document, verbose_name=_("evidence"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["task", "-on", "-id"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")

    def __str__(self):
        return f"{self.task}: {self.get_status_display()} ({formats.date(self.on)})"
