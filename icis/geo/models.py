"""Administrative units, old and new.

Vietnam abolished districts on 2025-07-01: a province now has commune-level units only. Records
made before then name old districts and communes, so both geographies are kept, each with its
validity dates, and the old → new mapping (`CommuneMerge`) says which new unit took all or part of
each old commune. GSO codes are the natural keys.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.audit import history
from icis.core.text import search_words

REFORM_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = datetime.date(2025, 6, 30)


class Province(models.Model):
    code = models.CharField(_("GSO code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for scale tests; not a real province.")
    )

    history = history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class LegacyDistrict(models.Model):
    """A district as it existed until 2025-06-30."""

    code = models.CharField(_("GSO code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    # The province the district belonged to before 2025-07-01 (e.g. Hà Giang, now part of Tuyên Quang).
    legacy_province_code = models.CharField(_("former province code"), max_length=5, blank=True)
    legacy_province_name = models.CharField(_("former province"), max_length=100, blank=True)
    valid_to = models.DateField(_("valid to"), default=LAST_DAY_BEFORE_REFORM)

    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("legacy district")
        verbose_name_plural = _("legacy districts")

    def __str__(self):
        return self.name


class LegacyCommune(models.Model):
    """A commune, ward or township as it existed until 2025-06-30."""

    code = models.CharField(_("GSO code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(LegacyDistrict, verbose_name=_("legacy district"), on_delete=models.PROTECT)
    valid_to = models.DateField(_("valid to"), default=LAST_DAY_BEFORE_REFORM)

    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("legacy commune")
        verbose_name_plural = _("legacy communes")

    def __str__(self):
        return f"{self.name} ({self.district.name})"

    @property
    def bare_name(self) -> str:
        """The name without its type word: 'Thị trấn Phú Xuyên' → 'Phú Xuyên'."""
        return strip_unit_type(self.name)


class Commune(models.Model):
    """A commune-level unit (xã, phường, đặc khu) in force from 2025-07-01."""

    code = models.CharField(_("GSO code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    valid_from = models.DateField(_("valid from"), default=REFORM_DATE)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Code, name and the names of the old communes, districts and provinces merged into it, folded.
    search_text = models.TextField(editable=False, blank=True)
    legacy_communes = models.ManyToManyField(
        LegacyCommune, through="CommuneMerge", related_name="successors", verbose_name=_("merged from")
    )
    # Decree 32/2024 Art 2.1 sets a 5 ha floor (not 10 ha) for clusters "ở các huyện miền núi". Districts
    # are gone, so the province records which commune-level units are mountainous, with its source.
    mountainous = models.BooleanField(
        _("mountainous area"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Decree 32/2024 Art 2.1: clusters in mountainous areas may be 5–75 ha instead of 10–75 ha. "
            "Blank: not recorded yet."
        ),
    )
    mountainous_source = models.CharField(
        _("source of the mountainous classification"),
        max_length=300,
        blank=True,
        help_text=_("The decision that classifies the unit as mountainous (number, date, issuer)."),
    )

    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        permissions = [("set_mountainous", _("Can record whether a commune is in a mountainous area"))]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old = LegacyCommune.objects.filter(merges__commune_id=self.code).select_related("district")
        names = [part for unit in old for part in (unit.name, unit.district.name, unit.district.legacy_province_name)]
        self.search_text = search_words(self.code, self.name, *dict.fromkeys(names))
        super().save(*args, **kwargs)

    def clean(self):
        if self.mountainous is not None and not self.mountainous_source.strip():
            raise ValidationError(
                {
                    "mountainous_source": _(
                        "Name the decision that classifies %(name)s as mountainous or not (number, date, issuer)."
                    )
                    % {"name": self.name}
                },
                code="source_required",
            )


class MergeType(models.TextChoices):
    FULL = "full", _("whole")
    PARTIAL = "partial", _("part")


class CommuneMerge(models.Model):
    """Which new unit took all (full) or part (partial) of an old commune."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="merges")
    legacy_commune = models.ForeignKey(LegacyCommune, on_delete=models.CASCADE, related_name="merges")
    merge_type = models.CharField(_("merge type"), max_length=8, choices=MergeType.choices)

    history = history()

    class Meta:
        ordering = ["commune_id", "legacy_commune_id"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "legacy_commune"], name="geo_merge_unique_pair"),
        ]
        verbose_name = _("commune merge")
        verbose_name_plural = _("commune merges")

    def __str__(self):
        return f"{self.legacy_commune_id} → {self.commune_id} ({self.merge_type})"


