"""Reads of documents that span the records linking to them.

Documents sit below the apps that link them (clusters): those models are looked up by name, as the
pages do, never through a reverse relation of Document."""

from django.apps import apps
from django.db.models import QuerySet


def linking_clusters(user, action: str = "view") -> QuerySet:
    """The clusters `user` reaches for `action`: the only ones an API answer or filter may name
    (the detail page shows these and counts the others as hidden)."""
    Cluster = apps.get_model("clusters", "Cluster")
    if user is None or not user.is_authenticated:
        return Cluster.objects.none()
    return Cluster.objects.restrict(user, action)


def documents_linked_to(cluster_id: int, user) -> QuerySet:
    """Ids of the documents linked to cluster `cluster_id`, if `user` reaches it; none otherwise (a
    cluster out of reach is as if it did not exist)."""
    Cluster = apps.get_model("clusters", "Cluster")
    through = Cluster.documents.through
    if not linking_clusters(user).filter(pk=cluster_id).exists():
        return through.objects.none().values("document_id")
    return through.objects.filter(cluster_id=cluster_id).values("document_id")
