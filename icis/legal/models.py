"""Legal gates as data: a rule set per legal text, with its effective dates; rules with parameters.

An amending decree is a new rule set (new thresholds, new or dropped rules) with its own effective
date, not a code change. The checks that rules name are generic functions in `checks.py`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.audit import history
from icis.documents.models import Document
from icis.geo.models import AreaUnit  # noqa: F401  (the province's choice: geo.ProvinceSettings)


class Action(models.TextChoices):
    ESTABLISH = "establish", _("Establish a cluster")
    EXPAND = "expand", _("Expand a cluster")


class RuleSet(models.Model):
    """The gates of one legal text (e.g. Decree 32/2024/NĐ-CP Art 8), in force between two dates."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    document = models.ForeignKey(
        Document, verbose_name=_("legal text"), on_delete=models.PROTECT, null=True, blank=True
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    area_unit = models.CharField(
        _("area unit for the occupancy test"),
        max_length=20,
        choices=AreaUnit.choices,
        default=AreaUnit.PROVINCE,
        help_text=_("Decree 139/2025 Art 12: the province decides the unit the occupancy test is computed over."),
    )
    is_verified = models.BooleanField(_("checked against the legal text"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    history = history()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self):
        return self.title


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="rules")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    code = models.CharField(_("code"), max_length=60, help_text=_("e.g. Art 8.2a"))
    check_name = models.CharField(_("check"), max_length=40, help_text=_("Name of the check function (checks.py)."))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    citation = models.CharField(
        _("article and clause"),
        max_length=200,
        blank=True,
        help_text=_("In Vietnamese, as the text numbers it, e.g. 'Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2 điểm c'."),
    )
    title = models.CharField(_("what it requires"), max_length=300)
    quote = models.TextField(_("words of the legal text"), blank=True, help_text=_("Quoted, not paraphrased."))
    order = models.PositiveSmallIntegerField(default=0)

    history = history()

    class Meta:
        ordering = ["rule_set", "action", "order"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [models.UniqueConstraint(fields=["rule_set", "action", "code"], name="legal_rule_code_once")]

    def __str__(self):
        return f"{self.code}: {self.title}"
