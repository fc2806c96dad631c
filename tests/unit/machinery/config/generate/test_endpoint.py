"""Cluster endpoint validation: Talos's messages and "try:" suggestions (integration test ``gen.go``)."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.generate.endpoint import (
    EndpointError,
    fix_control_plane_endpoint,
    is_ipv6_address,
    validate_cluster_endpoint,
)
from pytalos.machinery.config.types.common.neturl import GoURL

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (
            "192.168.0.1",
            'no scheme and port specified for the cluster endpoint URL\ntry: "https://192.168.0.1:6443"',
        ),
        (
            "192.168.0.1:6443",
            'no scheme specified for the cluster endpoint URL\ntry: "https://192.168.0.1:6443"',
        ),
        (
            "192.168.0.1:2000",
            'no scheme specified for the cluster endpoint URL\ntry: "https://192.168.0.1:2000"',
        ),
        (
            "http://192.168.0.1:2000",
            'the control plane endpoint URL should have scheme https://\ntry: "https://192.168.0.1:2000"',
        ),
        (
            "example.com",
            'no scheme and port specified for the cluster endpoint URL\ntry: "https://example.com:6443"',
        ),
        (
            "https://fd00::1:6443",
            "error validating the cluster endpoint URL: IPv6 addresses MUST be enclosed by square brackets",
        ),
        ("https://:6443", "error validating the cluster endpoint URL: hostname must not be blank"),
        (
            "https://a.example:99999",
            "error validating the cluster endpoint URL: port number must be between 1 and 65535",
        ),
        (
            "https://a.example:x/",
            "failed to parse the cluster endpoint URL: "
            'parse "https://a.example:x/": invalid port ":x" after host',
        ),
    ],
)
def test_invalid(endpoint: str, message: str) -> None:
    with pytest.raises(EndpointError) as err:
        validate_cluster_endpoint(endpoint)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "endpoint",
    ["https://192.168.0.1:6443", "https://a.example", "https://[fd00::1]:6443", "https://kube:443/"],
)
def test_valid(endpoint: str) -> None:
    validate_cluster_endpoint(endpoint)


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        (GoURL.parse("10.0.0.1"), "https://10.0.0.1:6443"),  # a bare host parses as a path
        (GoURL(host="10.0.0.1:2000"), "https://10.0.0.1:2000"),  # host:port does not parse at all
        (GoURL.parse("http://[fd00::1]/x?q=1"), "https://[fd00::1]:6443/x?q=1"),
        (GoURL.parse("localhost:6443"), "https:6443"),  # scheme "localhost", opaque "6443" (as in Go)
    ],
)
def test_fix_control_plane_endpoint(url: GoURL, fixed: str) -> None:
    before = str(url)
    assert str(fix_control_plane_endpoint(url)) == fixed
    assert str(url) == before  # the suggestion is a copy


def test_parse_error_quotes_the_url_without_fragment() -> None:
    with pytest.raises(EndpointError) as err:
        validate_cluster_endpoint("https://h:x/#frag")
    assert (
        str(err.value)
        == 'failed to parse the cluster endpoint URL: parse "https://h:x/": invalid port ":x" after host'
    )


def test_is_ipv6_address() -> None:
    assert is_ipv6_address("fd00::1")
    assert not is_ipv6_address("10.0.0.1")
    assert not is_ipv6_address("https://[fd00::1]:6443")
