"""Which urls a spider may fetch: http(s) to public addresses only.

Checked for every request, robots.txt and redirects included, so a page, a feed or a
redirect cannot point the crawler at the network it runs in (cloud metadata, databases).
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = {"http", "https"}


class RefusedUrl(ValueError):
    pass


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address.is_global and not address.is_multicast


def resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise RefusedUrl(f"dns_error: {host}: {exc.strerror}") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_url(url: str, *, allow_loopback: bool = False) -> None:
    """Raise RefusedUrl unless `url` is http(s) to a host whose every address is public.

    `allow_loopback` is the tests' allowance for a replay site on 127.0.0.1; it admits
    loopback addresses only, never private or link-local ones.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise RefusedUrl(f"refused_scheme: {parts.scheme or '(none)'}")
    host = parts.hostname
    if not host:
        raise RefusedUrl("refused_url: no host")
    for address in resolve(host):
        if _is_public(address):
            continue
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        if allow_loopback and (address.is_loopback or (mapped and mapped.is_loopback)):
            continue
        raise RefusedUrl(f"refused_address: {host} resolves to non-public {address}")
