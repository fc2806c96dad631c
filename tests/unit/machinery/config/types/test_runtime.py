"""Runtime documents: byte-exact fixture round-trips (incl. stability configs), validation, codecs."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.codecs import Duration
from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.schema import decode_struct, merge_structs
from pytalos.machinery.config.types import runtime as _group
from pytalos.machinery.config.types.common.cel import Expression as CELExpression
from pytalos.machinery.config.types.common.cel import cel_syntax_error as check_cel_syntax
from pytalos.machinery.config.types.common.gofmt import go_quote
from pytalos.machinery.config.types.common.neturl import GoURLError, parse_go_url
from pytalos.machinery.config.types.common.url import URL
from pytalos.machinery.config.types.runtime import (
    EnvironmentV1Alpha1,
    EtcFileConfigV1Alpha1,
    EventSinkV1Alpha1,
    KernelModuleConfigV1Alpha1,
    KmsgLogV1Alpha1,
    OOMV1Alpha1,
    SecurityProfileConfigV1Alpha1,
    SysctlConfigV1Alpha1,
    SysfsConfigV1Alpha1,
    UnattendedInstallConfigV1Alpha1,
    WatchdogTimerV1Alpha1,
)
from pytalos.machinery.config.types.runtime.codecs import FileMode
from pytalos.machinery.config.types.runtime.netutil import AddrError, split_host_port
from pytalos.machinery.yamlx import Mapping, parse_document

from ._group_roundtrip import (
    decode_doc,
    encode_doc,
    fixture_names,
    fixture_round_trip_test,
    fixture_text,
    group_kinds,
    stability_round_trip_test,
)

pytestmark = pytest.mark.unit

KINDS = group_kinds(_group)

RUNTIME_KINDS = {
    "EnvironmentConfig",
    "EtcFileConfig",
    "EventSinkConfig",
    "KernelModuleConfig",
    "KmsgLogConfig",
    "OOMConfig",
    "SecurityProfileConfig",
    "SysctlConfig",
    "SysfsConfig",
    "UdevRulesConfig",
    "UnattendedInstallConfig",
    "WatchdogTimerConfig",
}


test_fixture_round_trip = fixture_round_trip_test("runtime", KINDS)


def test_every_runtime_fixture_kind_is_covered() -> None:
    names = fixture_names("runtime")
    if not names:
        pytest.skip("../shared is not present")
    kinds = {decode_doc(fixture_text("runtime", n), KINDS).kind for n in names}
    assert kinds == RUNTIME_KINDS


test_stability_documents_round_trip = stability_round_trip_test(KINDS, of_kinds=RUNTIME_KINDS)


def test_oom_fixture_keeps_literal_and_quoted_forms() -> None:
    doc = decode_doc(fixture_text("runtime", "oom.yaml"), KINDS)
    assert isinstance(doc, OOMV1Alpha1)
    assert doc.oom_trigger_expression.text.count("\n") == 2
    assert doc.oom_cgroup_ranking_expression.text.startswith("memory_max.hasValue() ? 0.0 :")
    assert doc.oom_sample_interval == Duration(100_000_000)
    assert doc.validate("metal") == ([], [])


def test_etc_file_mode_is_octal() -> None:
    doc = decode_doc(fixture_text("runtime", "etc_file.yaml"), KINDS)
    assert isinstance(doc, EtcFileConfigV1Alpha1)
    assert doc.file_mode.mode == 0o644
    assert doc.identity() == "v1alpha1/EtcFileConfig/nfsmount.conf"
    assert "mode: 0o600\n" in encode_doc(EtcFileConfigV1Alpha1(name="x", file_mode=FileMode(0o600)))
    assert EtcFileConfigV1Alpha1(name="x").mode == 0o644


def test_unknown_key_is_rejected_with_path() -> None:
    node = parse_document("apiVersion: v1alpha1\nkind: WatchdogTimerConfig\ndevice: /dev/w\ntimeot: 1m\n")
    assert isinstance(node, Mapping)
    with pytest.raises(DecodeError, match='timeot: unknown key "timeot"'):
        decode_struct(WatchdogTimerV1Alpha1, node)


def test_bad_duration_is_rejected() -> None:
    node = parse_document("apiVersion: v1alpha1\nkind: WatchdogTimerConfig\ndevice: /dev/w\ntimeout: soon\n")
    assert isinstance(node, Mapping)
    with pytest.raises(DecodeError, match="timeout"):
        decode_struct(WatchdogTimerV1Alpha1, node)


def test_unattended_install_empty_installer_is_written() -> None:
    doc = UnattendedInstallConfigV1Alpha1()
    doc.provisioning_spec.disk_selector.match = CELExpression('disk.dev_path == "/dev/vda"')
    doc.provisioning_spec.wipe = False
    assert encode_doc(doc) == (
        "apiVersion: v1alpha1\nkind: UnattendedInstallConfig\ninstaller: {}\nprovisioning:\n"
        '    diskSelector:\n        match: disk.dev_path == "/dev/vda"\n    wipe: false\n'
    )
    warnings, errors = doc.validate("metal")
    assert errors == []
    assert warnings == [
        "installer.image is not set, if Talos is not booted from asset built by Image Factory, "
        "installation will fail"
    ]
    assert doc.volume_wipe is False


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("doc", "errors"),
    [
        (EnvironmentV1Alpha1(environment_variables={"GOOD_1": "x"}), []),
        (
            EnvironmentV1Alpha1(environment_variables={"1BAD": "x", "also-bad": "y"}),
            ['invalid environment variable name: "1BAD"', 'invalid environment variable name: "also-bad"'],
        ),
        (EtcFileConfigV1Alpha1(name=""), ["user etc file name cannot be empty"]),
        (EtcFileConfigV1Alpha1(name="foo/bar.conf"), []),
        (EtcFileConfigV1Alpha1(name="hosts"), ['user etc file "hosts" is managed by Talos']),
        (EtcFileConfigV1Alpha1(name="pki"), ['user etc file "pki" is managed by Talos']),
        (EtcFileConfigV1Alpha1(name="cni/net.d/x"), ['user etc file "cni/net.d/x" is managed by Talos']),
        (EtcFileConfigV1Alpha1(name="/etc/foo"), ['user etc file "/etc/foo" must be a local path']),
        (EtcFileConfigV1Alpha1(name="../foo"), ['user etc file "../foo" must be a local path']),
        (EtcFileConfigV1Alpha1(name=".hidden"), ['user etc file ".hidden" must be a local path']),
        (EventSinkV1Alpha1(endpoint="10.0.0.1:3333"), []),
        (EventSinkV1Alpha1(endpoint="[fd00::1]:3333"), []),
        (
            EventSinkV1Alpha1(endpoint="10.0.0.1"),
            ["event sink endpoint: address 10.0.0.1: missing port in address"],
        ),
        (
            EventSinkV1Alpha1(endpoint="fd00::1:3333"),
            ["event sink endpoint: address fd00::1:3333: too many colons in address"],
        ),
        (KernelModuleConfigV1Alpha1(name=""), ["name is required"]),
        (KernelModuleConfigV1Alpha1(name="btrfs"), []),
        (SysctlConfigV1Alpha1(params={"": "1"}), ["sysctl key cannot be empty"]),
        (SysfsConfigV1Alpha1(params={"": "1"}), ["sysfs key cannot be empty"]),
        (SysfsConfigV1Alpha1(params={"a.b": "1"}), []),
        (WatchdogTimerV1Alpha1(), ["watchdog device: empty value"]),
        (
            WatchdogTimerV1Alpha1(watchdog_device="/dev/watchdog0", watchdog_timeout=Duration.of("5s")),
            ["watchdog timeout: minimum value is 10s"],
        ),
        (WatchdogTimerV1Alpha1(watchdog_device="/dev/watchdog0", watchdog_timeout=Duration.of("10s")), []),
        (SecurityProfileConfigV1Alpha1(workload_isolation_enabled=True), []),
    ],
    ids=lambda v: getattr(v, "KIND", None) or str(v)[:40],
)
def test_validate(doc: object, errors: list[str]) -> None:
    assert doc.validate("metal") == ([], errors)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("", "url is required"),
        ("https://log.example:443", "url scheme must be tcp:// or udp://"),
        ("tcp://log.example:443/path", "url path must be empty"),
        ("tcp://log.example", "url port is required"),
        ("udp://[fd00::1]:514/", None),
        ("tcp://10.0.0.1:5000", None),
    ],
)
def test_kmsg_log_url_rules(url: str, error: str | None) -> None:
    doc = KmsgLogV1Alpha1(name="remote", kmsg_log_url=URL(url))
    assert doc.validate("metal") == ([], [error] if error else [])
    assert KmsgLogV1Alpha1(kmsg_log_url=URL(url)).validate("metal") == ([], ["name is required"])


def test_oom_validation() -> None:
    doc = OOMV1Alpha1(
        oom_trigger_expression=CELExpression("memory_full_avg10 > (12.0"),
        oom_cgroup_ranking_expression=CELExpression("'unterminated"),
        oom_sample_interval=Duration(-1),
    )
    _, errors = doc.validate("metal")
    assert errors == [
        "OOM trigger expression is invalid: ERROR: <input>:1:26: Syntax error: mismatched input <EOF>\n"
        " | memory_full_avg10 > (12.0\n | .........................^",
        "OOM cgroup scoring expression is invalid: ERROR: <input>:1:1: Syntax error: "
        "token recognition error at: '''\n | 'unterminated\n | ^",
        "OOM sample interval must be longer than 0",
    ]


def test_unattended_install_requires_selector() -> None:
    doc = UnattendedInstallConfigV1Alpha1()
    doc.installer.image = "factory.talos.dev/installer:v1"
    assert doc.validate("metal") == ([], ["provisioning.diskSelector.match is required"])
    doc.provisioning_spec.disk_selector.match = CELExpression("disk.size >")
    _, errors = doc.validate("metal")
    assert errors[0].startswith("provisioning.diskSelector.match: ERROR: <input>:1:12: Syntax error:")


# ---------------------------------------------------------------- merge


def test_sysctl_params_merge_key_by_key() -> None:
    left = SysctlConfigV1Alpha1(params={"a": "1", "b": "2"})
    merge_structs(left, SysctlConfigV1Alpha1(params={"b": "3", "c": "4"}))
    assert left.params == {"a": "1", "b": "3", "c": "4"}


def test_security_profile_false_overrides_true() -> None:
    left = SecurityProfileConfigV1Alpha1(workload_isolation_enabled=True)
    merge_structs(left, SecurityProfileConfigV1Alpha1(workload_isolation_enabled=False))
    assert left.workload_isolation is False


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a && b", None),
        ("{System: 8.0}[class] * 2.0", None),
        ('duration("5s") > x', None),
        ("r'raw \\ string' == x", None),
        ("", "ERROR: <input>:1:1: Syntax error: mismatched input <EOF>\n | \n | ^"),
        ("a)", "ERROR: <input>:1:2: Syntax error: mismatched input ')'\n | a)\n | .^"),
        ("[1, 2}", "ERROR: <input>:1:6: Syntax error: mismatched input '}'\n | [1, 2}\n | .....^"),
        ("a &&\nb ||", "ERROR: <input>:2:5: Syntax error: mismatched input <EOF>\n | b ||\n | ....^"),
    ],
)
def test_cel_syntax_check(text: str, error: str | None) -> None:
    assert check_cel_syntax(text) == error


@pytest.mark.parametrize(
    ("hostport", "result"),
    [
        ("host:80", ("host", "80")),
        ("[::1]:80", ("::1", "80")),
        (":80", ("", "80")),
        ("host", "address host: missing port in address"),
        ("[::1]", "address [::1]: missing port in address"),
        ("[::1:80", "address [::1:80: missing ']' in address"),
        ("a:b:80", "address a:b:80: too many colons in address"),
        ("a]:80", "address a]:80: unexpected ']' in address"),
    ],
)
def test_split_host_port(hostport: str, result: tuple[str, str] | str) -> None:
    if isinstance(result, tuple):
        assert split_host_port(hostport) == result
    else:
        with pytest.raises(AddrError) as exc:
            split_host_port(hostport)
        assert str(exc.value) == result


@pytest.mark.parametrize(
    ("raw", "scheme", "host", "port", "path"),
    [
        ("https://my-private-registry.local:5000", "https", "my-private-registry.local:5000", "5000", ""),
        ("http://my-harbor/v2/registry-k8s.io/", "http", "my-harbor", "", "/v2/registry-k8s.io/"),
        ("HTTP://user:pw@[fd00::1]:80/x?y#z", "http", "[fd00::1]:80", "80", "/x"),
        ("ghcr.io", "", "", "", "ghcr.io"),
    ],
)
def test_parse_go_url(raw: str, scheme: str, host: str, port: str, path: str) -> None:
    parsed = parse_go_url(raw)
    assert (parsed.scheme, parsed.host, parsed.port, parsed.path) == (scheme, host, port, path)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("1.2.3.4:5000", 'parse "1.2.3.4:5000": first path segment in URL cannot contain colon'),
        ("://x", 'parse "://x": missing protocol scheme'),
        ("http://host:port", 'parse "http://host:port": invalid port ":port" after host'),
        ("http://[::1/", "parse \"http://[::1/\": missing ']' in host"),
        ("http://a\nb", 'parse "http://a\\nb": net/url: invalid control character in URL'),
    ],
)
def test_parse_go_url_errors(raw: str, error: str) -> None:
    with pytest.raises(GoURLError) as exc:
        parse_go_url(raw)
    assert str(exc.value) == error


def test_url_decode_error_names_field() -> None:
    node = parse_document("apiVersion: v1alpha1\nkind: KmsgLogConfig\nname: x\nurl: 'tcp://h:p'\n")
    assert isinstance(node, Mapping)
    with pytest.raises(DecodeError, match='url: parse "tcp://h:p": invalid port'):
        decode_struct(KmsgLogV1Alpha1, node)


def test_file_mode_codec() -> None:
    for text, mode in (("0o755", 0o755), ("0644", 0o644), ("420", 420)):
        node = parse_document(f"m: {text}\n")
        assert isinstance(node, Mapping)
        value = node.get("m")
        assert value is not None
        assert FileMode.decode(value, "mode").mode == mode
    bad = parse_document("m: rwx\n")
    assert isinstance(bad, Mapping) and bad.get("m") is not None
    with pytest.raises(DecodeError, match="file mode"):
        FileMode.decode(bad.get("m"), "mode")  # type: ignore[arg-type]
    assert str(FileMode(0)) == "0o0"


def test_go_quote() -> None:
    assert go_quote('a"b\\c\n\x01é') == '"a\\"b\\\\c\\n\\x01é"'
