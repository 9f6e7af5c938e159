import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from icis.core.tables import AreaColumn, Table

from .choices import CommuneBasis
from .models import Cluster


class ClusterTable(Table):
    """The cluster list; columns named as the FilterSet's `ordering` values are sortable."""

    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("Name"))
    status = tables.TemplateColumn(
        '{% include "includes/status_badge.html" with colour=record.status_colour '
        "label=record.get_status_display status=record.status %}",
        verbose_name=_("Status"),
    )
    legacy_district = tables.Column(verbose_name=_("Legacy district"))
    communes = tables.Column(accessor="pk", verbose_name=_("Communes (since 01/07/2025)"))
    area_ha = AreaColumn(verbose_name=_("Area (ha)"))
    flags = tables.Column(accessor="pk", verbose_name="", exclude_from_export=True)

    class Meta(Table.Meta):
        model = Cluster
        fields = ()
        attrs = {"class": "table table-hover table-sm align-middle", "id": "cluster-table"}
        empty_text = _("No cluster matches these filters.")

    def render_name(self, value, record):
        link = format_html(
            '<a href="{}" class="cluster-link">{}</a>', reverse("clusters:cluster_detail", args=[record.pk]), value
        )
        if record.name_ascii:
            return format_html('{}<div class="small text-muted">{}</div>', link, record.name_ascii)
        return link

    def value_name(self, value):
        return value

    def render_communes(self, record):
        links = list(record.commune_links.all())
        if not links:
            return format_html('<span class="text-muted">{}</span>', _("not known"))
        suggested = format_html(
            ' <span class="badge text-bg-warning" title="{}">?</span>', _("Suggested from the name; to verify")
        )
        rows = ((link.commune.name, suggested if link.basis == CommuneBasis.SUGGESTED else "") for link in links)
        return format_html_join(", ", "{}{}", rows)

    def value_communes(self, record):
        return ", ".join(
            f"{link.commune.name}{' (?)' if link.basis == CommuneBasis.SUGGESTED else ''}"
            for link in record.commune_links.all()
        )

    def render_flags(self, record):
        badges = []
        if record.needs_verification:
            badges.append(("warning", _("to verify")))
        if record.is_synthetic:
            badges.append(("secondary", _("synthetic")))
        return format_html_join("", '<span class="badge text-bg-{}">{}</span>', badges) if badges else ""
