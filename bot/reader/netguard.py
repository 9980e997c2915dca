"""SSRF guard: the server fetches URLs users give it, so refuse anything not on the public internet.

Two steps. ``ensure_public_url`` checks the scheme and literal addresses before a request
(cheap, and the message can name the URL). ``PinnedTransport`` does the rest when connecting:
it resolves the host name once, checks every address, and connects to an address it checked.
httpx would otherwise resolve the name again itself, and a DNS answer that changes in between
(rebinding: public for the check, loopback for the connection) would reach internal services.
The Host header, TLS SNI and certificate checks still use the name from the URL, since httpcore
takes them from the request, not from the address the socket connected to. Every redirect hop
is a new request and goes through both steps again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.errors import FeedError, UnsafeURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Host name and port in, addresses out: the system resolver, or a test's own.
Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# httpx's own defaults (httpx.DEFAULT_LIMITS), for the pool this module builds.
_MAX_CONNECTIONS = 100
_MAX_KEEPALIVE = 20
_KEEPALIVE_SECONDS = 5.0


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries, which is where its packets really go."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped, ""
    if address.sixtofour is not None:  # 2002::/16, RFC 3056
        return address.sixtofour, " (inside a 6to4 address)"
    if address.teredo is not None:  # 2001::/32, RFC 4380: (server, client)
        return address.teredo[1], " (inside a Teredo address)"
    return None


def _non_public_reason(address: IPAddress) -> str | None:
    """Say why ``address`` is not a public internet address, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        reason = _non_public_reason(embedded[0]) if embedded else None
        if embedded and reason:
            return reason + embedded[1]
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


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The addresses the operating system's resolver gives for ``host``."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FeedError(f"cannot resolve host {host!r}: check the address for typos") from exc
    # A scoped IPv6 address comes back as "fe80::1%eth0"; the scope does not change its class.
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FeedError(f"cannot resolve host {host!r}: no addresses found")
    return list(dict.fromkeys(addresses))


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


def _refuse(address: IPAddress, subject: str, *, allow_private: bool) -> None:
    reason = None if allow_private else _non_public_reason(address)
    if reason is not None:
        raise UnsafeURLError(
            f"refusing to fetch {subject} is {reason}; "
            "geodigest only fetches addresses on the public internet"
        )


async def ensure_public_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeURLError unless ``url`` is http(s) and not a literal non-public address.

    Host names are checked by what they resolve to when connecting (``PinnedTransport``).
    """
    _, host, _ = _split_host_port(url)
    literal = _literal_address(host)
    if literal is not None:
        _refuse(literal, f"{url}: {host}", allow_private=allow_private)


async def vetted_addresses(
    host: str, port: int, *, resolver: Resolver, allow_private: bool
) -> list[IPAddress]:
    """Every address of ``host``, or UnsafeURLError if any of them is not public."""
    literal = _literal_address(host)
    addresses = [literal] if literal is not None else list(await resolver(host, port))
    if not addresses:
        raise FeedError(f"cannot resolve host {host!r}: no addresses found")
    for address in addresses:
        subject = (
            f"{host}: it" if literal is not None else f"{host}: it resolves to {address}, which"
        )
        _refuse(address, subject, allow_private=allow_private)
    return addresses


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses that passed the guard, resolving names once.

    The ``timeout`` parameters are httpcore's interface, not ours to change.
    """

    def __init__(self, *, resolver: Resolver, allow_private: bool) -> None:
        self._resolver, self._allow_private = resolver, allow_private
        self._sockets = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await vetted_addresses(
            host, port, resolver=self._resolver, allow_private=self._allow_private
        )
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._sockets.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeURLError("geodigest does not fetch over Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._sockets.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, connecting through ``PinnedBackend``.

    httpx 0.28 takes no network backend, so the connection pool the base class built is
    replaced by one that uses ours; requests, streaming and error mapping stay httpx's. Proxies
    from the environment are not used: through a proxy the guard could not see where it goes.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        super().__init__(verify=verify, trust_env=False)
        context = (
            verify
            if isinstance(verify, ssl.SSLContext)
            else httpx.create_ssl_context(verify=verify)
        )
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=_MAX_CONNECTIONS,
            max_keepalive_connections=_MAX_KEEPALIVE,
            keepalive_expiry=_KEEPALIVE_SECONDS,
            network_backend=PinnedBackend(resolver=resolver, allow_private=allow_private),
        )
