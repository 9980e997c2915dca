"""DNS rebinding: the fetcher connects to the address it checked, over real HTTP and TLS.

Two local servers share one port: a "public" site on 127.0.0.2 (which these tests let the guard
count as public) and an "internal" service on 127.0.0.1. Names resolve through a resolver the
test scripts: public first, loopback on every later question, as a rebinding DNS server does.
"""

from __future__ import annotations

import contextlib
import ipaddress
import ssl
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import httpx
import pytest
import trustme

from bot.config import Settings
from bot.errors import FeedError, UnsafeURLError
from bot.reader import netguard
from bot.reader.fetcher import FeedFetcher
from bot.reader.netguard import IPAddress, PinnedTransport, Resolver
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer, fixture_bytes

PUBLIC = ipaddress.ip_address("127.0.0.2")
INTERNAL = ipaddress.ip_address("127.0.0.1")
NAME = "news.rebind.test"


@dataclass
class RebindingResolver:
    """Answers each name from its script in turn, the last answer repeating; counts questions."""

    script: dict[str, list[IPAddress]]
    asked: list[str] = field(default_factory=list)

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        self.asked.append(host)
        answers = self.script[host]
        return [answers.pop(0) if len(answers) > 1 else answers[0]]


@dataclass
class Sites:
    public: FeedServer
    internal: FeedServer

    def url(self, name: str, path: str) -> str:
        return f"{self.public.base_url.split(':')[0]}://{name}:{self.public.port}{path}"


@pytest.fixture(autouse=True)
def public_test_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let 127.0.0.2 pass as a public address; every other address meets the real guard."""
    real = netguard._non_public_reason

    def reason(address: IPAddress) -> str | None:
        return None if address == PUBLIC else real(address)

    monkeypatch.setattr(netguard, "_non_public_reason", reason)


async def _sites(tls: ssl.SSLContext | None = None) -> Sites:
    internal = FeedServer()
    await internal.start(host=str(INTERNAL), tls=tls)
    public = FeedServer()
    await public.start(host=str(PUBLIC), port=internal.port, tls=tls)
    internal.serve("/rss", rss_feed("Internal secrets", [Item("Root password", "http://x/")]))
    public.serve("/rss", fixture_bytes("rss20.xml"))
    return Sites(public, internal)


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    found = await _sites()
    yield found
    await found.public.close()
    await found.internal.close()


@contextlib.asynccontextmanager
async def _fetcher(
    resolver: Resolver, verify: ssl.SSLContext | bool = True
) -> AsyncIterator[FeedFetcher]:
    """A fetcher as the service builds it, with its names answered by ``resolver``."""
    settings = Settings(_env_file=None, allow_private_urls=False)
    transport = PinnedTransport(allow_private=False, resolver=resolver, verify=verify)
    async with httpx.AsyncClient(transport=transport) as client:
        yield FeedFetcher(settings, client=client)


async def test_the_connection_goes_to_the_address_that_was_checked(sites: Sites) -> None:
    resolver = RebindingResolver({NAME: [PUBLIC, INTERNAL]})
    async with _fetcher(resolver) as fetcher:
        result = await fetcher.fetch(sites.url(NAME, "/rss"))
    assert result.title == "World Desk & Analysis"
    # One question per connection: no second lookup that could answer differently.
    assert resolver.asked == [NAME]
    (request,) = sites.public.requests
    assert request.headers["Host"] == f"{NAME}:{sites.public.port}"
    # A new connection asks again; the name now points inside and is refused.
    async with _fetcher(resolver) as fetcher:
        with pytest.raises(
            UnsafeURLError, match=rf"{NAME}: it resolves to 127\.0\.0\.1, .*loopback"
        ):
            await fetcher.fetch(sites.url(NAME, "/rss"))
    assert sites.internal.requests == []


async def test_a_redirect_is_checked_again_at_its_own_address(sites: Sites) -> None:
    resolver = RebindingResolver({NAME: [PUBLIC], "intranet.rebind.test": [INTERNAL]})
    sites.public.redirect("/moved", sites.url("intranet.rebind.test", "/rss"), status=302)
    async with _fetcher(resolver) as fetcher:
        with pytest.raises(UnsafeURLError, match=r"intranet\.rebind\.test: it resolves to 127\."):
            await fetcher.fetch(sites.url(NAME, "/moved"))
    assert [r.path for r in sites.public.requests] == ["/moved"]
    assert sites.internal.requests == []


async def test_a_name_with_any_internal_address_is_refused(sites: Sites) -> None:
    async def both(host: str, port: int) -> Sequence[IPAddress]:
        return [PUBLIC, INTERNAL]

    async with _fetcher(both) as fetcher:
        with pytest.raises(UnsafeURLError, match=r"resolves to 127\.0\.0\.1, which is a loopback"):
            await fetcher.fetch(sites.url(NAME, "/rss"))
    assert sites.public.requests == sites.internal.requests == []


async def test_tls_is_verified_for_the_name_not_the_address() -> None:
    authority = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(NAME).configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    authority.configure_trust(client_tls)
    tls_sites = await _sites(server_tls)
    try:
        resolver = RebindingResolver({NAME: [PUBLIC], "other.rebind.test": [PUBLIC]})
        async with _fetcher(resolver, verify=client_tls) as fetcher:
            result = await fetcher.fetch(tls_sites.url(NAME, "/rss"))
            assert result.title == "World Desk & Analysis"
            # Same address, a name the certificate does not cover: refused by verification.
            with pytest.raises(FeedError, match=r"could not connect.*CERTIFICATE_VERIFY_FAILED"):
                await fetcher.fetch(tls_sites.url("other.rebind.test", "/rss"))
    finally:
        await tls_sites.public.close()
        await tls_sites.internal.close()
    assert len(tls_sites.public.requests) == 1
    assert tls_sites.internal.requests == []


async def test_a_host_name_is_checked_by_what_the_system_resolves_it_to(
    feed_server: FeedServer,
) -> None:
    feed_server.serve("/rss", fixture_bytes("rss20.xml"))
    guarded = Settings(_env_file=None, allow_private_urls=False)
    async with FeedFetcher(guarded) as fetcher:
        with pytest.raises(UnsafeURLError, match="localhost: it resolves to"):
            await fetcher.fetch(f"http://localhost:{feed_server.port}/rss")
    assert feed_server.requests == []


async def test_an_unresolvable_host_is_a_feed_error_not_an_unsafe_url() -> None:
    # A 64-character label cannot be encoded, so resolution fails before any DNS query.
    guarded = Settings(_env_file=None, allow_private_urls=False)
    async with FeedFetcher(guarded) as fetcher:
        with pytest.raises(FeedError, match="cannot resolve host") as caught:
            await fetcher.fetch(f"http://{'a' * 64}.example/feed")
    assert not isinstance(caught.value, UnsafeURLError)
