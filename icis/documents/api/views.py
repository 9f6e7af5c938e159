from django.db.models import Prefetch
from rest_framework import mixins

from icis.core.api.views import ScopedViewSet

from ..filtersets import DocumentFilterSet
from ..models import Document
from ..selectors import linking_clusters
from .serializers import DocumentSerializer


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Legal and administrative documents; number + year + issuer identify one."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet

    def get_base_queryset(self):
        # Only the clusters the user sees are named in the answer (as on the detail page).
        return Document.objects.prefetch_related(
            Prefetch("clusters", queryset=linking_clusters(self.request.user).order_by("pk"))
        )
