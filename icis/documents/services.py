from django.db import transaction

from .models import Document


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
