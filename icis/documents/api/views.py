from rest_framework import mixins

from icis.core.api.views import ScopedViewSet

from ..filtersets import DocumentFilterSet
from ..models import Document
from .serializers import DocumentSerializer


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Legal and administrative documents; number + year + issuer identify one."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet

    def get_base_queryset(self):
        return Document.objects.prefetch_related("clusters")
