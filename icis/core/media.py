"""Uploaded files served only to users who may see the record that owns them, in development too.

There is no public media URL: `/media/<name>` finds the record whose file field holds `name`, looks it up
through `restrict(user, "view")` for users holding the model's view permission (404 otherwise, as for any
out-of-scope object) and streams the file with headers that keep a hostile file inert: the type ICIS detected
(never the browser's guess: nosniff), inline only for images and as a download otherwise, and a
Content-Security-Policy that runs no script.
"""

from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import FileResponse, Http404

from .uploads import CONTENT_TYPES, detect

INLINE_KINDS = ("jpeg", "png", "webp")
USER_FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every file field of a model that can be scoped (history tables keep only the name, as text)."""
    found = []
    for model in apps.get_models():
        if not hasattr(model._default_manager, "restrict"):
            continue
        found.extend((model, f) for f in model._meta.concrete_fields if isinstance(f, models.FileField))
    return found


def owner_in_reach(user, name: str):
    """The first record the user may view (model permission and row scope) whose file is `name`, with its field;
    None otherwise."""
    for model, field in file_fields():
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        record = model._default_manager.restrict(user, "view").filter(**{field.name: name}).first()
        if record is not None:
            return record, field
    return None


def file_response(fieldfile) -> FileResponse:
    """Stream a stored upload with safe headers; 404 when the file is missing from storage."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    head = handle.read(16)
    handle.seek(0)
    kind = detect(head)
    if kind == "ooxml":
        kind = {".docx": "docx", ".xlsx": "xlsx"}.get(PurePosixPath(fieldfile.name).suffix.lower())
    inline = kind in INLINE_KINDS
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=PurePosixPath(fieldfile.name).name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = USER_FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def media_file(request, name: str):
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or ".." in parts or "\\" in name:
        raise Http404
    found = owner_in_reach(request.user, name)
    if found is None:
        raise Http404
    record, field = found
    return file_response(getattr(record, field.attname))
