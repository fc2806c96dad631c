"""meta types: Args marshalling fixtures and merge rules, Unstructured, URL/Prefix, PEM checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types.common.netaddr import Addr, AddrPort, Prefix
from pytalos.machinery.config.types.common.pem import CertificateAndKey, assert_valid_pem
from pytalos.machinery.config.types.common.url import URL, url_parse_error
from pytalos.machinery.config.types.meta import Args, Unstructured, replace_if_set
from pytalos.machinery.crypto.x509 import KeyAlgorithm, new_self_signed_ca
from pytalos.machinery.yamlx import Mapping, Node, emit, parse_document
from tests._shared import config_testdata

pytestmark = pytest.mark.unit

# the values Talos's args_test.go marshals into each fixture
ARGS_FIXTURES: dict[str, Args] = {
    "args_strings.yaml": Args.of(
        {"feature-gates": "ServerSideApply=true", "http2-max-streams-per-connection": "32"}
    ),
    "args_lists.yaml": Args.of(
        {"api-audiences": ["kubernetes.default.svc", "test.local"], "oidc-groups-claim": ["groups"]}
    ),
    "args_mixed.yaml": Args.of(
        {
            "feature-gates": "ServerSideApply=true",
            "advertise-address": "10.0.0.1",
            "api-audiences": ["kubernetes.default.svc", "api.cluster.local"],
            "runtime-config": ["api/all=true", "api/beta=false"],
        }
    ),
    "args_single_element_list.yaml": Args.of({"enable-admission-plugins": ["PodSecurity"]}),
    "args_empty.yaml": Args(),
}


def _args_fixture(name: str) -> Path:
    return config_testdata("types", "meta", "testdata", name)


def _value(text: str, index: int = 0) -> Node:
    """The value node of the ``index``-th key of a YAML mapping."""
    node = parse_document(text)
    assert isinstance(node, Mapping)
    return node.items[index][1]


def _decode_args(text: str) -> Args:
    node = parse_document(text)
    assert node is not None
    return Args.decode(node, "extraArgs")


def test_every_args_fixture_is_covered() -> None:
    on_disk = {p.name for p in _args_fixture("").glob("args_*.yaml")}
    assert on_disk == set(ARGS_FIXTURES)


@pytest.mark.parametrize("name", sorted(ARGS_FIXTURES))
def test_args_marshal_matches_fixture(name: str) -> None:
    expected = _args_fixture(name).read_text()
    assert emit(ARGS_FIXTURES[name].encode()) == expected


@pytest.mark.parametrize("name", sorted(ARGS_FIXTURES))
def test_args_fixture_round_trips(name: str) -> None:
    text = _args_fixture(name).read_text()
    decoded = _decode_args(text)
    assert decoded.to_map() == ARGS_FIXTURES[name].to_map()
    assert emit(decoded.encode()) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key: value\n", {"key": ["value"]}),
        ("key:\n  - a\n  - b\n", {"key": ["a", "b"]}),
        ("key: []\n", {"key": []}),
        ('key: "32"\n', {"key": ["32"]}),
        ("key: 32\n", {"key": ["32"]}),
        ("key: true\n", {"key": ["true"]}),
    ],
)
def test_args_unmarshal_forms(text: str, expected: dict[str, list[str]]) -> None:
    assert _decode_args(text).to_map() == expected


def test_args_number_like_string_is_quoted_on_output() -> None:
    assert emit(_decode_args("a: 32\nb: [x]\n").encode()) == 'a: "32"\nb:\n    - x\n'


def test_args_empty_list_and_empty_string_forms() -> None:
    assert emit(Args.of({"a": [], "b": ""}).encode()) == "a: []\nb: null\n"


@pytest.mark.parametrize("text", ["key:\n  nested: object\n", "key:\n  - [a]\n"])
def test_args_reject_non_string_values(text: str) -> None:
    with pytest.raises(DecodeError, match="arg value must be a string or list of strings") as exc:
        _decode_args(text)
    assert exc.value.path == "extraArgs.key"


def test_args_reject_non_mapping() -> None:
    with pytest.raises(DecodeError, match="expected a mapping"):
        _decode_args("- a\n")


def test_args_merge_into_empty() -> None:
    assert Args().merge_from(Args.of({"foo": "bar"})).to_map() == {"foo": ["bar"]}


def test_args_merge_overwrites_keys_without_appending() -> None:
    left = Args.of({"foo": "old", "baz": "keep", "list": ["a"]})
    merged = left.merge_from(Args.of({"foo": "new", "qux": ["x", "y"], "list": ["b"]}))
    assert merged.to_map() == {"foo": ["new"], "baz": ["keep"], "qux": ["x", "y"], "list": ["b"]}
    assert left.to_map()["foo"] == ["old"]  # the left operand is not mutated


def test_args_merge_empty_other_is_noop() -> None:
    left = Args.of({"foo": "bar"})
    assert left.merge_from(Args()) is left


def test_args_merge_wrong_type() -> None:
    with pytest.raises(TypeError, match="cannot merge Args with"):
        Args().merge_from({"foo": "bar"})


def test_args_container_helpers() -> None:
    args = Args.of({"a": "1"}, b=["2"])
    assert len(args) == 2 and "a" in args and args["b"] == ["2"]


def test_unstructured_sorted_output_and_null() -> None:
    node = parse_document("b: 1\na:\n  z: [1, 2]\n  c: 'x'\n")
    assert node is not None
    value = Unstructured.decode(node, "config")
    assert emit(value.encode()) == "a:\n    c: x\n    z:\n        - 1\n        - 2\nb: 1\n"
    assert Unstructured.decode(_value("x: ~\n"), "config").is_zero()
    assert emit(Unstructured().encode()) == "{}\n"


def test_unstructured_rejects_list() -> None:
    node = parse_document("- a\n")
    assert node is not None
    with pytest.raises(DecodeError, match="expected a mapping"):
        Unstructured.decode(node, "config")


def test_unstructured_merge_is_deep_and_replace_helper_replaces() -> None:
    left = Unstructured({"a": {"x": 1, "l": [1]}, "keep": True})
    right = Unstructured({"a": {"y": 2, "l": [2]}})
    assert left.merge_from(right).object == {"a": {"x": 1, "y": 2, "l": [1, 2]}, "keep": True}
    assert replace_if_set(left, right) is right
    assert replace_if_set(left, Unstructured()) is left


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("https://example.com:6443/", None),
        ("://x", 'parse "://x": missing protocol scheme'),
        ("1a:b/c", 'parse "1a:b/c": first path segment in URL cannot contain colon'),
        ("http://a\nb", 'parse "http://a\\nb": net/url: invalid control character in URL'),
        ("http://[::1/x", "parse \"http://[::1/x\": missing ']' in host"),
        ("http://h:8a/", 'parse "http://h:8a/": invalid port ":8a" after host'),
        ("http://h/%zz", 'parse "http://h/%zz": invalid URL escape "%zz"'),
        ("a?b:c", None),
    ],
)
def test_url_parse_errors(text: str, error: str | None) -> None:
    assert url_parse_error(text) == error


def test_url_codec() -> None:
    url = URL.decode(_value("u: HTTPS://x.example/a\n"), "u")
    assert url.scheme == "https" and str(url) == "HTTPS://x.example/a"
    assert emit(url.encode()) == "HTTPS://x.example/a\n"
    with pytest.raises(DecodeError, match="missing protocol scheme"):
        URL.decode(_value("u: ':bad'\n"), "u")


@pytest.mark.parametrize(
    ("text", "masked"),
    [("10.244.0.0/16", True), ("10.0.0.1/8", False), ("fd00::/64", True), ("2001:DB8::1/128", True)],
)
def test_prefix_keeps_host_bits(text: str, masked: bool) -> None:
    prefix = Prefix.parse(text)
    assert prefix.is_masked() is masked
    assert str(prefix) == text.lower()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.0", "no '/'"),
        ("10.0.0.0/33", "prefix length out of range"),
        ("10.0.0.0/08", 'bad bits after slash: "08"'),
        ("nope/8", 'ParseAddr("nope"): unable to parse IP'),
    ],
)
def test_prefix_errors(text: str, message: str) -> None:
    with pytest.raises(DecodeError, match=re.escape(message)):
        Prefix.decode(_value(f"p: {text}\n"), "podSubnets[0]")


def test_addr_and_addrport() -> None:
    text = "a: 10.0.0.1\nb: '[::1]:80'\nc: '::1:80'\n"
    assert str(Addr.decode(_value(text, 0), "a")) == "10.0.0.1"
    assert str(AddrPort.decode(_value(text, 1), "b")) == "[::1]:80"
    with pytest.raises(DecodeError, match="IPv6 addresses must be surrounded by square brackets"):
        AddrPort.decode(_value(text, 2), "c")


CERT_PEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"


def test_assert_valid_pem() -> None:
    assert assert_valid_pem(CERT_PEM + CERT_PEM, "CERTIFICATE") is None
    assert assert_valid_pem("garbage") == "no PEM blocks found"
    assert assert_valid_pem("-----BEGIN CERTIFICATE-----\nMIIC0DCC\nAbc\n-----END CERTIFICATE-----") == (
        "no PEM blocks found"
    )
    assert assert_valid_pem(KEY_PEM, "CERTIFICATE") == (
        'unexpected PEM block type "EC PRIVATE KEY", expected one of ["CERTIFICATE"]'
    )


def test_certificate_and_key_validate() -> None:
    ca = new_self_signed_ca(algorithm=KeyAlgorithm.ECDSA)
    good = CertificateAndKey(cert=ca.crt.decode(), key=ca.key.decode())
    assert good.validate(True) is None
    assert CertificateAndKey(key="k").validate(False) == "certificate is required"
    assert CertificateAndKey(cert="c").validate(False) == "key is required"
    assert CertificateAndKey(cert="c", key="k").validate(False) == "certificate: no PEM blocks found"
    assert CertificateAndKey(cert=CERT_PEM, key="k").validate(False) == "key: no PEM blocks found"
    assert CertificateAndKey(cert=CERT_PEM, key=KEY_PEM).validate(False) is None
    assert CertificateAndKey(cert=CERT_PEM, key=KEY_PEM).validate(True).startswith("certificate is invalid: ")
    assert CertificateAndKey(cert=good.cert, key=KEY_PEM).validate(True).startswith("key is invalid: ")
