"""The SSRF guard refuses non-public addresses and odd schemes; literal IPs only, no DNS.

Host names are checked when connecting: tests/unit/reader/test_pinning.py.
"""

from __future__ import annotations

import pytest

from bot.errors import FeedError, UnsafeURLError
from bot.reader.netguard import ensure_public_url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/feed", "loopback"),
        ("http://127.8.9.10:8080/feed", "loopback"),
        ("http://10.1.2.3/rss", "private"),
        ("http://192.168.0.10/rss", "private"),
        ("http://172.16.5.4/rss", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/feed", "loopback"),
        ("http://[fe80::1]/feed", "link-local"),
        ("http://[fd00::1]/feed", "private"),
        ("http://[::ffff:127.0.0.1]/feed", "loopback"),
        ("http://[::ffff:10.0.0.1]/feed", "private"),
        ("http://0.0.0.0/feed", "unspecified"),
        ("http://224.0.0.1/feed", "multicast"),
        ("http://240.0.0.1/feed", "reserved"),
        ("http://100.64.0.1/feed", "not a public internet address"),
        # IPv6 addresses that carry an IPv4 address: 6to4 (2002::/16) and Teredo (2001::/32).
        ("http://[2002:7f00:1::1]/feed", r"loopback address \(inside a 6to4 address\)"),
        ("http://[2002:a9fe:a9fe::1]/feed", r"link-local address \(inside a 6to4"),
        ("http://[2002:c0a8:1::1]/feed", r"private network address \(inside a 6to4"),
        (
            "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/feed",
            r"loopback address \(inside a Teredo address\)",
        ),
    ],
)
async def test_non_public_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason) as caught:
        await ensure_public_url(url, allow_private=False)
    assert "public internet" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.215.14/feed.xml",
        "http://8.8.8.8:8080/rss",
        "https://[2606:4700::1111]/",
        "http://[2002:808:808::1]/",  # 6to4 of 8.8.8.8
    ],
)
async def test_public_addresses_pass(url: str) -> None:
    await ensure_public_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://93.184.215.14/feed", "gopher://8.8.8.8/", "javascript:alert(1)"],
)
@pytest.mark.parametrize("allow_private", [False, True])
async def test_only_http_and_https_are_fetched(url: str, allow_private: bool) -> None:
    with pytest.raises(UnsafeURLError, match="only http:// and https://"):
        await ensure_public_url(url, allow_private=allow_private)


async def test_url_without_host_is_refused() -> None:
    with pytest.raises(UnsafeURLError, match="no host"):
        await ensure_public_url("http:///feed.xml", allow_private=True)


async def test_private_addresses_pass_when_configuration_allows_them() -> None:
    await ensure_public_url("http://127.0.0.1:9/feed", allow_private=True)
    await ensure_public_url("http://[::1]/feed", allow_private=True)


async def test_bad_port_is_a_clear_feed_error() -> None:
    with pytest.raises(FeedError, match="not a valid URL"):
        await ensure_public_url("http://example.com:99999/feed", allow_private=False)
