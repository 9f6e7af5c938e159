import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from icis.core.export import csv_response
from icis.core.forms import DATE_WIDGET
from icis.core.generic import ScopedPageView

from . import selectors

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        label=_("User"),
    )
    model = forms.ChoiceField(required=False, label=_("Record type"))
    object_id = forms.CharField(required=False, label=_("Record id"))
    since = forms.DateField(required=False, label=_("From"), widget=DATE_WIDGET)
    until = forms.DateField(required=False, label=_("To"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "—"), ("security", _("Security events"))] + [
            (m._meta.label, f"{m._meta.verbose_name} ({m._meta.label})") for m in selectors.audited_models()
        ]

    def clean(self):
        data = super().clean()
        object_id = (data.get("object_id") or "").strip()
        label = data.get("model") or ""
        if object_id and label != "security":
            models = [m for m in selectors.audited_models() if m._meta.label == label or not label]
            if all(selectors.pk_value(model, object_id) is None for model in models):
                self.add_error(
                    "object_id",
                    _("“%(value)s” cannot be a record id: ids are whole numbers (administrative units use their code).")
                    % {"value": object_id},
                )
        return data

    def ignores_object_id_for_some_models(self) -> bool:
        object_id, label = self.cleaned_data.get("object_id"), self.cleaned_data.get("model")
        return (
            bool(object_id)
            and not label
            and any(selectors.pk_value(model, object_id) is None for model in selectors.audited_models())
        )


class AuditLogView(ScopedPageView):
    """Every recorded change and security event, filterable and exportable (admins)."""

    template_name = "audit/audit_log.html"
    permission_required = "accounts.view_auditlog"

    def get(self, request, *args, **kwargs):
        form = AuditFilterForm(request.GET or None)
        rows = []
        valid = not form.is_bound or form.is_valid()
        if valid and form.is_bound and form.ignores_object_id_for_some_models():
            messages.info(
                request,
                _(
                    "“%(value)s” is not a number: only records identified by a code (sectors, administrative "
                    "units) can match it."
                )
                % {"value": form.cleaned_data["object_id"]},
            )
        if valid:
            data = form.cleaned_data if form.is_bound else {}
            rows = selectors.audit_log(
                user_id=data.get("user").pk if data.get("user") else None,
                model_label=data.get("model", ""),
                since=data.get("since"),
                until=data.get("until"),
                object_id=data.get("object_id", ""),
            )
        if request.GET.get("format") == "csv" and valid:
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
        query.pop("page", None)
        query["format"] = "csv"
        page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context_data(
            form=form, rows=page_obj.object_list, page_obj=page_obj, csv_query=query.urlencode()
        )
        return self.render_to_response(context, status=200 if valid else 400)


class ObjectHistoryView(ScopedPageView):
    """The history tab of any record: who changed what, when, through which interface."""

    template_name = "audit/object_history.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_for(kwargs["app_label"], kwargs["model_name"])
        if model is None:
            raise Http404
        manager = model._default_manager
        user = self.request.user
        if hasattr(manager, "restrict"):
            queryset = self.scoped(manager)
        elif user.has_perm("accounts.view_auditlog") or user.has_perm(
            f"{model._meta.app_label}.view_{model._meta.model_name}"
        ):
            queryset = manager.all()
        else:
            raise PermissionDenied
        pk = selectors.pk_value(model, kwargs["pk"])
        obj = queryset.filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        context = super().get_context_data(**kwargs)
        # The model's name, never the class: templates call callables, and calling a model class
        # builds an empty instance whose __str__ may follow a relation that is not there.
        context.update(obj=obj, model_name=model._meta.verbose_name, rows=selectors.object_history(obj))
        return context
