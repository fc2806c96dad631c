"""The shared Go ``net/url`` parser: accepted text, Go's error texts, ``URL.String()`` re-escaping."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.types.common.neturl import GoURL, GoURLError, parse_go_url, split_host_port
from pytalos.machinery.config.types.common.url import URL, validate_endpoint_uri

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://10.0.0.1:6443", "https://10.0.0.1:6443"),
        ("HTTPS://Host/a%2fb", "https://Host/a%2fb"),
        ("https://h/a b", "https://h/a%20b"),
        ("tcp://[fd00::1]:514/", "tcp://[fd00::1]:514/"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("/just/a/path?x=1#frag", "/just/a/path?x=1#frag"),
        ("https://user:pw@h/?", "https://user:pw@h/?"),
        ("file:///etc/hosts", "file:///etc/hosts"),
    ],
)
def test_round_trip_through_string(raw: str, expected: str) -> None:
    assert str(parse_go_url(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("://x", "missing protocol scheme"),
        ("1a:b/c", "first path segment in URL cannot contain colon"),
        ("http://[::1", "missing ']' in host"),
        ("http://h:port/", 'invalid port ":port" after host'),
        ("http://h/%g0", 'invalid URL escape "%g0"'),
        ("http://h%41/", 'invalid URL escape "%41"'),
        ("http://a b/", 'invalid character " " in host name'),
    ],
)
def test_parse_errors_use_go_wording(raw: str, reason: str) -> None:
    with pytest.raises(GoURLError) as exc:
        parse_go_url(raw)
    assert exc.value.reason == reason
    assert str(exc.value) == f'parse "{raw}": {reason}'


def test_fragment_is_not_part_of_the_quoted_url_for_main_errors() -> None:
    with pytest.raises(GoURLError, match=r'^parse "://x": missing protocol scheme$'):
        parse_go_url("://x#frag")


def test_host_escapes_are_decoded_and_hostname_port_split() -> None:
    url = parse_go_url("http://[fe80::1%25eth0]:8080/p")
    assert url.host == "[fe80::1%eth0]:8080"
    assert (url.hostname, url.port) == ("fe80::1%eth0", "8080")
    assert split_host_port("host:abc") == ("host:abc", "")


def test_url_codec_accessors_and_query_rewrite() -> None:
    url = URL("grpc://omni:8090/?z=1&jointoken=secret&a=x+y")
    assert (url.scheme, url.hostname, url.port, url.path) == ("grpc", "omni", "8090", "/")
    assert (
        url.with_query({"jointoken": "R", "missing": "m"}).text == "grpc://omni:8090/?a=x+y&jointoken=R&z=1"
    )
    assert URL("http://[::1").scheme == ""  # unparseable text: accessors report nothing
    with pytest.raises(GoURLError):
        _ = URL("http://[::1").parsed
    assert URL().parsed is None


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("https://10.0.0.1:6443", None),
        ("https://[::1]:6443", None),
        ("https://::1:6443", "IPv6 addresses MUST be enclosed by square brackets"),
        ("https://:6443", "hostname must not be blank"),
        ("https://h:70000", "port number must be between 1 and 65535"),
        ("https://h:0", "port number must be between 1 and 65535"),
        ("/manifest.yaml", "hostname must not be blank"),
        ("://x", 'parse "://x": missing protocol scheme'),
    ],
)
def test_validate_endpoint_uri(endpoint: str, error: str | None) -> None:
    assert validate_endpoint_uri(endpoint) == error


def test_parse_returns_subclass_instances() -> None:
    class Sub(GoURL):
        pass

    assert isinstance(Sub.parse("https://x"), Sub)
