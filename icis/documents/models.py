"""The documents behind the facts: decisions, plans, reports, letters; and citations of sources.

A document is identified by its number as written, its year and its issuer: "1292/QĐ-UBND" recurs
across years and issuers, so the number alone identifies nothing.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet, scope_links
from icis.core.text import search_words
from icis.core.uploads import DOCUMENT, UploadField


class DocumentType(models.TextChoices):
    DECISION = "decision", _("Decision")
    PLAN = "plan", _("Plan")
    REPORT = "report", _("Report")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    SUBMISSION = "submission", _("Submission")
    NOTICE = "notice", _("Notice")


class DocumentQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        """Documents linked to a record the user reaches, and general ones linked to nothing.

        The apps that link documents (clusters) register the links (icis.core.scoping.scope_links)."""
        return scope_links.q("documents.Document", user, action)


class Document(Versioned, TimeStamped):
    """A legal or administrative document, kept as evidence for the facts it supports."""

    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=64, help_text=_("As written, e.g. 1292/QĐ-UBND"))
    year = models.PositiveSmallIntegerField(_("year"))
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, help_text=_("e.g. UBND Thành phố Hà Nội"))
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    file = UploadField(
        _("file"),
        upload_to="documents/%Y/",
        blank=True,
        kind=DOCUMENT,
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; checked by content, not by name."),
    )
    search_text = models.TextField(editable=False, blank=True)

    history = history()
    objects = DocumentQuerySet.as_manager()

    class Meta:
        # undated documents after the dated ones of their year on every database (NULLs sort first in a
        # descending order on PostgreSQL, last on SQLite)
        ordering = ["-year", models.F("issued_on").desc(nulls_last=True), "number"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["number", "year", "issuer"], name="documents_number_year_issuer_unique"),
            models.CheckConstraint(condition=models.Q(year__gte=1945), name="documents_year_plausible"),
        ]

    def __str__(self):
        when = formats.date(self.issued_on) if self.issued_on else str(self.year)
        return f"{self.number} ({when}, {self.issuer})"

    def clean(self):
        if self.issued_on and self.year and self.issued_on.year != self.year:
            raise ValidationError(
                {
                    "year": _("The year (%(year)s) does not match the date issued (%(date)s).")
                    % {"year": self.year, "date": formats.date(self.issued_on)}
                }
            )

    def save(self, *args, **kwargs):
        if self.issued_on and not self.year:
            self.year = self.issued_on.year
        self.search_text = search_words(self.number, self.number.replace("/", " "), self.issuer, self.summary)
        super().save(*args, **kwargs)


class Source(TimeStamped):
    """Where a fact comes from: a registered document, or a published article or page."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = history()

    class Meta:
        # undated sources after the dated ones on every database (SQLite sorts NULLs first ascending)
        ordering = [models.F("published_on").asc(nulls_last=True), "id"]
        indexes = [
            # "the sources of this record", on every detail page and API detail
            models.Index(fields=["content_type", "object_id"], name="documents_source_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(document__isnull=True, title="", url=""),
                name="documents_source_names_something",
            ),
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return str(self.document) if self.document_id else (self.title or self.url)
