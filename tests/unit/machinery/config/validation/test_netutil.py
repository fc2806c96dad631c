"""Go parsing rules behind the network validation messages (net, netip, url, siderolabs/net)."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.validation import netutil

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.0/8", None),
        ("2001:db8::/32", None),
        ("10.2.0.5/31", None),
        ("10.2.0", "invalid CIDR address: 10.2.0"),
        ("10.0.0.0/33", "invalid CIDR address: 10.0.0.0/33"),
        ("fe80::1%eth0/64", "invalid CIDR address: fe80::1%eth0/64"),
        ("10.0.0.0/", "invalid CIDR address: 10.0.0.0/"),
    ],
)
def test_parse_cidr(text: str, expected: str | None) -> None:
    assert netutil.parse_cidr(text) == expected


def test_ip_or_cidr_and_parse_ip() -> None:
    assert netutil.validate_ip_or_cidr("10.35.7.8") is None
    assert netutil.validate_ip_or_cidr("10.3.x") == 'failed to parse IP address "10.3.x"'
    assert netutil.parse_ip("fe80::1%eth0") is None  # net.ParseIP has no zones
    assert netutil.parse_ip("010.1.1.1") is None


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("example.com:1234", True),
        ("12.3.4.5", False),
        ("12.3.4.5:51820", True),
        ("[2001:db8::1]:51820", True),
        ("2001:db8::1", False),
        ("a:b:c", False),
        ("host", False),
    ],
)
def test_address_contains_port(addr: str, expected: bool) -> None:
    assert netutil.address_contains_port(addr) is expected


def test_parse_request_uri() -> None:
    assert netutil.parse_request_uri("foo") == (None, 'parse "foo": invalid URI for request')
    assert netutil.parse_request_uri("") == (None, 'parse "": empty url')
    url, err = netutil.parse_request_uri("https://discovery.talos.dev/")
    assert err is None and url is not None and url.path == "/"
    assert netutil.parse_request_uri('a"b') == (None, 'parse "a\\"b": invalid URI for request')
    assert netutil.parse_request_uri("://x") == (None, 'parse "://x": missing protocol scheme')


def test_subnet_or_address() -> None:
    assert netutil.parse_subnet_or_address("10.0.0.0") is None
    assert netutil.parse_subnet_or_address("fd00::169:254:2:53/128") is None
    assert netutil.parse_subnet_or_address("10") is not None
    assert netutil.parse_subnet_or_address("123::/456") is not None
