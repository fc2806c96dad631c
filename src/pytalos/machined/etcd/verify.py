"""``talosctl etcd snapshot --verify`` (beyond Talos): prove a written snapshot restores into a working
etcd holding what the member held when the snapshot was taken.

Steps, all with the machine's etcd 3.4 tooling and nothing left behind:

1. ``etcdctl snapshot restore`` into a temporary folder (checks the sha256 etcd appends to the
   stream: a truncated or altered file fails here);
2. a scratch ``etcd`` on that data directory, listening on ``127.0.0.1`` with two free ports, plain
   HTTP (it is private to this process and lives for a second);
3. one linearizable range over the whole keyspace (``etcdctl get "" --prefix --keys-only --limit=1
   -w json``): the response header's ``revision`` and the ``count`` of keys in the range (etcd
   counts the whole range whatever the limit);
4. the scratch etcd is stopped (SIGTERM, SIGKILL after 10 s) and the folder removed.

:func:`compare` then checks the scratch numbers against :class:`SnapshotCounts` the node reported
with the snapshot stream (revision and key count read from the member right before its snapshot): both
must be equal. A write landing between that read and the snapshot makes the snapshot newer than the
report; that is reported as a mismatch too (the message names both numbers), never silently accepted.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .recover import ETCDCTL_ENV, restore_argv

#: The header message of an ``EtcdSnapshot`` stream: ``metadata.status.message`` (code OK, no bytes).
HEADER_PREFIX = "pytalos etcd snapshot:"
_HEADER = re.compile(rf"^{re.escape(HEADER_PREFIX)} revision=(\d+) keys=(\d+)$")
SCRATCH_NAME = "verify"


class VerifyError(RuntimeError):
    """The snapshot did not restore, the scratch etcd did not serve, or the numbers differ."""


@dataclass(frozen=True)
class SnapshotCounts:
    """An etcd keyspace's revision and number of keys."""

    revision: int
    keys: int


def format_header(counts: SnapshotCounts) -> str:
    return f"{HEADER_PREFIX} revision={counts.revision} keys={counts.keys}"


def parse_header(message: str) -> SnapshotCounts | None:
    """The counts of a header message (``None`` for any other text)."""
    match = _HEADER.match(message)
    return SnapshotCounts(int(match[1]), int(match[2])) if match else None


def compare(reported: SnapshotCounts, restored: SnapshotCounts) -> None:
    """:class:`VerifyError` naming both numbers unless revision and key count are the same."""
    problems = []
    if restored.revision != reported.revision:
        problems.append(
            f"revision {restored.revision} in the restored snapshot, {reported.revision} reported by the node"
        )
    if restored.keys != reported.keys:
        problems.append(
            f"{restored.keys} keys in the restored snapshot, {reported.keys} reported by the node"
        )
    if problems:
        raise VerifyError("snapshot verification failed: " + "; ".join(problems))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=ETCDCTL_ENV, timeout=timeout, check=False)


def tool_error(done: subprocess.CompletedProcess[str]) -> str:
    """etcdctl's ``Error: …`` lines (its JSON info logs left out), else its whole output."""
    text = (done.stderr + "\n" + done.stdout).strip()
    errors = [line for line in text.splitlines() if line.startswith("Error:")]
    return " ".join(errors) if errors else text


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _count(endpoint: str, etcdctl: str, deadline: float, log: Path) -> SnapshotCounts:
    # etcdctl 3.4 has no --count-only; with --limit=1 the reply's "count" is still the whole range's
    argv = [
        etcdctl,
        f"--endpoints={endpoint}",
        "get",
        "",
        "--prefix",
        "--keys-only",
        "--limit=1",
        "-w",
        "json",
    ]
    last = ""
    while True:
        done = _run(argv, timeout=10)
        if done.returncode == 0:
            reply = json.loads(done.stdout)
            return SnapshotCounts(int(reply["header"]["revision"]), int(reply.get("count", 0)))
        last = done.stderr.strip() or done.stdout.strip()
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise VerifyError(f"scratch etcd at {endpoint} did not answer: {last}\n--- etcd log ---\n{tail}")
        time.sleep(0.2)


def restored_counts(
    snapshot: Path, *, etcd: str = "etcd", etcdctl: str = "etcdctl", timeout: float = 60.0
) -> SnapshotCounts:
    """Steps 1-4 of the module docstring: the revision and key count of ``snapshot`` once restored."""
    for binary in (etcd, etcdctl):
        if shutil.which(binary) is None:
            raise VerifyError(f"--verify needs {binary!r} (Debian: etcd-server, etcd-client)")
    with tempfile.TemporaryDirectory(prefix="talosctl-verify-") as tmp:
        data = Path(tmp) / "data"
        client, peer = _free_port(), _free_port()
        peer_url, client_url = f"http://127.0.0.1:{peer}", f"http://127.0.0.1:{client}"
        argv = restore_argv(
            snapshot, data, name=SCRATCH_NAME, peer_urls=[peer_url], skip_hash_check=False, etcdctl=etcdctl
        )
        restored = _run(argv, timeout)
        if restored.returncode != 0:
            raise VerifyError(f"snapshot {snapshot} does not restore: {tool_error(restored)}")
        log = Path(tmp) / "etcd.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    etcd,
                    f"--name={SCRATCH_NAME}",
                    f"--data-dir={data}",
                    f"--listen-client-urls={client_url}",
                    f"--advertise-client-urls={client_url}",
                    f"--listen-peer-urls={peer_url}",
                    f"--initial-advertise-peer-urls={peer_url}",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            return _count(client_url, etcdctl, time.monotonic() + timeout, log)
        finally:
            _stop(proc)


def verify_snapshot(
    snapshot: Path, reported: SnapshotCounts, *, etcd: str = "etcd", etcdctl: str = "etcdctl"
) -> SnapshotCounts:
    """Restore ``snapshot`` into a scratch etcd and :func:`compare` it with ``reported``; returns the
    restored counts."""
    restored = restored_counts(snapshot, etcd=etcd, etcdctl=etcdctl)
    compare(reported, restored)
    return restored
