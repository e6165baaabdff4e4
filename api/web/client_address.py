"""The address of the person behind a request, believing X-Forwarded-For only from proxies
listed in TRUSTED_PROXIES (anyone else could write any address into that header)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from starlette.requests import Request

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _parse(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(ip: IPAddress, trusted: Sequence[str]) -> bool:
    return any(ip in network for network in _networks(tuple(trusted)))


def resolve(peer: str | None, forwarded_for: str | None, trusted: Sequence[str]) -> str:
    """Walk X-Forwarded-For from the right, skipping trusted proxies; the first untrusted hop
    is the client. Without a trusted peer the header is ignored."""
    peer_ip = _parse(peer) if peer else None
    if peer_ip is None:
        return peer or "unknown"
    if not forwarded_for or not _is_trusted(peer_ip, trusted):
        return str(peer_ip)
    client = peer_ip
    for hop in reversed(forwarded_for.split(",")[-20:]):
        hop_ip = _parse(hop)
        if hop_ip is None:
            break
        client = hop_ip
        if not _is_trusted(hop_ip, trusted):
            break
    return str(client)


def client_address(request: Request, trusted: Sequence[str], header: str = "") -> str:
    peer = request.client.host if request.client else None
    if header and peer:
        # A proxy that states the client in a header of its own (Netlify:
        # X-Nf-Client-Connection-Ip) is believed only when the request comes from it.
        peer_ip = _parse(peer)
        stated = _parse(request.headers.get(header, ""))
        if peer_ip is not None and stated is not None and _is_trusted(peer_ip, trusted):
            return str(stated)
    return resolve(peer, request.headers.get("x-forwarded-for"), trusted)


async def request_client_address(request: Request) -> str:
    """The client address under the app's settings; a route dependency (see api.web.deps)."""
    settings = request.app.state.settings
    return client_address(request, settings.TRUSTED_PROXIES, settings.CLIENT_ADDRESS_HEADER)
