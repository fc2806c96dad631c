"""Snapshot restore (the etcdctl command line, the data directory swap, the snapshot removal) with a
stand-in etcdctl, and the ``--verify`` header and comparison rules."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from pytalos.machined.etcd.recover import RestoreError, restore_argv, restore_snapshot
from pytalos.machined.etcd.verify import SnapshotCounts, VerifyError, compare, format_header, parse_header

pytestmark = pytest.mark.unit

URLS = ["https://10.5.0.2:2380"]


def test_restore_command_line() -> None:
    argv = restore_argv(Path("/s.db"), Path("/d"), name="cp-1", peer_urls=URLS, skip_hash_check=True)
    assert argv == [
        "etcdctl",
        "snapshot",
        "restore",
        "/s.db",
        "--name=cp-1",
        "--initial-cluster=cp-1=https://10.5.0.2:2380",
        "--initial-advertise-peer-urls=https://10.5.0.2:2380",
        "--data-dir=/d",
        "--skip-hash-check",
    ]
    assert "--skip-hash-check" not in restore_argv(
        Path("/s.db"), Path("/d"), name="cp-1", peer_urls=URLS, skip_hash_check=False
    )


def _etcdctl(tmp_path: Path, body: str) -> str:
    script = tmp_path / "etcdctl"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_restore_moves_the_member_in_and_removes_the_snapshot(tmp_path: Path) -> None:
    # the stand-in writes member/ under --data-dir (its 7th argument), as etcdctl does
    etcdctl = _etcdctl(tmp_path, 'd="${7#--data-dir=}"; mkdir -p "$d/member/wal"; echo restored')
    snapshot, data = tmp_path / "etcd.snapshot", tmp_path / "etcd"
    snapshot.write_bytes(b"db")
    data.mkdir()
    out = asyncio.run(restore_snapshot(snapshot, data, name="cp-1", peer_urls=URLS, etcdctl=etcdctl))
    assert out == "restored"
    assert (data / "member" / "wal").is_dir() and not snapshot.exists()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert not (tmp_path / ".etcd.restore").exists()


def test_restore_failures_name_the_cause(tmp_path: Path) -> None:
    etcdctl = _etcdctl(
        tmp_path, 'echo "Error: snapshot missing hash but --skip-hash-check=false" >&2; exit 1'
    )
    snapshot, data = tmp_path / "etcd.snapshot", tmp_path / "etcd"
    with pytest.raises(RestoreError, match="does not exist"):
        asyncio.run(restore_snapshot(snapshot, data, name="cp-1", peer_urls=URLS, etcdctl=etcdctl))
    snapshot.write_bytes(b"db")
    with pytest.raises(RestoreError, match=r"exit 1\): Error: snapshot missing hash"):
        asyncio.run(restore_snapshot(snapshot, data, name="cp-1", peer_urls=URLS, etcdctl=etcdctl))
    assert snapshot.exists()  # kept for another attempt
    (data / "member").mkdir(parents=True)
    with pytest.raises(RestoreError, match="is not empty"):
        asyncio.run(restore_snapshot(snapshot, data, name="cp-1", peer_urls=URLS, etcdctl=etcdctl))


def test_header_round_trip_and_comparison() -> None:
    counts = SnapshotCounts(revision=17, keys=4)
    assert format_header(counts) == "pytalos etcd snapshot: revision=17 keys=4"
    assert parse_header(format_header(counts)) == counts
    assert parse_header("") is None and parse_header("revision=1 keys=2") is None
    compare(counts, SnapshotCounts(17, 4))
    with pytest.raises(VerifyError) as err:
        compare(counts, SnapshotCounts(18, 5))
    assert str(err.value) == (
        "snapshot verification failed: revision 18 in the restored snapshot, 17 reported by the node; "
        "5 keys in the restored snapshot, 4 reported by the node"
    )
