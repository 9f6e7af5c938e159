"""Pages for organisations: infrastructure investors, agencies, People's Committees, tenants' owners."""

import django_filters
import django_tables2 as tables
from django import forms
from django.apps import apps
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from icis.core.filters import WordStartsFilter
from icis.core.generic import ObjectDetailView, ObjectFormView, ObjectListView
from icis.core.tables import Table
from icis.core.validators import TAX_CODE

from . import services
from .models import Organisation, OrganisationKind


class OrganisationFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("kind", "kind")), label=_("Sort by"))

    class Meta:
        model = Organisation
        fields = ["q", "kind"]


class OrganisationTable(Table):
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    tax_code = tables.Column(verbose_name=_("Tax code"))
    address = tables.Column(verbose_name=_("Address"), attrs={"td": {"class": "small"}})
    clusters = tables.Column(accessor="cluster_count", verbose_name=_("Clusters it invests in"))

    class Meta(Table.Meta):
        model = Organisation
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "organisation-table"}
        empty_text = _("No organisation matches these filters.")

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("organisations:detail", args=[record.pk]), value)

    def value_name(self, value):
        return value

    def render_kind(self, record):
        return record.get_kind_display()


class OrganisationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "tax_code", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_code"].validators.append(TAX_CODE)
        self.fields["tax_code"].help_text = _("10 digits, or 10 digits, a hyphen and 3 digits for a branch.")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        # The service validates and saves; an edit it refuses leaves the record as it was.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _with_counts(queryset):
    return queryset.annotate(cluster_count=Count("clusters", distinct=True))


class OrganisationListView(ObjectListView):
    template_name = "accounts/organisation_list.html"
    filterset_class = OrganisationFilterSet
    table_class = OrganisationTable
    export_name = _("organisations")
    permission_required = "accounts.view_organisation"

    def get_base_queryset(self):
        return _with_counts(Organisation.objects.all()).order_by("name", "pk")


class OrganisationDetailView(ObjectDetailView):
    template_name = "accounts/organisation_detail.html"
    model = Organisation
    context_object_name = "organisation"
    permission_required = "accounts.view_organisation"

    def get_context_data(self, **kwargs):
        Cluster = apps.get_model("clusters", "Cluster")  # accounts sits below clusters: looked up by name
        clusters = Cluster.objects.restrict(self.request.user).filter(investor=self.object).order_by("name")
        return {**super().get_context_data(**kwargs), "clusters": clusters}


class OrganisationFormView(ObjectFormView):
    template_name = "accounts/organisation_form.html"
    model = Organisation
    form_class = OrganisationForm
    add_permission = "accounts.add_organisation"
    change_permission = "accounts.change_organisation"
    context_object_name = "organisation"
    success_message = _("Organisation saved.")

    def save(self, form):
        if self.object is None:
            return services.organisation_create(data=form.service_data(), actor=self.request.user)
        return services.organisation_update(
            organisation=self.object,
            data=form.service_data(),
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_url(self, saved=None):
        return reverse("organisations:detail", args=[(saved or self.object).pk])
