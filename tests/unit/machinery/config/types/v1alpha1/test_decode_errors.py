"""Strict decoding: unknown keys and wrong types are rejected with the YAML path and line."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import DecodeError

from ._helpers import decode

NESTED_UNKNOWN = """\
version: v1alpha1
machine:
    type: worker
    network:
        interfaces:
            - interface: eth0
              vlans:
                - vlanId: 10
                  bogus: true
"""


def test_unknown_nested_key_names_path_and_line() -> None:
    with pytest.raises(DecodeError) as info:
        decode(NESTED_UNKNOWN)
    err = info.value
    assert err.path == "machine.network.interfaces[0].vlans[0].bogus"
    assert err.line == 8  # 0-based: line 9 of the text
    assert 'unknown key "bogus"' in str(err)
    assert "line 9" in str(err)


def test_unknown_top_level_key() -> None:
    with pytest.raises(DecodeError, match='unknown key "apiVersion"') as info:
        decode("version: v1alpha1\napiVersion: v1alpha1\n")
    assert info.value.path == "apiVersion"


def test_unknown_key_inside_pem_struct() -> None:
    with pytest.raises(DecodeError) as info:
        decode("machine:\n    ca:\n        crt: ''\n        cert: ''\n")
    assert info.value.path == "machine.ca.cert"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("machine:\n    install:\n        wipe: maybe\n", "machine.install.wipe"),
        (
            "machine:\n    network:\n        interfaces:\n            - mtu: big\n",
            "machine.network.interfaces[0].mtu",
        ),
        ("machine:\n    certSANs: foo\n", "machine.certSANs"),
        ("cluster:\n    network:\n        dnsDomain: [a]\n", "cluster.network.dnsDomain"),
        ("machine:\n    features: true\n", "machine.features"),
    ],
)
def test_wrong_types_name_the_path(text: str, path: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(text)
    assert info.value.path == path


def test_bad_base64_in_ca() -> None:
    with pytest.raises(DecodeError, match="illegal base64") as info:
        decode("machine:\n    ca:\n        crt: '***'\n")
    assert info.value.path == "machine.ca.crt"


def test_bad_endpoint_port() -> None:
    with pytest.raises(DecodeError, match="invalid port") as info:
        decode("cluster:\n    controlPlane:\n        endpoint: https://host:port/\n")
    assert info.value.path == "cluster.controlPlane.endpoint"


def test_admission_configuration_must_be_a_mapping() -> None:
    text = (
        "cluster:\n    apiServer:\n        admissionControl:\n"
        "            - name: X\n              configuration: [1]\n"
    )
    with pytest.raises(DecodeError, match="expected a mapping") as info:
        decode(text)
    assert info.value.path == "cluster.apiServer.admissionControl[0].configuration"