UNIT_TYPE_WORDS = ("Thị trấn ", "Phường ", "Xã ", "Đặc khu ", "Quận ", "Huyện ", "Thị xã ", "Thành phố ", "Tỉnh ")


def strip_unit_type(name: str) -> str:
    for word in UNIT_TYPE_WORDS:
        if name.startswith(word):
            return name[len(word) :]
    return name


class AreaUnit(models.TextChoices):
    """The unit the Decree 32 Art 8.2c occupancy test of an establishment is computed over."""

    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune-level unit")
    LEGACY_DISTRICT = "legacy_district", _("Former district")


class ProvinceSettings(models.Model):
    """What differs from province to province, kept as data and edited by the province's administrator
    (docs/provinces.md). A blank field means the default named in its help text."""

    province = models.OneToOneField(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, primary_key=True, related_name="settings"
    )
    briefing_parent = models.CharField(
        _("briefing header: parent body"),
        max_length=200,
        blank=True,
        help_text=_("Above the issuer, in capitals. Blank: UBND and the province's name."),
    )
    briefing_issuer = models.CharField(
        _("briefing header: issuer"), max_length=200, blank=True, help_text=_("Blank: SỞ CÔNG THƯƠNG.")
    )
    briefing_place = models.CharField(
        _("place written before the date"),
        max_length=100,
        blank=True,
        help_text=_("Blank: the province's name without 'Tỉnh' or 'Thành phố'."),
    )
    form04_sender = models.CharField(
        _("Form 04: reporting unit"),
        max_length=300,
        blank=True,
        help_text=_("Blank: Sở Công Thương and the province's name."),
    )
    form04_recipients = models.CharField(
        _("Form 04: recipients"),
        max_length=500,
        blank=True,
        help_text=_("Blank: the province's People's Committee and MoIT (Cục Công Thương địa phương)."),
    )
    form03_recipients = models.CharField(
        _("Form 03: recipients"),
        max_length=500,
        blank=True,
        help_text=_("Blank: the province's People's Committee and its Department of Industry and Trade."),
    )
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    establishment_area_unit = models.CharField(
        _("area unit of the establishment gate"),
        max_length=20,
        choices=AreaUnit.choices,
        blank=True,
        help_text=_(
            "Decree 139/2025 Art 12: the province decides the unit the occupancy test is computed over. "
            "Blank: the rule set's."
        ),
    )
    new_clusters_since = models.DateField(
        _("new clusters: established from"),
        null=True,
        blank=True,
        help_text=_(
            "Clusters established from this date must have a compliant wastewater plant (a provincial rule, "
            "e.g. an annual plan's). Blank: the province has no such rule."
        ),
    )
    new_clusters_source = models.CharField(
        _("source of the new-cluster rule"),
        max_length=300,
        blank=True,
        help_text=_("The document that sets the date (number, date, issuer)."),
    )
    enquiry_retention_days = models.PositiveIntegerField(
        _("investment enquiries: keep personal data (days)"),
        null=True,
        blank=True,
        help_text=_(
            "The enquirer's name, company, email, phone and message are erased this many days after the enquiry "
            "(icis/portal). Blank: 365 days."
        ),
    )

    history = history()

    class Meta:
        verbose_name = _("province settings")
        verbose_name_plural = _("province settings")
        permissions = [("change_own_province_settings", _("Can edit the settings of their own province"))]

    def __str__(self):
        return str(self.province)

    def clean(self):
        if self.new_clusters_since is not None and not self.new_clusters_source.strip():
            raise ValidationError(
                {"new_clusters_source": _("Name the document that sets the new-cluster date (number, date, issuer).")},
                code="source_required",
            )

    # The values in force, defaults filled in.
    @property
    def place(self) -> str:
        return self.briefing_place or strip_unit_type(self.province.name)

    @property
    def parent(self) -> str:
        return self.briefing_parent or f"UBND {self.province.name.upper()}"

    @property
    def issuer(self) -> str:
        return self.briefing_issuer or "SỞ CÔNG THƯƠNG"


def province_settings(province) -> ProvinceSettings:
    """The settings of `province` (a Province or its code): the stored row, or an unsaved one of defaults."""
    code = getattr(province, "pk", province)
    found = ProvinceSettings.objects.select_related("province").filter(province_id=code).first()
    if found is not None:
        return found
    if not isinstance(province, Province):
        province = Province.objects.get(pk=code)
    return ProvinceSettings(province=province)
