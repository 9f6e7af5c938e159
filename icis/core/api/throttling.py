"""Throttles keyed on the signed-in user, else on the real client address (icis.core.network), in
the cache every process shares (`ICIS_THROTTLE_CACHE`), so N workers do not give N times the limit."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import ScopedRateThrottle

from ..network import client_ip


class ClientScopedRateThrottle(ScopedRateThrottle):
    @property
    def cache(self):
        return caches[settings.ICIS_THROTTLE_CACHE]

    def get_ident(self, request):
        return client_ip(request) or "unknown"
