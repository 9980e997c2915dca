"""SSRF guard: the server fetches URLs users give it, so refuse anything not on the public internet.

The check resolves the host itself; httpx resolves it again when connecting, so a DNS answer that
changes in between (rebinding) is not covered here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from bot.errors import FeedError, UnsafeURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _non_public_reason(address: IPAddress) -> str | None:
    """Say why ``address`` is not a public internet address, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _non_public_reason(address.ipv4_mapped)
    checks = (
        # Most specific first: is_private also covers loopback, link-local and reserved blocks.
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private network address"),
        # Catches the rest, e.g. 100.64.0.0/10 (carrier-grade NAT, RFC 6598).
        (not address.is_global, "not a public internet address"),
    )
    return next((reason for failed, reason in checks if failed), None)


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _resolve(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FeedError(f"cannot resolve host {host!r}: check the address for typos") from exc
    # A scoped IPv6 address comes back as "fe80::1%eth0"; the scope does not change its class.
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FeedError(f"cannot resolve host {host!r}: no addresses found")
    return addresses


def _split_host_port(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FeedError(f"not a valid URL: {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}://" if scheme else "no scheme"
        raise UnsafeURLError(
            f"only http:// and https:// addresses can be fetched, not {shown} ({url!r})"
        )
    if not host:
        raise UnsafeURLError(f"the URL has no host name: {url!r}")
    return scheme, host, port or DEFAULT_PORTS[scheme]


async def ensure_public_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeURLError unless ``url`` is http(s) and every address of its host is public."""
    _, host, port = _split_host_port(url)
    if allow_private:
        return
    literal = _literal_address(host)
    addresses = [literal] if literal is not None else await _resolve(host, port)
    for address in addresses:
        reason = _non_public_reason(address)
        if reason is not None:
            where = host if literal is not None else f"{host} resolves to {address}, which"
            raise UnsafeURLError(
                f"refusing to fetch {url}: {where} is {reason}; "
                "geodigest only fetches addresses on the public internet"
            )
