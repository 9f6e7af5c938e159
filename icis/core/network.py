"""The client's address under the proxy rule, for throttles, lock-outs and the audit log.

`X-Forwarded-For` is read only when the request came from a trusted proxy (`ICIS_TRUSTED_PROXIES`,
addresses or networks), and then from the right, skipping further trusted proxies: the first
untrusted hop is the client. Anything a client writes into the header itself lies to the left of
that hop and is never used, so rotating the header changes nothing.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of whoever sent `request` (a Django or DRF request), or None without one."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_networks(tuple(settings.ICIS_TRUSTED_PROXIES))

    def trusted(address: Address) -> bool:
        return any(address in network for network in networks)

    closest = remote
    if not trusted(remote):
        return str(remote)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: the last trusted proxy is the closest address we know
        if not trusted(address):
            return str(address)
        closest = address
    return str(closest)
