"""Administrative units: public reference data, the same for every signed-in user."""

from django.db.models import Count, Prefetch
from rest_framework import mixins, viewsets

from icis.core.api.pagination import StandardPagination

from ..filtersets import CommuneFilterSet
from ..models import Commune, CommuneMerge, Province
from .serializers import CommuneSerializer, ProvinceSerializer


class ProvinceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The provinces in force since 2025-07-01 (34 after set-up), with their number of communes."""

    serializer_class = ProvinceSerializer

    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return Province.objects.annotate(commune_count=Count("commune")).order_by("code")


class CommunePagination(StandardPagination):
    page_size = 200
    max_page_size = 1000


class CommuneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Commune-level units with the old communes (and their districts and provinces) merged into each.

    `q` also matches the old names, without diacritics ("phu xuyen", "ha giang")."""

    serializer_class = CommuneSerializer

    lookup_field = "code"
    filterset_class = CommuneFilterSet
    pagination_class = CommunePagination

    def get_queryset(self):
        merges = CommuneMerge.objects.select_related("legacy_commune__district").order_by("legacy_commune_id")
        return Commune.objects.prefetch_related(Prefetch("merges", queryset=merges)).order_by("province_id", "code")
