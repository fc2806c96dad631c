"""talosconfig: Talos's key order and omissions, legacy target, merge renames, paths, atomic 0600 save."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.machinery.client import config as cc
from pytalos.machinery.client.config import Auth, Basic, Config, ConfigError, Context, Rename, SideroV1
from pytalos.machinery.crypto import x509 as pki
from pytalos.machinery.secrets.bundle import SecretsBundle

pytestmark = pytest.mark.unit


def test_full_context_key_order() -> None:
    cfg = Config(
        context="a",
        contexts={
            "a": Context(
                endpoints=["1.1.1.1"],
                nodes=["10.0.0.2"],
                ca="Q0E=",
                crt="Q1JU",
                key="S0VZ",
                auth=Auth(basic=Basic("u", "p"), siderov1=SideroV1("me@example.com")),
                cluster="c1",
                proxy_url="socks5://localhost:1080",
            )
        },
    )
    assert cfg.to_yaml() == (
        "context: a\n"
        "contexts:\n"
        "    a:\n"
        "        endpoints:\n"
        "            - 1.1.1.1\n"
        "        nodes:\n"
        "            - 10.0.0.2\n"
        "        ca: Q0E=\n"
        "        crt: Q1JU\n"
        "        key: S0VZ\n"
        "        auth:\n"
        "            basic:\n"
        "                username: u\n"
        "                password: p\n"
        "            siderov1:\n"
        "                identity: me@example.com\n"
        "        cluster: c1\n"
        "        proxy-url: socks5://localhost:1080\n"
    )
    assert Config.from_yaml(cfg.to_yaml()) == cfg


def test_empty_fields_are_omitted_but_endpoints_stay() -> None:
    cfg = Config(context="x", contexts={"x": Context()})
    assert cfg.to_yaml() == "context: x\ncontexts:\n    x:\n        endpoints: []\n"
    assert Config().to_yaml() == 'context: ""\ncontexts: {}\n'


def test_contexts_are_sorted_like_a_go_map() -> None:
    cfg = Config(contexts={"b": Context(), "a": Context(), "c": Context()})
    assert list(cfg.to_dict()["contexts"]) == ["a", "b", "c"]


def test_legacy_target_is_upgraded_into_endpoints() -> None:
    text = "context: old\ncontexts:\n  old:\n    target: 10.0.0.1\n    endpoints: [10.0.0.9]\n"
    cfg = Config.from_yaml(text)
    assert cfg.contexts["old"].endpoints == ["10.0.0.9", "10.0.0.1"]
    assert "target" not in cfg.to_yaml()


def test_decode_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match=r"contexts\.a\.endpoints: expected a list of strings"):
        Config.from_yaml("contexts:\n  a:\n    endpoints: 5\n", source="tc")
    with pytest.raises(ConfigError, match="error parsing talosconfig tc"):
        Config.from_yaml("contexts: [\n", source="tc")
    assert Config.from_yaml("contexts:\n  a:\n    endpoints: [1]\n").contexts["a"].endpoints == ["1"]


def test_merge_into_empty() -> None:
    cfg = Config()
    renames = cfg.merge(Config(context="foo", contexts={"foo": Context(endpoints=["1"])}))
    assert renames == [] and cfg.context == "foo" and list(cfg.contexts) == ["foo"]


def test_merge_without_conflict_keeps_current_context() -> None:
    cfg = Config(context="bar", contexts={"bar": Context()})
    cfg.merge(Config(context="", contexts={"foo": Context()}))
    assert cfg.context == "bar" and set(cfg.contexts) == {"foo", "bar"}


def test_merge_renames_clashes_and_follows_current_context() -> None:
    cfg = Config(context="bar", contexts={"bar": Context(endpoints=["old"]), "bar-1": Context()})
    incoming = Config(context="bar", contexts={"bar": Context(endpoints=["new"]), "baz": Context()})
    renames = cfg.merge(incoming)
    assert renames == [Rename("bar", "bar-2")]
    assert str(renames[0]) == '"bar" -> "bar-2"'
    assert cfg.context == "bar-2"
    assert cfg.contexts["bar"].endpoints == ["old"] and cfg.contexts["bar-2"].endpoints == ["new"]
    again = cfg.merge(incoming)
    assert [str(r) for r in again] == ['"bar" -> "bar-3"', '"baz" -> "baz-1"']
    incoming.contexts["bar"].endpoints.append("mutated")
    assert cfg.contexts["bar-3"].endpoints == ["new"]  # merged contexts are copies


def test_get_context_errors() -> None:
    with pytest.raises(ConfigError, match=r"^no context is set$"):
        Config().get_context()
    with pytest.raises(ConfigError, match=r'^context "nope" is not defined$'):
        Config(context="nope").get_context()


def test_save_is_atomic_and_private(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "talosconfig"
    cfg = Config(context="a", contexts={"a": Context(endpoints=["1.2.3.4"])})
    cfg.save(str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert target.read_text() == cfg.to_yaml()
    assert sorted(p.name for p in target.parent.iterdir()) == ["talosconfig"]  # no temp file left
    target.chmod(0o644)
    cfg.save()  # remembers the path
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failed_save_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "talosconfig"
    target.write_text("old\n")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(cc.os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        Config(context="new").save(str(target))
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["talosconfig"]


def test_read_only_path_is_not_written(tmp_path: Path) -> None:
    cfg = Config(path=cc.ConfigPath(str(tmp_path / "ro"), False))
    with pytest.raises(ConfigError, match="not allowed to write to config"):
        cfg.save()
    assert not (tmp_path / "ro").exists()


def test_default_paths_priority(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "TALOSCONFIG": "/x/tc"}
    assert cc.default_paths(env) == [
        cc.ConfigPath("/x/tc", True),
        cc.ConfigPath(str(tmp_path / ".talos" / "config"), True),
        cc.ConfigPath("/var/run/secrets/talos.dev/config", False),
    ]
    assert cc.default_paths({"HOME": "/h", "TALOS_HOME": "/th"})[0] == cc.ConfigPath("/th/config", True)


def test_first_valid_path_prefers_existing_then_creates(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home"), "TALOSCONFIG": str(tmp_path / "missing")}
    chosen = cc.first_valid_path(env)
    assert chosen == cc.ConfigPath(str(tmp_path / "missing"), True)
    assert Config.from_yaml((tmp_path / "missing").read_text()) == Config()
    os.unlink(tmp_path / "missing")
    home_cfg = tmp_path / "home" / ".talos" / "config"
    home_cfg.parent.mkdir(parents=True)
    home_cfg.write_text("context: h\ncontexts: {}\n")
    assert cc.first_valid_path(env).path == str(home_cfg)


def test_open_config_explicit_path_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "tc"
    cfg = cc.open_config(str(path))
    assert path.exists() and cfg == Config() and cfg.path == cc.ConfigPath(str(path), True)


def test_from_bundle_builds_admin_context() -> None:
    bundle = SecretsBundle.generate((1, 6))
    cfg = Config.from_bundle("demo", bundle, endpoints=["10.5.0.2"])
    assert cfg.context == "demo"
    ctx = cfg.contexts["demo"]
    assert ctx.endpoints == ["10.5.0.2"] and ctx.nodes == []
    ca_pem, crt_pem, key_pem = ctx.credentials_pem()
    assert bundle.certs and bundle.certs.os and ca_pem == bundle.certs.os.crt
    assert base64.b64decode(ctx.ca) == bundle.certs.os.crt
    client = pki.CertificateAndKey(crt_pem, key_pem)
    cert = client.certificate()
    cert.verify_directly_issued_by(bundle.certs.os.certificate())
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == ["os:admin"]
    assert key_pem.startswith(b"-----BEGIN ED25519 PRIVATE KEY-----")
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert "nodes" not in cfg.to_yaml()
    assert Config.from_bundle("x", bundle).to_yaml().splitlines()[3] == "        endpoints: []"
