"""The node's audit log: one JSON line per mutating call that passed through this node's apid.

Beyond Talos (which keeps no such record). File: ``var/log/audit.log`` under the node root, append
only (``O_APPEND``, mode 0600, one ``write`` per record, so concurrent records never interleave).
Each line is an object with, in this order:

* ``time``: RFC 3339 UTC with microseconds;
* ``caller``: the client certificate's CN (for a forwarded request: the forwarding node's), ``roles``:
  the caller's effective roles (for a forwarded request: the original caller's);
* ``proxyfrom``: set when another node's apid forwarded the request here;
* ``method``: the full gRPC path; ``route``: ``local``, ``one`` or ``many``; ``targets``: the nodes
  it went to (empty for local);
* ``code``: the gRPC status name of the whole call (``OK``, ``PERMISSION_DENIED``, …), ``results``:
  per-target status names for ``many``.

Read-only methods are not logged (:data:`MUTATING` says which are mutating).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

_M = "/machine.MachineService/"
MUTATING: frozenset[str] = frozenset(
    [
        *(
            _M + m
            for m in (
                "ApplyConfiguration",
                "Bootstrap",
                "EtcdAlarmDisarm",
                "EtcdDefragment",
                "EtcdDowngradeCancel",
                "EtcdDowngradeEnable",
                "EtcdDowngradeValidate",
                "EtcdForfeitLeadership",
                "EtcdLeaveCluster",
                "EtcdRecover",
                "EtcdRemoveMember",
                "EtcdRemoveMemberByID",
                "ImagePull",
                "MetaDelete",
                "MetaWrite",
                "Reboot",
                "Reset",
                "Restart",
                "Rollback",
                "ServiceRestart",
                "ServiceStart",
                "ServiceStop",
                "Shutdown",
                "Upgrade",
            )
        ),
        "/machine.LifecycleService/Install",
        "/machine.LifecycleService/Upgrade",
        "/machine.ImageService/Import",
        "/machine.ImageService/Pull",
        "/machine.ImageService/Remove",
        "/machine.DebugService/ContainerRun",
        "/storage.StorageService/BlockDeviceWipe",
        "/machine.LVMService/LogicalVolumeRemove",
        "/machine.LVMService/VolumeGroupRemove",
        "/machine.LVMService/PhysicalVolumeRemove",
        "/machine.MDService/Destroy",
        *(
            f"/cosi.resource.State/{m}"
            for m in ("Create", "Update", "Destroy", "Teardown", "TeardownAndDestroy")
        ),
    ]
)


class AuditLog:
    """Appends records to ``path`` (the folder is created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                raise OSError(exc.errno, f"audit log {self.path}: {exc.strerror}") from exc
        return self._fd

    def record(
        self,
        *,
        caller: str,
        roles: Sequence[str],
        method: str,
        route: str,
        targets: Sequence[str],
        code: str,
        proxy_from: str = "",
        results: Mapping[str, str] | None = None,
        now: datetime | None = None,
    ) -> None:
        entry: dict[str, object] = {
            "time": (now or datetime.now(UTC)).isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "caller": caller,
            "roles": list(roles),
        }
        if proxy_from:
            entry["proxyfrom"] = proxy_from
        entry.update(method=method, route=route, targets=list(targets), code=code)
        if results:
            entry["results"] = dict(results)
        os.write(self._open(), (json.dumps(entry, separators=(",", ":")) + "\n").encode())

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read(path: Path) -> list[dict[str, object]]:
    """Every record of an audit log (``talosctl logs audit`` reads it through the node)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
