"""Whose address a request comes from: X-Forwarded-For counts only when the proxy that
passed it on is one the operator trusts (peerlearn.ui.client)."""

import pytest

from peerlearn.ui.client import (
    TRUSTED_PROXIES,
    client_address,
    distinct_client_address,
    trusted_proxies,
)

NGINX = trusted_proxies("10.0.0.5, 192.168.7.0/24 ::1")


def test_the_trusted_proxies_are_read_from_a_list_of_addresses_and_networks():
    assert [str(n) for n in NGINX] == ["10.0.0.5/32", "192.168.7.0/24", "::1/128"]
    assert trusted_proxies("") == () and trusted_proxies(None) == ()
    assert [str(n) for n in trusted_proxies("10.0.0.5, not-an-address")] == ["10.0.0.5/32"]


def test_the_trusted_proxies_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(TRUSTED_PROXIES, "10.0.0.5")
    assert client_address("10.0.0.5", "203.0.113.9") == "203.0.113.9"
    monkeypatch.delenv(TRUSTED_PROXIES)
    assert client_address("10.0.0.5", "203.0.113.9") == "10.0.0.5"


def test_an_untrusted_peer_s_forwarded_for_is_ignored():
    assert client_address("198.51.100.4", "203.0.113.9", trusted=NGINX) == "198.51.100.4"
    assert client_address("198.51.100.4", "203.0.113.9", trusted=()) == "198.51.100.4"


def test_a_trusted_proxy_s_forwarded_for_is_honoured():
    assert client_address("10.0.0.5", "203.0.113.9", trusted=NGINX) == "203.0.113.9"
    assert client_address("::1", " 2001:db8::7 ", trusted=NGINX) == "2001:db8::7"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        # A client may send any X-Forwarded-For; the proxy appends who it saw: the
        # rightmost address that is not a trusted proxy is the client.
        ("1.2.3.4, 203.0.113.9", "203.0.113.9"),
        ("1.2.3.4, 203.0.113.9, 192.168.7.20", "203.0.113.9"),
        ("203.0.113.9,192.168.7.20,10.0.0.5", "203.0.113.9"),
        # Every hop trusted: the first of them.
        ("192.168.7.20, 10.0.0.5", "192.168.7.20"),
        # Not an address where a trusted proxy wrote one: the last hop that is known.
        ("203.0.113.9, junk", "10.0.0.5"),
        ("", "10.0.0.5"),
        (None, "10.0.0.5"),
    ],
)
def test_the_rightmost_untrusted_address_is_the_client(forwarded, client):
    assert client_address("10.0.0.5", forwarded, trusted=NGINX) == client


def test_no_peer_is_the_machine_itself():
    """Streamlit gives no address for a browser on the same machine (or a proxy there)."""
    assert client_address(None, None, trusted=()) == "127.0.0.1"
    assert client_address(None, "203.0.113.9", trusted=trusted_proxies("127.0.0.1")) == (
        "203.0.113.9"
    )
    assert client_address(None, "203.0.113.9", trusted=()) == "127.0.0.1"


def test_a_request_from_this_machine_tells_no_browser_apart():
    """Limits per address leave out what seems to come from this machine (no proxy
    trusted, a local test): it would hold back everybody at once."""
    assert distinct_client_address() is None
