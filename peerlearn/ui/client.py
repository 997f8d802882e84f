"""Whose network address a request comes from, for limits per client.

Behind a proxy every request comes from the proxy. ``X-Forwarded-For`` names the
client, but anyone can send that header: it counts only when the peer that passed it
on is a proxy the operator trusts (``PEERLEARN_TRUSTED_PROXIES``: addresses or
networks, separated by commas or spaces, e.g. "127.0.0.1, 10.0.0.0/24"). Each proxy
appends the address it saw, so the header is read from the right, over trusted
proxies, and the first address that is not one is the client's; whatever lies further
left was written by the client itself.

Streamlit's server (uvicorn) already reads the header when the peer is the machine
itself (its FORWARDED_ALLOW_IPS), and Streamlit gives no address at all for a peer on
the machine: that counts as 127.0.0.1 here.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Sequence

import streamlit as st

TRUSTED_PROXIES = "PEERLEARN_TRUSTED_PROXIES"
LOOPBACK = "127.0.0.1"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

log = logging.getLogger(__name__)


def trusted_proxies(setting: str | None) -> tuple[Network, ...]:
    """The networks in ``setting`` ("10.0.0.5, 192.168.7.0/24"); what is not an
    address or network is left out, and said in the log."""
    found = []
    for item in (setting or "").replace(",", " ").split():
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            log.warning("%s: %r is not an address or network; left out", TRUSTED_PROXIES, item)
    return tuple(found)


def _address(text: str | None) -> Address | None:
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


def client_address(
    peer: str | None,
    forwarded_for: str | None,
    *,
    trusted: Sequence[Network] | None = None,
) -> str:
    """The client's address: ``peer`` (the connection's, None for this machine) unless
    it is a trusted proxy, then the rightmost address of ``forwarded_for`` that is not
    one. ``trusted`` defaults to PEERLEARN_TRUSTED_PROXIES."""
    if trusted is None:
        trusted = trusted_proxies(os.environ.get(TRUSTED_PROXIES))
    client = _address(peer) or ipaddress.ip_address(LOOPBACK)
    hops = (forwarded_for or "").split(",")
    while any(client in network for network in trusted) and hops:
        hop = _address(hops.pop())
        if hop is None:
            break  # not written by a proxy: the last address known stands
        client = hop
    return str(client)


def distinct_client_address() -> str | None:
    """The browser's address where it tells one client from another; None where every
    request seems to come from this machine (no proxy trusted, or a local test), so that
    a limit per address does not hold back everybody at once."""
    address = current_client_address()
    return None if address == LOOPBACK else address


def current_client_address() -> str:
    """The address of the browser behind this run (see :func:`client_address`)."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # no browser behind this run
        return LOOPBACK
    return client_address(peer, ",".join(forwarded))
