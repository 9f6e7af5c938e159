"""The nomination list's table (django-tables2 on icis.core.tables): the page and its exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from icis.core.tables import DateColumn, Table

from .models import Nomination


class NominationTable(Table):
    year = tables.Column(verbose_name=_("Year"))
    recipient = tables.Column(accessor="achievement__recipient", verbose_name=_("Nominee"))
    recipient_kind = tables.Column(accessor="achievement__get_recipient_kind_display", verbose_name=_("Kind"))
    title = tables.Column(verbose_name=_("Form or title"))
    achievement = tables.Column(accessor="achievement__description", verbose_name=_("Achievement"))
    clusters = tables.Column(accessor="pk", verbose_name=_("Clusters concerned"), default="—")
    province = tables.Column(accessor="achievement__province__name", verbose_name=_("Province"))
    status = tables.TemplateColumn(
        '{% include "includes/status_badge.html" with colour=record.status_colour'
        " label=record.get_status_display status=record.status %}",
        verbose_name=_("Status"),
    )
    decision = tables.Column(verbose_name=_("Deciding document"), default="—", attrs={"td": {"class": "small"}})
    awarded_on = DateColumn(verbose_name=_("Awarded on"), default="—")

    class Meta(Table.Meta):
        model = Nomination
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "nomination-table"}
        empty_text = _("No nomination matches these filters.")

    def render_recipient(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("awards:nomination_detail", args=[record.pk]), value)

    def render_achievement(self, value):
        return value if len(value) <= 120 else f"{value[:117]}…"

    def render_clusters(self, record):
        return ", ".join(cluster.name for cluster in record.achievement.clusters.all()) or "—"

    def value_recipient(self, value):
        return value

    def value_achievement(self, value):
        return value

    def value_clusters(self, record):
        return ", ".join(cluster.name for cluster in record.achievement.clusters.all())

    def value_status(self, record):
        return record.get_status_display()
