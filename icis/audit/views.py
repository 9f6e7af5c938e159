import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from icis.core.export import csv_response

from . import selectors


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        label=_("User"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    model = forms.ChoiceField(
        required=False, label=_("Record type"), widget=forms.Select(attrs={"class": "form-select"})
    )
    object_id = forms.CharField(
        required=False, label=_("Record id"), widget=forms.TextInput(attrs={"class": "form-control"})
    )
    since = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"class": "form-control", "placeholder": "dd/mm/yyyy"}),
    )
    until = forms.DateField(
        required=False,
        label=_("To"),
        widget=forms.DateInput(attrs={"class": "form-control", "placeholder": "dd/mm/yyyy"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "—"), ("security", _("Security events"))] + [
            (m._meta.label, f"{m._meta.verbose_name} ({m._meta.label})") for m in selectors.audited_models()
        ]


class AuditLogView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Every recorded change and security event, filterable and exportable (admins)."""

    template_name = "audit/audit_log.html"
    permission_required = "accounts.view_auditlog"

    def get(self, request, *args, **kwargs):
        form = AuditFilterForm(request.GET or None)
        rows = []
        if not form.is_bound or form.is_valid():
            data = form.cleaned_data if form.is_bound else {}
            rows = selectors.audit_log(
                user_id=data.get("user").pk if data.get("user") else None,
                model_label=data.get("model", ""),
                since=data.get("since"),
                until=data.get("until"),
                object_id=data.get("object_id", ""),
            )
        if request.GET.get("format") == "csv":
            stamp = datetime.date.today().isoformat()
            return csv_response(
                f"icis-audit-{stamp}.csv",
                ["at", "user", "via", "record_type", "action", "record_id", "record", "changes"],
                (
                    [
                        r.at.isoformat(),
                        r.user,
                        r.via,
                        r.kind,
                        r.action,
                        r.object_id,
                        r.object_repr,
                        "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in r.changes),
                    ]
                    for r in rows
                ),
            )
        query = request.GET.copy()
        query["format"] = "csv"
        return self.render_to_response(self.get_context_data(form=form, rows=rows, csv_query=query.urlencode()))


class ObjectHistoryView(LoginRequiredMixin, TemplateView):
    """The history tab of any record: who changed what, when, through which interface."""

    template_name = "audit/object_history.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_for(kwargs["app_label"], kwargs["model_name"])
        if model is None:
            raise Http404
        manager = model._default_manager
        user = self.request.user
        if hasattr(manager, "restrict"):
            queryset = manager.restrict(user)
        elif user.has_perm("accounts.view_auditlog") or user.has_perm(
            f"{model._meta.app_label}.view_{model._meta.model_name}"
        ):
            queryset = manager.all()
        else:
            raise PermissionDenied
        obj = queryset.filter(pk=kwargs["pk"]).first()
        if obj is None:
            raise Http404
        context = super().get_context_data(**kwargs)
        # The model's name, never the class: templates call callables, and calling a model class
        # builds an empty instance whose __str__ may follow a relation that is not there.
        context.update(obj=obj, model_name=model._meta.verbose_name, rows=selectors.object_history(obj))
        return context
