"""Where requests may go: http(s) only, and only to public addresses unless a source allows more.

A feed, a sitemap or a redirect names the URLs we request, so whoever writes them could point
the fetcher at the machine's own services, the local network or the cloud metadata endpoint
(server-side request forgery). Before every request, and again on every redirect hop, the URL's
host is resolved and every address it resolves to must be public; a source lets its own private
or loopback networks through with `allowed_networks` (the demo and the tests allow loopback).

The window left open (DNS rebinding): the host is resolved here, then httpx resolves it again
when it connects, so a name server that answers a public address to us and a private one to
httpx a moment later gets through. Closing it means connecting to the checked address itself
(with the host name in the Host header and as TLS SNI), which loses httpx's fallback across a
host's addresses and would go through every request the fetcher sends; it is accepted because
the attacker has to run the site's DNS as well as write its feeds, and a rebound request still
goes out as a plain GET with no credentials of ours.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from urllib.parse import urlsplit

from winnow.sources.urls import WEB_SCHEMES

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Named so that the reason says what a request there would have read: the cloud's credentials.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254"))
METADATA_HOSTS = frozenset({"metadata.google.internal"})
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT
# Long enough that a run asks once per host, short enough that a changed record is seen.
RESOLUTION_TTL_S = 60.0

REFUSED = "skipped"  # a refusal is permanent: the frontier does not retry a skipped URL
UNRESOLVED = "failed"  # a name that does not resolve now may resolve next run


def parse_networks(cidrs: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """`allowed_networks` as networks; a bare address is a network of one."""
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def address_kind(address: Address) -> str | None:
    """What makes `address` off limits ("a private address", ...), or None for a public one."""
    address = _unmapped(address)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata endpoint"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address in SHARED_ADDRESS_SPACE:
        return "a shared (carrier-grade NAT) address"
    if address.is_reserved:  # before private: Python counts 240.0.0.0/4 private too
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a special-purpose address"
    return None


def refused_kind(address: Address, allowed_networks: tuple[Network, ...]) -> str | None:
    """The kind of `address` when a request to it is refused (see `address_kind`), or None."""
    kind = address_kind(address)
    if kind is None or any(a in network for a in {address, _unmapped(address)} for network in allowed_networks):
        return None
    return kind


def _unmapped(address: Address) -> Address:
    """::ffff:127.0.0.1 as 127.0.0.1: a dual-stack socket connects to the IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class AddressGuard:
    """Checks URLs against the policy, resolving each host at most once per RESOLUTION_TTL_S.

    One guard serves one Fetcher (one run); concurrent checks of a host share its lookup.
    """

    def __init__(self) -> None:
        self._lookups: dict[str, tuple[float, asyncio.Task[list[Address] | str]]] = {}

    async def refusal(self, url: str, allowed_networks: tuple[Network, ...]) -> tuple[str, str] | None:
        """(outcome, reason) when `url` may not be requested; None when the policy has no
        objection. A URL too malformed to judge is left to the fetcher's own URL check."""
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises on a port that is no number
        except ValueError:
            return None
        if not parts.scheme:
            return None
        if parts.scheme.lower() not in WEB_SCHEMES:
            return REFUSED, f"refused: scheme {parts.scheme!r} is not http or https"
        if not parts.hostname:
            return None
        host = parts.hostname.rstrip(".")
        if host in METADATA_HOSTS:
            return REFUSED, f"refused: {host} is a cloud metadata endpoint"
        literal = _literal(host)
        addresses = [literal] if literal is not None else await self._resolve(host)
        if isinstance(addresses, str):
            return UNRESOLVED, f"cannot resolve host {host} ({addresses})"
        for address in addresses:
            if kind := refused_kind(address, allowed_networks):
                what = f"{host} is" if literal is not None else f"{host} resolves to {address},"
                return REFUSED, f"refused: {what} {kind} (allowed_networks does not include it)"
        return None

    async def _resolve(self, host: str) -> list[Address] | str:
        """Every address of `host`, or why it has none."""
        now = time.monotonic()
        cached = self._lookups.get(host)
        if cached is None or cached[0] <= now:
            cached = (now + RESOLUTION_TTL_S, asyncio.ensure_future(_lookup(host)))
            self._lookups[host] = cached
        return await cached[1]


def _literal(host: str) -> Address | None:
    """The address a host written as one names (it needs no DNS), else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _lookup(host: str) -> list[Address] | str:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        return getattr(exc, "strerror", None) or str(exc)
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of what it is.
    return [ipaddress.ip_address(info[4][0].partition("%")[0]) for info in infos]
