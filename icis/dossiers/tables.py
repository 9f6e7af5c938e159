"""The dossier list's table (django-tables2 on icis.core.tables): the page and its exports.

Rows carry `.state` (selectors.with_states): the list view sets it for the page, the export for all."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from icis.core.tables import DateColumn, Table

from .models import Dossier


def _step(step) -> str:
    return f"{step.number}. {step.step.title}" if step else ""


class DossierTable(Table):
    cluster = tables.Column(accessor="cluster__name", verbose_name=_("Cluster"))
    code = tables.Column(accessor="cluster__code", verbose_name=_("Code"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    opened_on = DateColumn(verbose_name=_("Opened"))
    current = tables.TemplateColumn(
        "{% with s=record.state %}{% if s.current %}{{ s.current.number }}. {{ s.current.step.title }}"
        '<div class="small text-muted">{{ s.current_record.document.number }} · '
        '{{ s.current_record.date|date:"d/m/Y" }}</div>{% else %}<span class="text-muted">—</span>{% endif %}'
        "{% endwith %}",
        accessor="pk",
        verbose_name=_("Current step"),
    )
    next = tables.TemplateColumn(
        "{% with s=record.state %}{% if s.next %}{{ s.next.number }}. {{ s.next.step.title }}"
        '<div class="small text-muted">{{ s.next.step.document_type_label }}</div>{% else %}—{% endif %}'
        "{% endwith %}",
        accessor="pk",
        verbose_name=_("Next step"),
    )
    due = tables.TemplateColumn(
        '{% load i18n %}{% with s=record.state %}{% if s.next.due %}{{ s.next.due|date:"d/m/Y" }}{% endif %}'
        '{% for r in s.overdue %}<div><span class="badge text-bg-danger">{% blocktranslate with n=r.number'
        ' d=r.due|date:"d/m/Y" %}step {{ n }} overdue since {{ d }}{% endblocktranslate %}</span></div>'
        "{% endfor %}{% endwith %}",
        accessor="pk",
        verbose_name=_("Due"),
    )
    overdue = tables.Column(accessor="pk", verbose_name=_("With an overdue step"), visible=False)
    outcome = tables.Column(accessor="pk", verbose_name=_("Outcome"))

    class Meta(Table.Meta):
        model = Dossier
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "dossier-table"}
        row_attrs = {"class": lambda record: "table-danger" if record.state.is_overdue else ""}
        empty_text = _("No dossier.")

    def render_cluster(self, value, record):
        url = reverse("dossiers:dossier_detail", args=[record.pk])
        code = record.cluster.code
        return format_html('<a href="{}">{}</a> <span class="small text-muted">{}</span>', url, value, code)

    def value_cluster(self, value):
        return value

    def render_kind(self, record):
        return record.get_kind_display()

    def value_current(self, record):
        return _step(record.state.current)

    def value_next(self, record):
        return _step(record.state.next)

    def value_due(self, record):
        return record.state.next.due if record.state.next else None

    def value_overdue(self, record):
        return record.state.is_overdue

    def render_outcome(self, record):
        return record.get_outcome_display()

    def value_outcome(self, record):
        return record.get_outcome_display()
