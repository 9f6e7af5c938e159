"""Pages of the registry workbook: upload → check → preview (every error, every change) → import; export.

On the generic views (icis/core/generic.py): the URL's import is found through the user's scope; the provinces
offered are those the user reaches (`in_reach`: their own, every one for the national role); another province
in a form or a query is refused as if it did not exist.
"""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from icis.clusters.models import Cluster
from icis.core import jobs
from icis.core.export import csv_response
from icis.core.generic import ObjectActionView, ObjectDetailView, ScopedMixin
from icis.core.imports.inspection import UploadRefused, _megabytes, inspect_upload
from icis.core.imports.marked import can_mark, marked_workbook
from icis.core.imports.problems import describe
from icis.core.scoping import in_reach
from icis.geo.models import Province

from . import imports
from .export import content_digest, export_workbook, template_workbook, xlsx_response
from .models import IMPORT_LIFECYCLE, RegistryImport

Status = RegistryImport.Status
IMPORT_PERMISSIONS = ("registry_io.add_registryimport", "clusters.add_cluster", "clusters.change_cluster_legal")
EXPORT_PERMISSIONS = ("registry_io.export_registry",)
ERRORS_SHOWN = 500


class SizeLimitHandler(FileUploadHandler):
    """Stops keeping an uploaded file once it passes ICIS_IMPORT_MAX_BYTES (neither held in memory nor spooled
    to disk); the form then refuses it by its size."""

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
        return None


def provinces_for(user):
    """The provinces whose registry `user` may import or export: their own; every one for the national role."""
    return in_reach(Province.objects.order_by("code"), user, "")


class ProvinceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class UploadForm(forms.Form):
    province = ProvinceField(queryset=Province.objects.none(), label=gettext_lazy("Province"))
    file = forms.FileField(
        label=gettext_lazy("Registry workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )

    def __init__(self, *args, provinces, too_big=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["province"].queryset = provinces
        self.fields["province"].widget.attrs["class"] = "form-select"
        if provinces.count() == 1:
            self.fields["province"].initial = provinces.first()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = settings.ICIS_IMPORT_MAX_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file accepted is %(limit)s.")
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        data = upload.read()
        try:
            kind = inspect_upload(upload.name, data)
        except UploadRefused as refused:
            raise forms.ValidationError(refused.message, code="refused") from None
        if kind != "xlsx":
            raise forms.ValidationError(_("The registry is one Excel workbook (.xlsx) with several sheets."))
        self.data_bytes = data
        return upload

    def full_clean(self):
        super().full_clean()
        if self.too_big:
            self.errors.pop("file", None)
            self.add_error(
                "file",
                _("The file is larger than %(limit)s, the largest file accepted.")
                % {"limit": _megabytes(settings.ICIS_IMPORT_MAX_BYTES)},
            )


def create_import(*, user, province, filename: str, data: bytes) -> RegistryImport:
    record = RegistryImport.objects.create(
        province=province,
        created_by=user,
        filename=PurePath(filename).name[:255],
        content=data,
        sha256=content_digest(data),
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
    )
    imports.start(record, commit=False)
    return record


@method_decorator(csrf_exempt, name="dispatch")  # CSRF is checked in post(), after the size limit is in place
class ImportListView(ScopedMixin, FormView):
    """The user's recent registry imports, the upload form and the template."""

    template_name = "registry_io/import_list.html"
    form_class = UploadForm
    permission_required = IMPORT_PERMISSIONS
    pk_url_kwarg = None

    def post(self, request, *args, **kwargs):
        request.upload_handlers.insert(0, SizeLimitHandler(request))
        return csrf_protect(super().post)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {
            **kwargs,
            "provinces": provinces_for(self.request.user),
            "too_big": getattr(self.request, "icis_upload_too_big", False),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "imports": self.scoped(RegistryImport.objects).select_related("province", "created_by")[:20],
            "limits": {"size": _megabytes(settings.ICIS_IMPORT_MAX_BYTES), "rows": settings.ICIS_IMPORT_MAX_ROWS},
        }

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        record = create_import(
            user=self.request.user, province=form.cleaned_data["province"], filename=upload.name, data=form.data_bytes
        )
        return redirect("registry_io:import_detail", pk=record.pk)


def is_stale(record: RegistryImport) -> bool:
    return record.is_running and (record.job is None or not record.job.is_running)


def progress_of(record: RegistryImport) -> int:
    if record.is_running:
        return max(record.progress, record.job.progress if record.job else 0)
    return 100


class ImportMixin(ScopedMixin):
    permission_required = IMPORT_PERMISSIONS
    object_required = True

    def get_base_queryset(self):
        return RegistryImport.objects.select_related("province", "created_by", "job")

    def load_object(self):
        record = super().load_object()
        if record.is_running and record.job is not None and jobs.looks_stale(record.job):
            jobs.sweep_if_stale(record.job)
            record.refresh_from_db()
        return record


class ImportDetailView(ImportMixin, ObjectDetailView):
    template_name = "registry_io/import_detail.html"
    context_object_name = "record"

    def get_context_data(self, **kwargs):
        record = self.object
        summary = record.summary or {}
        sheets = [
            {"key": key, "title": (summary.get("sheets") or {}).get(key, key), **summary[key]}
            for key in ("clusters", "plans", "entries", "history", "documents")
            if key in summary and key in (summary.get("sheets") or {})
        ]
        return {
            **super().get_context_data(**kwargs),
            "record": record,
            "errors": [{**e, "text": describe(e)} for e in record.errors[:ERRORS_SHOWN]],
            "errors_hidden": max(len(record.errors) - ERRORS_SHOWN, 0),
            "warnings": [{**w, "text": describe(w)} for w in record.warnings[:ERRORS_SHOWN]],
            "lookalikes": summary.get("lookalikes", 0),
            "changes": summary.get("changes", []),
            "sheets": sheets,
            "plan_totals": summary.get("plan_totals", []),
            "progress": progress_of(record),
            "stale": is_stale(record),
            "can_recheck": record.status in (Status.INVALID, Status.FAILED) or is_stale(record),
            "can_discard": record.status in (Status.VALID, Status.INVALID, Status.FAILED),
        }


class ImportProgressView(ImportMixin, View):
    """What the progress bar polls: {"status", "label", "progress", "running"}."""

    def get(self, request, pk):
        record = self.object
        request.session.modified = False
        return JsonResponse(
            {
                "status": record.status,
                "label": str(record.get_status_display()),
                "progress": progress_of(record),
                "running": record.is_running and not is_stale(record),
            },
            headers={"Cache-Control": "no-store"},
        )


def move(record: RegistryImport, to: str, *, stale=False, **extra) -> tuple[bool, str]:
    """Move the run to `to` only from a state IMPORT_LIFECYCLE allows, and only if it is still there."""
    sources = [state for state in Status.values if to in IMPORT_LIFECYCLE.allowed(state)]
    if stale and to in IMPORT_LIFECYCLE.allowed(Status.FAILED):
        sources.append(record.status)
    moved = RegistryImport.objects.filter(pk=record.pk, status__in=sources).update(
        status=to, progress=0, updated_at=timezone.now(), **extra
    )
    if moved:
        return True, ""
    record.refresh_from_db(fields=["status"])
    return False, IMPORT_LIFECYCLE.refusal(record.status, to)


def act(record: RegistryImport, user, action: str, *, confirmed: bool = False) -> RegistryImport:
    """Commit, check again or discard; ValidationError when the status no longer allows it."""
    if not provinces_for(user).filter(pk=record.province_id).exists():
        raise Http404
    done, refusal = False, ""
    if action == "commit" and record.created_by_id == user.pk:
        if record.summary.get("lookalikes") and not confirmed:
            raise ValidationError(_("Some names look like others: tick the box to confirm they are distinct clusters."))
        done, refusal = move(record, Status.IMPORTING, lookalikes_confirmed=confirmed)
        if done:
            imports.start(record, commit=True)
    elif action == "check":
        done, refusal = move(record, Status.CHECKING, stale=is_stale(record))
        if done:
            imports.start(record, commit=False)
    elif action == "discard":
        done, refusal = move(record, Status.DISCARDED, content=b"")
    if not done:
        raise ValidationError(
            refusal
            or _("This import is %(status)s; that cannot be done now.") % {"status": record.get_status_display()}
        )
    record.refresh_from_db()
    return record


class ImportActionView(ImportMixin, ObjectActionView):
    http_method_names = ["post"]
    action = ""

    def save(self, form):
        return act(self.object, self.request.user, self.action, confirmed=bool(self.request.POST.get("confirm")))

    def get_success_url(self, saved=None):
        return reverse("registry_io:import_detail", kwargs={"pk": self.object.pk})


class ImportErrorsCsvView(ImportMixin, View):
    def get(self, request, pk):
        record = self.object
        header = [_("Sheet"), _("Row"), _("Column"), _("Header"), _("Message")]
        rows = (
            [e.get("sheet"), e.get("row"), e.get("column"), e.get("header"), e.get("message")] for e in record.errors
        )
        return csv_response(f"registry-import-{record.pk}-errors.csv", header, rows)


class ImportMarkedView(ImportMixin, View):
    """The uploaded workbook handed back with each error marked in its cell."""

    def get(self, request, pk):
        record = self.object
        content = bytes(record.content)
        if not record.errors or not content or not can_mark(content):
            raise Http404
        return xlsx_response(f"registry-import-{record.pk}-marked.xlsx", marked_workbook(content, record.errors))


class TemplateDownloadView(ScopedMixin, View):
    """The empty registry workbook with its instructions sheet."""

    pk_url_kwarg = None

    def get(self, request):
        english = (translation.get_language() or "vi").startswith("en")
        name = "registry-template.xlsx" if english else "mau-so-dang-ky-cum-cong-nghiep.xlsx"
        return xlsx_response(name, template_workbook())


class ExportView(ScopedMixin, TemplateView):
    """The registry of a province the user reaches, as the workbook the import reads (?province=<code>)."""

    template_name = "registry_io/export.html"
    permission_required = EXPORT_PERMISSIONS
    pk_url_kwarg = None

    def get(self, request, *args, **kwargs):
        code = request.GET.get("province")
        if code:
            province = provinces_for(request.user).filter(code=code).first()
            if province is None:
                raise Http404
            content = export_workbook(province, clusters=self.scoped(Cluster.objects))
            return xlsx_response(f"registry-{province.code}-{timezone.localdate():%Y%m%d}.xlsx", content)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "provinces": provinces_for(self.request.user)}
