"""``talosctl config ...`` must behave and print like Talos's (table, renames, errors, info)."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from pytalos.cli.commands import config as cmd
from pytalos.machinery.client.config import Config, Context
from pytalos.machinery.secrets.bundle import SecretsBundle

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def bundle() -> SecretsBundle:
    return SecretsBundle.generate((1, 6))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TALOSCONFIG", raising=False)
    monkeypatch.delenv("TALOS_HOME", raising=False)
    yield tmp_path


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cmd.cli, list(args), input=stdin)


def write(path: Path, cfg: Config) -> str:
    cfg.save(str(path))
    return str(path)


def test_contexts_table(home: Path) -> None:
    tc = write(
        home / "tc",
        Config(
            context="b",
            contexts={
                "a": Context(endpoints=["10.0.0.1"], nodes=["n1", "n2", "n3", "n4"]),
                "b": Context(endpoints=["10.0.0.2", "10.0.0.3"], nodes=["n9"]),
                "c": Context(),
            },
        ),
    )
    result = run("contexts", "--talosconfig", tc)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "CURRENT   NAME   ENDPOINTS           NODES\n"
        "          a      10.0.0.1            n1,n2,n3...\n"
        "*         b      10.0.0.2,10.0.0.3   n9\n"
        "          c                          \n"
    )
    assert run("--talosconfig", tc, "get-contexts").stdout == result.stdout


def test_tabwrite_pads_every_cell_but_the_last() -> None:
    assert cmd.tabwrite([["A", "BB", "C"], ["long", "", ""]]) == "A      BB   C\nlong        \n"


def test_default_path_is_created_empty(home: Path) -> None:
    result = run("contexts")
    assert result.exit_code == 0 and result.stdout == "CURRENT   NAME   ENDPOINTS   NODES\n"
    created = home / "home" / ".talos" / "config"
    assert created.read_text() == 'context: ""\ncontexts: {}\n'
    assert stat.S_IMODE(created.stat().st_mode) == 0o600


def test_talosconfig_env_is_honoured(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tc = write(home / "env-tc", Config(context="e", contexts={"e": Context()}))
    monkeypatch.setenv("TALOSCONFIG", tc)
    assert "*         e" in run("contexts").stdout


def test_merge_renames_and_switches_context(home: Path, bundle: SecretsBundle) -> None:
    source = write(home / "gen", Config.from_bundle("foo", bundle))
    target = str(home / "merged")
    first = run("merge", "--talosconfig", target, source)
    assert first.exit_code == 0 and first.stdout == "" and first.stderr == ""
    second = run("--talosconfig", target, "merge", source)
    assert second.exit_code == 0
    assert second.stderr == 'renamed talosconfig context "foo" -> "foo-1"\n'
    merged = Config.from_yaml(Path(target).read_text())
    assert sorted(merged.contexts) == ["foo", "foo-1"] and merged.context == "foo-1"
    assert stat.S_IMODE(Path(target).stat().st_mode) == 0o600


def test_endpoint_node_and_context(home: Path) -> None:
    tc = write(home / "tc", Config(context="a", contexts={"a": Context(), "b": Context()}))
    assert run("endpoints", " 1.1.1.1 ", "2.2.2.2", "--talosconfig", tc).exit_code == 0
    assert run("node", "10.0.0.1", "--talosconfig", tc).exit_code == 0
    assert run("node", "10.0.0.2", "--talosconfig", tc, "--context", "b").exit_code == 0
    cfg = Config.from_yaml(Path(tc).read_text())
    assert cfg.contexts["a"].endpoints == ["1.1.1.1", "2.2.2.2"] and cfg.contexts["a"].nodes == ["10.0.0.1"]
    assert cfg.contexts["b"].nodes == ["10.0.0.2"]
    assert run("nodes", "--talosconfig", tc).exit_code == 0  # no nodes: cleared
    assert Config.from_yaml(Path(tc).read_text()).contexts["a"].nodes == []
    assert run("use-context", "b", "--talosconfig", tc).exit_code == 0
    assert Config.from_yaml(Path(tc).read_text()).context == "b"


def test_errors_are_printed_and_exit_1(home: Path) -> None:
    tc = write(home / "tc", Config(context="a", contexts={"a": Context()}))
    missing = run("context", "nope", "--talosconfig", tc)
    assert missing.exit_code == 1 and missing.stderr == 'error: context "nope" is not defined\n'
    no_args = run("endpoint", "--talosconfig", tc)
    assert no_args.stderr == "error: requires at least 1 arg(s), only received 0\n"
    assert run("context", "--talosconfig", tc).stderr == "error: accepts 1 arg(s), received 0\n"
    empty = write(home / "empty", Config())
    assert run("endpoint", "1.1.1.1", "--talosconfig", empty).stderr == "error: no context is set\n"
    assert run("info", "-o", "xml", "--talosconfig", tc).stderr == 'error: unknown output format: "xml"\n'


def test_add_context(home: Path, bundle: SecretsBundle) -> None:
    assert bundle.certs and bundle.certs.os
    (home / "ca.crt").write_bytes(bundle.certs.os.crt)
    (home / "c.crt").write_bytes(b"CRT")
    (home / "c.key").write_bytes(b"KEY")
    tc = write(home / "tc", Config())
    result = run(
        "add",
        "new",
        "--ca",
        str(home / "ca.crt"),
        "--crt",
        str(home / "c.crt"),
        "--key",
        str(home / "c.key"),
        "--talosconfig",
        tc,
    )
    assert result.exit_code == 0, result.output
    ctx = Config.from_yaml(Path(tc).read_text()).contexts["new"]
    assert ctx.credentials_pem() == (bundle.certs.os.crt, b"CRT", b"KEY")
    half = run("add", "x", "--crt", str(home / "c.crt"), "--talosconfig", tc)
    assert half.exit_code == 1
    assert "if either the 'crt' or 'key' flag is specified, both are required" in half.stderr


def test_remove(home: Path) -> None:
    names = ["prod", "prod-1", "dev"]
    tc = write(home / "tc", Config(context="prod", contexts={n: Context() for n in names}))
    dry = run("remove", "prod*", "-y", "--dry-run", "--talosconfig", tc)
    assert dry.exit_code == 0
    assert dry.stderr == (
        'skipping removal of current context "prod", please change it to another before removing\n'
        'removing context "prod-1"\n'
    )
    assert set(Config.from_yaml(Path(tc).read_text()).contexts) == {"prod", "prod-1", "dev"}
    declined = run("remove", "*", "--talosconfig", tc, stdin="n\nn\n")
    assert 'remove context "dev"? (y/N): ' in declined.stdout
    assert set(Config.from_yaml(Path(tc).read_text()).contexts) == {"prod", "prod-1", "dev"}
    assert run("remove", "d*v", "--talosconfig", tc, stdin="yes\n").exit_code == 0
    assert set(Config.from_yaml(Path(tc).read_text()).contexts) == {"prod", "prod-1"}
    nomatch = run("remove", "zzz", "-y", "--talosconfig", tc)
    assert nomatch.exit_code == 1 and nomatch.stderr == 'error: no contexts matched "zzz"\n'


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("*", "x", True),
        ("a*", "abc", True),
        ("a*", "bac", False),
        ("*c", "abc", True),
        ("a*c", "abxc", True),
        ("a*c", "abcd", False),
        ("abc", "abc", True),
        ("ab", "abc", False),
        ("*b*", "abc", True),
    ],
)
def test_glob(pattern: str, subject: str, expected: bool) -> None:
    assert cmd.glob_match(pattern, subject) is expected


def test_proxy_url(home: Path) -> None:
    tc = write(home / "tc", Config(context="t", contexts={"t": Context(endpoints=["192.168.1.1:50000"])}))
    assert run("proxy-url", "--talosconfig", tc).stdout == "\n"
    assert run("proxy-url", "socks5://localhost:1080", "--talosconfig", tc).exit_code == 0
    assert run("proxy-url", "--talosconfig", tc).stdout == "socks5://localhost:1080\n"
    assert run("proxy-url", "", "--talosconfig", tc).exit_code == 0
    assert Config.from_yaml(Path(tc).read_text()).contexts["t"].proxy_url == ""


def test_new_needs_a_context(home: Path) -> None:
    """``config new`` asks a node (tests/unit/cli/test_lifecycle_cli.py); without a context it cannot."""
    result = run("new", "--talosconfig", write(home / "tc", Config()))
    assert result.exit_code == 1
    assert result.stderr == "error: no context is set\n"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "now"),
        (timedelta(seconds=1), "1 second from now"),
        (timedelta(seconds=45), "45 seconds from now"),
        (timedelta(hours=3), "3 hours from now"),
        (timedelta(days=3), "3 days from now"),
        (timedelta(days=20), "2 weeks from now"),
        (timedelta(days=365), "1 year from now"),
        (timedelta(hours=87600), "10 years from now"),
        (timedelta(days=-40), "1 month ago"),
        (timedelta(days=-800), "2 years ago"),
        (timedelta(days=40 * 360), "a long while from now"),
    ],
)
def test_rel_time_matches_go_humanize(delta: timedelta, text: str) -> None:
    now = datetime(2021, 7, 5, 22, 6, 42, tzinfo=UTC)
    assert cmd.rel_time(now + delta, now) == text


def test_info_text_json_yaml(home: Path, bundle: SecretsBundle) -> None:
    cfg = Config.from_bundle("demo", bundle, endpoints=["10.5.0.2", "10.5.0.3"])
    tc = write(home / "tc", cfg)
    expires = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%d")
    text = run("info", "--talosconfig", tc)
    assert text.exit_code == 0, text.output
    assert text.stdout == (
        "Current context:     demo\n"
        "Nodes:               not defined\n"
        "Endpoints:           10.5.0.2, 10.5.0.3\n"
        "Roles:               os:admin\n"
        f"Certificate expires: 1 year from now ({expires})\n"
    )
    data = json.loads(run("info", "-o", "json", "--talosconfig", tc).stdout)
    assert data == {
        "context": "demo",
        "nodes": None,
        "endpoints": ["10.5.0.2", "10.5.0.3"],
        "roles": ["os:admin"],
        "certTTL": "1 year from now",
        "certNotAfter": expires,
    }
    as_yaml = run("info", "-o", "yaml", "--talosconfig", tc).stdout
    assert yaml.safe_load(as_yaml)["nodes"] == [] and as_yaml.startswith("context: demo\nnodes: []\n")


def test_info_without_certificate_and_with_context_override(home: Path) -> None:
    tc = write(
        home / "tc",
        Config(
            context="first",
            contexts={"first": Context(endpoints=["192.0.2.1"]), "second": Context(endpoints=["192.0.2.2"])},
        ),
    )
    out = run("info", "--context", "second", "--talosconfig", tc).stdout
    assert out == (
        "Current context:     second\nNodes:               not defined\nEndpoints:           192.0.2.2\n"
    )
