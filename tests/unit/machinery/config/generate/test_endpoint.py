"""Cluster endpoint validation: Talos's messages and "try:" suggestions (integration test ``gen.go``)."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.generate.endpoint import (
    EndpointError,
    URLParseError,
    parse_url,
    validate_cluster_endpoint,
)

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


def test_parse_url_matches_go() -> None:
    url = parse_url("https://user@[fd00::1]:6443/path?q=1#frag")
    assert (url.scheme, url.user, url.host, url.path) == ("https", "user", "[fd00::1]:6443", "/path")
    assert (url.hostname(), url.port(), url.raw_query, url.fragment) == ("fd00::1", "6443", "q=1", "frag")
    assert str(url) == "https://user@[fd00::1]:6443/path?q=1#frag"
    opaque = parse_url("localhost:6443")
    assert (opaque.scheme, opaque.opaque) == ("localhost", "6443")
    with pytest.raises(URLParseError, match="first path segment in URL cannot contain colon"):
        parse_url("10.0.0.1:6443")
    with pytest.raises(URLParseError, match="missing protocol scheme"):
        parse_url(":6443")
