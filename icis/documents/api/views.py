from rest_framework import mixins, viewsets

from ..filtersets import DocumentFilterSet
from ..models import Document
from .serializers import DocumentSerializer


class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Legal and administrative documents; number + year + issuer identify one."""

    queryset = Document.objects.prefetch_related("clusters")
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
