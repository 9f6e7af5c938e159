"""Throttles keyed on the signed-in user, else on the real client address (icis.core.network).

`ClientScopedRateThrottle` counts in the cache every process shares (`ICIS_THROTTLE_CACHE`), so N
workers do not give N times the limit: for the limits that protect something (sign-in tokens, enquiries
that write and reach an official). Counting there costs several database queries a request.

`ProcessScopedRateThrottle` counts in this process's memory (`ICIS_LOCAL_THROTTLE_CACHE`, no query): for
the anonymous read-only public API, whose answers are cached and cheap, where the limit only has to stop
one client from hogging a worker. With N worker processes a client may get up to N times the rate; that
is the price of a read path with no query (docs/portal.md, "Rate limits")."""

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


class ProcessScopedRateThrottle(ClientScopedRateThrottle):
    @property
    def cache(self):
        return caches[settings.ICIS_LOCAL_THROTTLE_CACHE]
