"""``talosctl cluster``'s checks that stop before anything exists, and the progress lines (no root)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from pytalos.cli.commands.cluster_progress import Progress
from pytalos.cli.main import cli

pytestmark = pytest.mark.unit


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_show_and_destroy_of_a_missing_cluster(tmp_path: Path) -> None:
    code, out = run("cluster", "show", "--name", "nope", "--state", str(tmp_path))
    assert code == 1 and f'error: cluster "nope" not found: no state directory {tmp_path}/nope' in out
    # --name/--state on the group work like Talos's persistent flags
    code, out = run("cluster", "--name", "nope", "--state", str(tmp_path), "destroy")
    assert code == 1 and 'cluster "nope" not found' in out


def test_create_refuses_before_creating_anything(tmp_path: Path) -> None:
    state = tmp_path / "s"
    code, out = run("cluster", "create", "--state", str(state), "--cidr", "10.5.0.0/30", "--workers", "3")
    assert code == 1 and "cidr 10.5.0.0/30 is too small for 4 nodes" in out
    code, out = run("cluster", "create", "--state", str(state), "--controlplanes", "0")
    assert code == 1 and "number of controlplanes can't be less than 1" in out
    code, out = run("cluster", "create", "--state", str(state), "--config-patch", "@/nonexistent/patch.yaml")
    assert code == 1 and "error parsing config JSON patch" in out
    code, out = run("cluster", "create", "--state", str(state), "--wait=banana")
    assert code == 2 and 'parsing "banana": invalid syntax' in out
    code, out = run("cluster", "create", "--state", str(state), "--talos-version", "vX")
    assert code == 1 and 'error parsing Talos version "vX"' in out
    assert not state.exists()


def test_plain_progress_lines() -> None:
    out = io.StringIO()
    with Progress(out, live=False) as progress:
        with progress.step("creating network br0") as row:
            row.detail = "pid 7"
        with pytest.raises(RuntimeError), progress.step("starting node"):
            raise RuntimeError("boom")
        progress.note("renamed talosconfig context")
    assert out.getvalue().splitlines() == [
        "creating network br0",
        "creating network br0: pid 7",
        "starting node",
        "renamed talosconfig context",
    ]


def test_live_progress_renders_every_row() -> None:
    from rich.console import Console

    progress = Progress(io.StringIO(), live=True)
    with progress.step("creating network br0"):
        pass
    with pytest.raises(RuntimeError), progress.step("starting node x"):
        raise RuntimeError("boom")
    progress.begin("applying config")
    console = Console(file=io.StringIO(), width=100)
    console.print(progress.renderable())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "✓ creating network br0" in text
    assert "✗ starting node x" in text and "boom" in text
    assert "applying config" in text
