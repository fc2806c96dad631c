"""Restoring an etcd data directory from a snapshot (``talosctl bootstrap --recover-from``).

Talos's etcd service calls etcd's snapshot manager (``etcdutl snapshot restore``) in its pre stage
when the bootstrap asked for a recovery; pytalos runs the etcd tooling the machine has, Debian's
etcd 3.4 ``etcdctl snapshot restore`` (``ETCDCTL_API=3``), with the member's name, its advertised peer
URLs and ``--initial-cluster=<name>=<peer urls>``: the restored member is the only member of a new
cluster, which etcd then starts from the data directory (no ``--initial-cluster*`` flags needed).

etcd 3.4 refuses to restore into an existing directory, so the restore goes to a fresh sibling
folder whose ``member`` directory is then moved into the (empty) data directory; the snapshot file
is removed only after a successful restore. The hash check (the sha256 etcd appends to a snapshot
stream) is on unless ``skip_hash_check`` (a ``db`` file copied from a data directory has none).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

#: Environment for etcdctl 3.4 (v3 API; no endpoint/TLS settings leak in from the caller's env).
ETCDCTL_ENV = {"ETCDCTL_API": "3", "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}


class RestoreError(RuntimeError):
    """The snapshot could not be restored; the message names the file, the tool and its output."""


def restore_argv(
    snapshot: Path,
    data_dir: Path,
    *,
    name: str,
    peer_urls: Sequence[str],
    skip_hash_check: bool,
    etcdctl: str = "etcdctl",
) -> list[str]:
    """``etcdctl snapshot restore`` for a single-member cluster named ``name``."""
    urls = ",".join(peer_urls)
    argv = [
        etcdctl,
        "snapshot",
        "restore",
        str(snapshot),
        f"--name={name}",
        f"--initial-cluster={','.join(f'{name}={u}' for u in peer_urls)}",
        f"--initial-advertise-peer-urls={urls}",
        f"--data-dir={data_dir}",
    ]
    if skip_hash_check:
        argv.append("--skip-hash-check")
    return argv


def _data_dir_empty(data_dir: Path) -> bool:
    return not data_dir.exists() or not any(data_dir.iterdir())


async def run_tool(argv: Sequence[str], timeout: float) -> tuple[int, str]:
    """Run ``argv`` (etcdctl) and return its exit code and combined output."""
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=ETCDCTL_ENV
    )
    try:
        async with asyncio.timeout(timeout):
            out, _ = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise RestoreError(f"{argv[0]} {' '.join(argv[1:3])}: no answer within {timeout:g}s") from None
    return int(proc.returncode or 0), out.decode(errors="replace").strip()


async def restore_snapshot(
    snapshot: Path,
    data_dir: Path,
    *,
    name: str,
    peer_urls: Sequence[str],
    skip_hash_check: bool = False,
    etcdctl: str = "etcdctl",
    timeout: float = 300.0,
) -> str:
    """Restore ``snapshot`` into the empty ``data_dir`` and delete the snapshot; returns etcdctl's output.

    Raises :class:`RestoreError` (snapshot missing, data directory not empty, etcdctl failed: its
    output says why, e.g. ``snapshot missing hash but --skip-hash-check=false``).
    """
    if not snapshot.is_file():
        raise RestoreError(f"etcd recovery: snapshot {snapshot} does not exist (upload it with EtcdRecover)")
    if not _data_dir_empty(data_dir):
        raise RestoreError(f"etcd recovery: data directory {data_dir} is not empty")
    scratch = data_dir.with_name(f".{data_dir.name}.restore")
    shutil.rmtree(scratch, ignore_errors=True)
    argv = restore_argv(
        snapshot, scratch, name=name, peer_urls=peer_urls, skip_hash_check=skip_hash_check, etcdctl=etcdctl
    )
    try:
        code, output = await run_tool(argv, timeout)
        if code != 0:
            raise RestoreError(f"etcd recovery: {' '.join(argv)} failed (exit {code}): {output}")
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(data_dir, 0o700)
        for entry in scratch.iterdir():
            os.replace(entry, data_dir / entry.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    snapshot.unlink(missing_ok=True)
    return output
