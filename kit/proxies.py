"""Who is asking: the client's network address, believing ``X-Forwarded-For`` only from the
proxies named in ``TRUSTED_PROXIES``.

Each proxy appends the address it was reached from to ``X-Forwarded-For``, after whatever the
client sent, so the entries on the right were written by our own proxies and anything on the
left may be forged. When the connection comes from a trusted proxy, the client is the
right-most entry that is not itself a trusted proxy; otherwise the header changes nothing and
the client is the connection's own address. Used for sign-in limits (django-axes), the
password-reset limits and the security log.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` as networks (a single address is a network of one)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from None
    return tuple(networks)


def parse_address(value: str) -> Address | None:
    """An address as a proxy may write it (``203.0.113.5``, ``203.0.113.5:443``, ``2001:db8::1``
    or ``[2001:db8::1]:443``), or None when it is not one."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_ip(request) -> str | None:
    """The client's address, or None when the request has none (django-axes' client address)."""
    remote = parse_address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    client = remote
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:  # not written by a proxy we know: believe nothing further left
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def from_trusted_proxy(request) -> bool:
    """Whether the connection itself comes from one of the proxies in ``TRUSTED_PROXIES``."""
    remote = parse_address(request.META.get("REMOTE_ADDR") or "")
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return remote is not None and _is_trusted(remote, networks)
