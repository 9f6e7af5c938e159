from django.db import transaction

from icis.core.changes import apply_changes
from icis.core.concurrency import check_version

from .models import Document

EDITABLE = ("doc_type", "number", "year", "issued_on", "issuer", "signer", "summary", "url", "file")


@transaction.atomic
def document_create(*, data: dict, actor, clusters=()) -> Document:
    document = Document(**data)
    if document.issued_on and not document.year:
        document.year = document.issued_on.year
    document.full_clean()
    document._history_user = actor
    document.save()
    if clusters:
        document.clusters.set(clusters)
    return document


@transaction.atomic
def document_update(*, document: Document, data: dict, actor, expected_version=None, clusters=None, reachable=None):
    """Change a document's own fields (only those that differ) and, when `clusters` is given, its
    links to the clusters in `reachable` (the ones the editor may link): links to clusters the editor
    cannot see are kept as they are, never dropped by an edit."""
    current = Document.objects.select_for_update().get(pk=document.pk)
    check_version(current, expected_version)
    data = {key: value for key, value in data.items() if key in EDITABLE}
    if "file" in data and not data["file"]:
        data.pop("file")  # no new file chosen: keep the stored one
    if data.get("issued_on") and not data.get("year"):
        data["year"] = data["issued_on"].year
    changed = apply_changes(current, data)
    if changed:
        current.full_clean()
        current.version += 1
        current._history_user = actor
        current.save()
    if clusters is not None:
        wanted = {c.pk for c in clusters}
        reach = None if reachable is None else set(reachable.values_list("pk", flat=True))
        existing = set(current.clusters.values_list("pk", flat=True))
        removable = existing if reach is None else existing & reach
        to_remove = removable - wanted
        to_add = wanted - existing
        if to_remove:
            current.clusters.remove(*to_remove)
        if to_add:
            current.clusters.add(*to_add)
    return current
