"""The generic page views every app builds on: a scoped list (filters, table, page links, exports), a
scoped detail, a service form (create / edit through one service call) and an action (a POST verb).

Scope is the base class's job: each view gives an unrestricted base queryset (`queryset`, `model` or
`get_base_queryset()`, usually a selector) and the base applies `restrict(user, scope_action)` to it.
Anonymous users go to the login page; an object outside the user's scope is 404 for everyone; then the
permission (`permission_required`) is checked (403). docs/architecture.md, "Pages: the generic views".
"""

import csv
import datetime
import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats as django_formats
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from . import formats
from .export import safe_cell
from .forms import ScopedChoicesMixin, apply_errors
from .scoping import ScopedQuerySet
from .text import fold

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("xlsx", "csv")


class ScopedMixin(LoginRequiredMixin):
    """Signed-in users only; rows through `restrict(user, scope_action)`; `permission_required` after."""

    model = None
    queryset = None
    scope_action = "view"
    permission_required: str | tuple | list = ()
    pk_url_kwarg = "pk"
    object_required = False  # True: the URL must name an object (edit, action); False: optional

    def get_base_queryset(self):
        """The rows before scoping (a selector's queryset); never restricted here."""
        if self.queryset is not None:
            return self.queryset.all()
        if self.model is not None:
            return self.model._default_manager.all()
        raise ImproperlyConfigured(f"{type(self).__name__} needs queryset, model or get_base_queryset()")

    # Reference data the same for every signed-in user (annual plans, catalogues) has no scope rule;
    # a view over it says why here, so that a scoped model can never be shown unrestricted by mistake.
    unscoped_reason: str | None = None

    def get_scoped_queryset(self):
        queryset = self.get_base_queryset()
        if isinstance(queryset, ScopedQuerySet):
            return queryset.restrict(self.request.user, self.scope_action)
        if self.unscoped_reason:
            return queryset
        raise ImproperlyConfigured(f"{queryset.model.__name__} has no restrict(); set unscoped_reason to show it")

    def scoped(self, queryset, action: str = "view"):
        """Other rows a page aggregates or offers (the clusters behind an occupancy table), in the
        user's scope: pages ask the base for them instead of calling restrict() themselves."""
        if isinstance(queryset, models.Manager):
            queryset = queryset.all()
        return queryset.restrict(self.request.user, action)

    def get_permission_required(self) -> list[str]:
        required = self.permission_required
        return [required] if isinstance(required, str) else list(required)

    def has_permission(self) -> bool:
        return self.request.user.has_perms(self.get_permission_required())

    def load_object(self):
        """The URL's object through the scoped queryset (404 when out of scope), or None without one."""
        pk = self.kwargs.get(self.pk_url_kwarg) if self.pk_url_kwarg else None
        if pk is None:
            if self.object_required:
                raise ImproperlyConfigured(f"{type(self).__name__} needs <{self.pk_url_kwarg}> in its URL")
            return None
        return get_object_or_404(self.get_scoped_queryset(), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.load_object()
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object


class ScopedPageView(ScopedMixin, TemplateView):
    """A page that is not one record nor one list (a dashboard, a report): signed-in users,
    `permission_required`, and `self.scoped(queryset)` for the rows it shows."""

    pk_url_kwarg = None  # no object of its own: URL arguments are the page's to read


class ObjectDetailView(ScopedMixin, DetailView):
    """One record, found through the user's scope."""

    object_required = True


class ObjectListView(ScopedMixin, ListView):
    """A list page: the FilterSet the API uses, a django-tables2 table, page links
    (`{% pagination page_obj %}`), and `?export=xlsx` / `?export=csv` of the whole filtered list.

    Set `filterset_class`, `table_class`, `export_name` (a translated name for the file) and the base
    queryset. The template renders `{% render_table table %}`, `{% pagination page_obj %}` and
    includes/export_links.html.
    """

    filterset_class = None
    table_class = None
    paginate_by = 25
    export_name = None
    export_formats = EXPORT_FORMATS

    def get_filterset(self, queryset):
        return self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)

    def get_queryset(self):
        scoped = self.get_scoped_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return scoped
        self.filterset = self.get_filterset(scoped)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return scoped.none()
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt and self.export_name is not None:
            if fmt not in self.export_formats:
                return HttpResponse(_("Unknown export format."), status=400, content_type="text/plain; charset=utf-8")
            self.object_list = self.get_queryset()
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    # --- the table -------------------------------------------------------------------------------

    def get_table(self, rows):
        table = self.table_class(rows)
        table.list_request = self.request
        table.sortable = self.sortable_columns()
        table.ordering_value = self.request.GET.get("ordering", "")
        return table

    def sortable_columns(self) -> set[str]:
        """The column names the FilterSet's `ordering` filter accepts (ascending forms)."""
        ordering = self.filterset.filters.get("ordering") if self.filterset is not None else None
        if ordering is None:
            return set()
        return {value for value, _label in ordering.extra.get("choices", ()) if not value.startswith("-")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("page", "export"):
            query.pop(name, None)
        context["query_string"] = query.urlencode()
        query.pop("ordering", None)
        context.update(filterset=self.filterset, sort_query=query.urlencode())
        if self.table_class is not None:
            context["table"] = self.get_table(list(context["object_list"]))
        if self.export_name is not None:
            base = context["query_string"]
            context["export_links"] = [
                (fmt.upper(), f"?{base}&export={fmt}" if base else f"?export={fmt}") for fmt in self.export_formats
            ]
        return context

    # --- exports ---------------------------------------------------------------------------------

    def export_rows(self):
        """The header and the rows of the export: by default the table's columns over the whole
        filtered, scoped list. Override to export other columns (the list is `self.object_list`)."""
        table = self.table_class(list(self.object_list))
        values = table.as_values()
        return next(values), list(values)

    def export_filename(self, fmt: str) -> str:
        name = "-".join(fold(str(self.export_name)).split()) or "export"
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"

    def export(self, fmt: str) -> HttpResponse:
        header, rows = self.export_rows()
        header = [strip_tags(str(cell)) for cell in header]
        body, content_type = (
            (xlsx_bytes(header, rows), XLSX_TYPE)
            if fmt == "xlsx"
            else (csv_text(header, rows), "text/csv; charset=utf-8")
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename(fmt)}"'
        return response


def _plain(value):
    """An exported cell: numbers, dates and text as themselves; records and labels as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return strip_tags(str(value)).strip()


def _trimmed(value: Decimal) -> Decimal:
    """37.7800 → 37.78, 5.0000 → 5: a decimal as people write it."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def csv_text(header, rows) -> str:
    """CSV with a BOM (Excel reads UTF-8 Vietnamese), dates dd/mm/yyyy, numbers as the language
    writes them, formula-like text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        cells = []
        for value in map(_plain, row):
            if isinstance(value, datetime.datetime):
                cells.append(formats.datetime_text(value))
            elif isinstance(value, datetime.date):
                cells.append(formats.date(value))
            elif isinstance(value, Decimal):
                cells.append(django_formats.number_format(_trimmed(value), use_l10n=True))
            elif isinstance(value, int | float):
                cells.append(django_formats.number_format(value, use_l10n=True))
            else:
                cells.append(safe_cell(value))
        writer.writerow(cells)
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(header, rows) -> bytes:
    """One sheet: a bold header row, numbers as numbers, dates as dates (dd/mm/yyyy), text as text
    (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    bold = Font(bold=True)

    def cell(value, *, font=None):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"
        elif isinstance(value, datetime.datetime):
            item.number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, datetime.date):
            item.number_format = "dd/mm/yyyy"
        if font is not None:
            item.font = font
        return item

    sheet.append([cell(str(value), font=bold) for value in header])
    for row in rows:
        sheet.append([cell(_plain(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ObjectFormView(ScopedMixin, FormView):
    """Create (no pk in the URL) or edit (pk) through ONE service call.

    Subclasses set `form_class`, `template_name`, the base queryset, `add_permission` /
    `change_permission` (or `permission_required`), and implement `save(form)`: call the service
    and return the saved object. A `ValidationError` it raises lands on the form's fields
    (`apply_errors`); a stale-version refusal is shown above the form and nothing is written.
    """

    scope_action = "change"
    add_permission = None
    change_permission = None
    success_message = None
    success_url = None
    context_object_name = None

    def get_permission_required(self) -> list[str]:
        named = self.change_permission if self.object is not None else self.add_permission
        return [named] if named else super().get_permission_required()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        form_class = self.get_form_class()
        if hasattr(form_class, "_meta") and getattr(form_class._meta, "model", None) is not None:
            kwargs["instance"] = self.object
        if issubclass(form_class, ScopedChoicesMixin):
            kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        if self.context_object_name:
            context[self.context_object_name] = self.object
        return context

    def save(self, form):
        raise NotImplementedError(f"{type(self).__name__}.save(form) must call the service")

    def form_valid(self, form):
        try:
            saved = self.save(form)
        except ValidationError as error:
            self.apply_service_errors(form, error)
            return self.form_invalid(form)
        message = self.get_success_message(saved)
        if message:
            messages.success(self.request, message)
        for warning in getattr(saved, "plausibility_warnings", ()):
            messages.warning(self.request, warning.message)
        return redirect(self.get_success_url(saved))

    def apply_service_errors(self, form, error: ValidationError) -> None:
        """Put the service's refusal on the form: on the fields it names (override when the service
        names fields the form calls otherwise, e.g. `components.drainage` for `component_drainage`)."""
        apply_errors(form, error)

    def get_success_message(self, saved) -> str | None:
        return str(self.success_message) if self.success_message else None

    def get_success_url(self, saved=None):
        if self.success_url:
            return str(self.success_url)
        target = saved if saved is not None and hasattr(saved, "get_absolute_url") else self.object
        if target is None or not hasattr(target, "get_absolute_url"):
            raise ImproperlyConfigured(f"{type(self).__name__} needs success_url or get_success_url()")
        return target.get_absolute_url()


class ObjectActionView(ObjectFormView):
    """A verb on one record (a transition, accept, return, close): POST, the object in scope for
    `scope_action`, `permission_required`, then ONE service call in `save(form)`.

    With a `form_class` and `template_name` it shows its form on GET and re-shows it with the
    service's errors on their fields. Without a template it answers only POST; a refusal is shown as
    a message on the page it redirects to (`get_success_url`).
    """

    object_required = True

    def get_form_class(self):
        from django import forms

        return self.form_class or forms.Form

    def get(self, request, *args, **kwargs):
        if not self.template_name:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form):
        if self.template_name:
            return super().form_invalid(form)
        errors = [str(message) for messages_ in form.errors.values() for message in messages_]
        messages.error(self.request, " ".join(errors))
        return redirect(self.get_success_url(self.object))
