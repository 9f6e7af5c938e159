"""Pages for importing tenant lists (upload → check → preview → import) and exporting them.

On the generic views (icis/core/generic.py): the URL's import is found through the user's scope
(`ImportMixin`), other rows (the clusters offered and listed, the projects exported) come from
`self.scoped(...)`; no view here calls restrict() itself.
"""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView

from icis.clusters.models import Cluster
from icis.core import jobs
from icis.core.export import csv_response
from icis.core.generic import ObjectActionView, ObjectDetailView, ScopedMixin

from . import exports, imports
from .filtersets import TenantProjectFilterSet
from .models import IMPORT_LIFECYCLE, TenantImport, TenantProject

Status = TenantImport.Status
IMPORT_PERMISSIONS = ("tenancy.add_tenant", "tenancy.add_tenantproject")
ERRORS_SHOWN = 500


class SizeLimitHandler(FileUploadHandler):
    """Stops keeping an uploaded file once it passes ICIS_IMPORT_MAX_BYTES, so that a huge upload is
    neither held in memory nor spooled to disk; the view then refuses it by its size."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.ICIS_IMPORT_MAX_BYTES:
            self.request.icis_upload_too_big = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


class UploadForm(forms.Form):
    cluster = forms.ModelChoiceField(queryset=Cluster.objects.none(), label=gettext_lazy("Cluster"))
    file = forms.FileField(
        label=gettext_lazy("Tenant list (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )

    def __init__(self, *args, clusters, too_big=False, **kwargs):
        """`clusters`: the clusters the user may change (the view scopes them), the only ones offered."""
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["cluster"].queryset = clusters.order_by("name")
        self.fields["cluster"].label_from_instance = lambda c: f"{c.name} ({c.code})"
        self.fields["cluster"].widget.attrs["class"] = "form-select"
        self.fields["cluster"].empty_label = "—"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = settings.ICIS_IMPORT_MAX_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file accepted is %(limit)s.")
                % {"size": imports._megabytes(upload.size), "limit": imports._megabytes(limit)}
            )
        data = upload.read()
        try:
            self.kind = imports.inspect_upload(upload.name, data)
        except imports.UploadRefused as refused:
            raise forms.ValidationError(refused.message, code="refused") from None
        self.data_bytes = data
        return upload

    def full_clean(self):
        super().full_clean()
        if self.too_big:
            self.errors.pop("file", None)
            self.add_error(
                "file",
                _("The file is larger than %(limit)s, the largest file accepted.")
                % {"limit": imports._megabytes(settings.ICIS_IMPORT_MAX_BYTES)},
            )


@method_decorator(csrf_exempt, name="dispatch")  # CSRF is checked in post(), after the size limit is in place
class ImportListView(ScopedMixin, FormView):
    """The user's recent imports, the upload form, the template and the export."""

    template_name = "tenancy/import_list.html"
    form_class = UploadForm
    permission_required = IMPORT_PERMISSIONS
    pk_url_kwarg = None  # no object of its own

    def post(self, request, *args, **kwargs):
        request.upload_handlers.insert(0, SizeLimitHandler(request))
        return csrf_protect(super().post)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()  # reads the upload, through SizeLimitHandler
        return {
            **kwargs,
            "clusters": self.scoped(Cluster.objects, "change"),
            "too_big": getattr(self.request, "icis_upload_too_big", False),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clusters = self.scoped(Cluster.objects).order_by("name")
        context.update(
            imports=self.scoped(TenantImport.objects).select_related("cluster", "created_by")[:20],
            export_clusters=clusters,
            limits={
                "size": imports._megabytes(settings.ICIS_IMPORT_MAX_BYTES),
                "rows": settings.ICIS_IMPORT_MAX_ROWS,
            },
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        record = TenantImport.objects.create(
            cluster=form.cleaned_data["cluster"],
            created_by=self.request.user,
            filename=PurePath(upload.name).name[:255],
            file_kind=form.kind,
            content=form.data_bytes,
            sha256=imports.content_digest(form.data_bytes),
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
        )
        imports.start(record, commit=False)
        return redirect("tenancy:import_detail", pk=record.pk)


class ImportMixin(ScopedMixin):
    """The URL's import, in the user's scope (another user's import is 404), its run resolved when
    its worker died; the tenant permissions after (403)."""

    permission_required = IMPORT_PERMISSIONS
    scope_action = "view"
    object_required = True

    def get_base_queryset(self):
        return TenantImport.objects.select_related("cluster", "created_by", "job")

    def load_object(self) -> TenantImport:
        return _refresh(super().load_object())


def _refresh(record: TenantImport) -> TenantImport:
    """Resolve a run whose worker died (its job's heartbeat stopped) before showing it."""
    if record.is_running and record.job is not None and jobs.looks_stale(record.job):
        jobs.sweep_if_stale(record.job)
        record.refresh_from_db()
    return record


def is_stale(record: TenantImport) -> bool:
    """A check or import that will not finish: no job runs it (started before imports were jobs, or its
    job ended without updating the record)."""
    return record.is_running and (record.job is None or not record.job.is_running)


def _progress(record: TenantImport) -> int:
    if record.is_running:
        return max(record.progress, record.job.progress if record.job else 0)
    return 100


class ImportDetailView(ImportMixin, ObjectDetailView):
    template_name = "tenancy/import_detail.html"
    context_object_name = "record"

    def get_context_data(self, **kwargs):
        record = self.object
        errors = [{**error, "text": imports.describe(error)} for error in record.errors[:ERRORS_SHOWN]]
        warnings = [{**warning, "text": imports.describe(warning)} for warning in record.warnings[:ERRORS_SHOWN]]
        return {
            **super().get_context_data(**kwargs),
            "record": record,
            "errors": errors,
            "errors_hidden": max(len(record.errors) - ERRORS_SHOWN, 0),
            "warnings": warnings,
            "progress": _progress(record),
            "stale": is_stale(record),
            "can_recheck": record.status in (Status.INVALID, Status.FAILED) or is_stale(record),
            "can_discard": record.status in (Status.VALID, Status.INVALID, Status.FAILED),
            "preview_more": max(record.summary.get("projects", 0) - len(record.preview), 0),
            "rows_with_problems": len({error["row"] for error in record.errors if error.get("row")}),
        }


class ImportProgressView(ImportMixin, View):
    """What the progress bar polls: {"status", "label", "progress", "running"}."""

    def get(self, request, pk):
        record = self.object
        # Polling is not activity: do not refresh the idle timer, and do not write the session (on
        # SQLite that write would wait for the import's transaction to end).
        request.session.modified = False
        return JsonResponse(
            {
                "status": record.status,
                "label": str(record.get_status_display()),
                "progress": _progress(record),
                "running": record.is_running and not is_stale(record),
            },
            headers={"Cache-Control": "no-store"},
        )


class ImportActionView(ImportMixin, ObjectActionView):
    """POST only: move the import on (commit, discard, check again) and go back to its page; a move
    its status no longer allows is shown there as a message."""

    http_method_names = ["post"]
    action = ""

    def save(self, form):
        record = self.object
        # The cluster must still be one this user may change.
        if not self.scoped(Cluster.objects, "change").filter(pk=record.cluster_id).exists():
            raise Http404
        action, user = self.action, self.request.user
        done, refusal = False, ""
        if action == "commit" and record.created_by_id == user.pk:
            done, refusal = self._move(record, Status.IMPORTING)
            if done:
                imports.start(record, commit=True)
        elif action == "check":
            done, refusal = self._move(record, Status.CHECKING, stale=is_stale(record))
            if done:
                imports.start(record, commit=False)
        elif action == "discard":
            done, refusal = self._move(record, Status.DISCARDED, content=b"")
        if not done:
            raise ValidationError(
                refusal
                or _("This import is %(status)s; that cannot be done now.") % {"status": record.get_status_display()}
            )
        return record

    def get_success_url(self, saved=None):
        return reverse("tenancy:import_detail", kwargs={"pk": self.object.pk})

    @staticmethod
    def _move(record, to, *, stale=False, **extra) -> tuple[bool, str]:
        """Move the run to `to` through IMPORT_LIFECYCLE, only from a state the machine allows (a stale run
        counts as failed) and only if it is still there (two clicks start one run). On a refusal, the
        lifecycle's one wording, from the status read now."""
        sources = [state for state in Status.values if to in IMPORT_LIFECYCLE.allowed(state)]
        if stale and to in IMPORT_LIFECYCLE.allowed(Status.FAILED):
            sources.append(record.status)
        moved = TenantImport.objects.filter(pk=record.pk, status__in=sources).update(
            status=to, progress=0, updated_at=timezone.now(), **extra
        )
        if moved:
            return True, ""
        record.refresh_from_db(fields=["status"])
        return False, IMPORT_LIFECYCLE.refusal(record.status, to)


class ImportErrorsCsvView(ImportMixin, View):
    def get(self, request, pk):
        record = self.object
        header = [_("Sheet"), _("Row"), _("Column"), _("Header"), _("Message")]
        rows = (
            [e.get("sheet"), e.get("row"), e.get("column"), e.get("header"), e.get("message")] for e in record.errors
        )
        return csv_response(f"import-{record.pk}-errors.csv", header, rows)


class ImportMarkedView(ImportMixin, View):
    """The uploaded workbook handed back with each error marked in its cell (icis/core/imports/marked.py)."""

    def get(self, request, pk):
        record = self.object
        content = bytes(record.content)
        if record.file_kind != "xlsx" or not record.errors or not imports.can_mark(content):
            raise Http404
        name = f"import-{record.pk}-marked.xlsx"
        return exports.xlsx_response(name, imports.marked_workbook(content, record.errors))


class ImportTemplateView(ScopedMixin, View):
    """The empty tenant list workbook, for every signed-in user."""

    pk_url_kwarg = None

    def get(self, request):
        english = (translation.get_language() or "vi").startswith("en")
        name = "tenant-list-template.xlsx" if english else "mau-danh-sach-doanh-nghiep.xlsx"
        return exports.xlsx_response(name, exports.template_bytes())


class ProjectExportView(ScopedMixin, View):
    """Tenant projects in the user's scope as XLSX (default) or CSV; the project list's filters apply
    (`cluster`, `tenant`, `status`)."""

    permission_required = "tenancy.view_tenantproject"
    model = TenantProject
    pk_url_kwarg = None

    def get(self, request) -> HttpResponse:
        projects = self.get_scoped_queryset()
        filterset = TenantProjectFilterSet(request.GET or None, queryset=projects)
        if filterset.is_bound and not filterset.is_valid():
            projects = projects.none()
        else:
            projects = filterset.qs
        cluster = None
        if filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data.get("cluster"):
            cluster = self.scoped(Cluster.objects).filter(pk=filterset.form.cleaned_data["cluster"]).first()
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        return exports.projects_export(projects, fmt=fmt, cluster=cluster)
