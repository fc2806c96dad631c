"""``talosctl meta write|delete`` against a real node: the key shows up as ``MetaKeys`` (``get meta``),
survives a reboot of machined (read back from the META image), and goes away on delete; a bad key fails
in talosctl before any call, and the META image holds the ADV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytalos.machinery.meta import decode
from tests.node.cli._cli import configured, eventually, fresh_node, ok, talosctl
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("mt") as created:
        yield created


def _row(out: str, key: str) -> list[str]:
    rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
    return next((r for r in rows if key in r), [])


def test_meta_write_get_reboot_delete(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "meta")

    assert ok("meta", "write", "0xc", "hello-meta", *tc) == ""
    out = ok("get", "metakeys", *tc)
    assert out.splitlines()[0].split()[-2:] == ["VERSION", "VALUE"], out
    row = _row(out, "0x0c")
    assert row[1:4] == ["runtime", "MetaKey", "0x0c"] and row[-1] == "hello-meta", out
    image = node.root / "meta" / "meta.img"
    assert decode(image.read_bytes()).tags == {12: b"hello-meta"}

    bad = talosctl("meta", "write", "0x100", "x", *tc)
    assert bad.returncode == 1 and 'strconv.ParseUint: parsing "0x100": value out of range' in bad.stderr

    missing = talosctl("meta", "delete", "13", *tc)
    assert missing.returncode == 1
    assert f"error deleting meta from node {node.address}: " in missing.stderr
    assert "code = NotFound desc = meta key not found" in missing.stderr

    # a reboot re-executes machined: the key is read back from META
    rebooted = talosctl("reboot", *tc, timeout=240)
    assert rebooted.returncode == 0, rebooted.stderr

    def key_back() -> str:
        out = ok("get", "meta", *tc)
        assert _row(out, "0x0c")[-1:] == ["hello-meta"], out
        return out

    eventually("META key 0x0c after reboot", node, key_back, 120)

    assert ok("meta", "delete", "12", *tc) == ""
    out = ok("get", "metakeys", *tc)
    assert not _row(out, "0x0c"), out
    assert decode(image.read_bytes()).tags == {}
