"""Custom scalar types: Endpoint (Go url.URL), FileMode, DiskSize, disk size matcher, Unstructured."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types.v1alpha1 import (
    DiskSize,
    Endpoint,
    FileMode,
    InstallDiskSizeMatcher,
    Unstructured,
)
from pytalos.machinery.yamlx import Scalar, Style, emit

from ._helpers import decode, encode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://base:6443", "https://base:6443"),
        ("https://127.0.0.1:6643/", "https://127.0.0.1:6643/"),
        ("https://[fd00::1]:6443", "https://[fd00::1]:6443"),
        ("tcp://1.2.3.4:12345", "tcp://1.2.3.4:12345"),
        ("HTTPS://Host/a%20b?x=1#frag", "https://Host/a%20b?x=1#frag"),
        ("https://host/a b", "https://host/a%20b"),
        ("https://user:pw@host", "https://user:pw@host"),
        ("https://host?", "https://host?"),
        ("mailto:joe@example.com", "mailto:joe@example.com"),
        ("/just/a/path", "/just/a/path"),
        ("", ""),
    ],
)
def test_endpoint_string_matches_go(text: str, expected: str) -> None:
    assert str(Endpoint.parse(text)) == expected


def test_endpoint_parts() -> None:
    url = Endpoint.parse("https://[fd00::1]:6443/path")
    assert (url.scheme, url.host, url.hostname, url.port, url.path) == (
        "https",
        "[fd00::1]:6443",
        "fd00::1",
        "6443",
        "/path",
    )
    assert Endpoint.parse("https://base").port == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (":foo", "missing protocol scheme"),
        ("a:b/c", ""),  # opaque, valid
        ("1.2.3.4:6443", "first path segment in URL cannot contain colon"),
        ("https://host:x", 'invalid port ":x" after host'),
    ],
)
def test_endpoint_parse_errors(text: str, message: str) -> None:
    if not message:
        assert str(Endpoint.parse(text)) == text
        return
    with pytest.raises(ValueError, match=message):
        Endpoint.parse(text)


def test_endpoint_null_is_none_and_merge_keeps_left_path() -> None:
    cfg = decode("cluster:\n    controlPlane:\n        endpoint:\n")
    assert cfg.cluster().control_plane is not None
    assert cfg.cluster().control_plane.endpoint is None
    left = Endpoint.parse("https://a:1/x?q")
    merged = left.merge_from(Endpoint.parse("http://b"))
    assert str(merged) == "http://b/x?q"


@pytest.mark.parametrize(
    ("text", "mode"), [("0o644", 0o644), ("0644", 0o644), ("420", 420), ("0x1ff", 0o777)]
)
def test_file_mode_decode(text: str, mode: int) -> None:
    assert FileMode.decode(Scalar(text, "!!str", Style.PLAIN), "p").mode == mode


def test_file_mode_encodes_octal_int() -> None:
    text = (
        "machine:\n    files:\n        - content: hi\n"
        "          permissions: 420\n          path: /var/f\n          op: create\n"
    )
    assert "permissions: 0o644\n" in encode(decode(text))
    with pytest.raises(DecodeError, match="FileMode"):
        FileMode.decode(Scalar("rw", "!!str", Style.PLAIN), "machine.files[0].permissions")


@pytest.mark.parametrize(
    ("text", "size", "written"),
    [
        ("100 MB", 100_000_000, "100 MB"),
        ("1GiB", 1 << 30, "1073741824"),
        ("4096", 4096, "4096"),
        ("2.5GB", 2_500_000_000, "2.5 GB"),
    ],
)
def test_disk_size(text: str, size: int, written: str) -> None:
    value = DiskSize.decode(Scalar(text, "!!str", Style.PLAIN), "size")
    assert value.size == size
    assert emit(value.encode()) == written + "\n"


def test_disk_size_bad_unit() -> None:
    with pytest.raises(DecodeError, match="unhandled size name"):
        DiskSize.decode(Scalar("5 parsecs", "!!str", Style.PLAIN), "machine.disks[0].partitions[0].size")


def test_install_disk_size_matcher_roundtrip() -> None:
    text = "machine:\n    install:\n        diskSelector:\n            size: '>= 1TB'\n"
    cfg = decode(text)
    install = cfg.machine().machine_install
    assert install is not None and install.install_disk_selector is not None
    matcher = install.install_disk_selector.size
    assert isinstance(matcher, InstallDiskSizeMatcher)
    assert (matcher.op, matcher.size) == (">=", 10**12)
    assert matcher.matches(2 * 10**12) and not matcher.matches(10**9)
    assert "size: '>= 1TB'\n" in encode(cfg)
    with pytest.raises(DecodeError, match="failed to parse disk size"):
        decode("machine:\n    install:\n        diskSelector:\n            size: '> lots'\n")


def test_unstructured_sorted_keys_and_empty_forms() -> None:
    text = (
        "machine:\n    seccompProfiles:\n"
        "        - name: p.json\n          value: {z: 1, a: [x]}\n"
        "        - name: e.json\n          value:\n"
    )
    out = encode(decode(text))
    assert "value:\n            a:\n                - x\n            z: 1\n" in out
    assert "- name: e.json\n          value: {}\n" in out
    assert not Unstructured() and Unstructured({"a": 1})


def test_inline_manifest_contents_trimmed_like_go() -> None:
    text = 'cluster:\n    inlineManifests:\n        - name: a\n          contents: "\\n\\t  kind: X\\n"\n'
    cfg = decode(text)
    assert cfg.cluster().cluster_inline_manifests[0].inline_manifest_contents == "  kind: X\n"


def test_pointer_bool_false_is_written() -> None:
    out = encode(decode("debug: false\nmachine:\n    features:\n        rbac: false\n"))
    assert out.startswith('version: ""\ndebug: false\nmachine:')
    assert "features:\n        rbac: false\n" in out


def test_identity_and_marker() -> None:
    cfg = decode("version: v1alpha1\nmachine: {}\n")
    assert (
        cfg.IS_V1ALPHA1 and cfg.identity() == "v1alpha1" and cfg.kind == "v1alpha1" and cfg.api_version == ""
    )
    # validate() delegates to pytalos.machinery.config.validation (Talos's v1alpha1 rules)
    assert cfg.validate("metal")[1][0] == "cluster instructions are required"
