"""Where etcd's files live on a node, relative to the node's root directory.

Talos hard-codes ``/system/secrets/etcd`` for the PKI and ``/var/lib/etcd`` (on EPHEMERAL) for the
data directory (``pkg/machinery/constants``). pytalos nodes may run inside a directory on a shared
machine (tests, container mode), so every path is computed from a root instead of being absolute.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Talos's ``constants.EtcdClientPort`` / ``EtcdPeerPort``.
CLIENT_PORT = 2379
PEER_PORT = 2380


@dataclass(frozen=True)
class EtcdLayout:
    """Paths of etcd's PKI files, data directory and recovery snapshot under ``root``."""

    root: Path = Path("/")

    @property
    def pki_dir(self) -> Path:
        return self.root / "system" / "secrets" / "etcd"

    @property
    def ca_cert(self) -> Path:
        return self.pki_dir / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.pki_dir / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.pki_dir / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.pki_dir / "server.key"

    @property
    def peer_cert(self) -> Path:
        return self.pki_dir / "peer.crt"

    @property
    def peer_key(self) -> Path:
        return self.pki_dir / "peer.key"

    @property
    def admin_cert(self) -> Path:
        return self.pki_dir / "admin.crt"

    @property
    def admin_key(self) -> Path:
        return self.pki_dir / "admin.key"

    @property
    def data_dir(self) -> Path:
        """``/var/lib/etcd``: a directory volume on EPHEMERAL (``/var``)."""
        return self.root / "var" / "lib" / "etcd"

    @property
    def recovery_snapshot(self) -> Path:
        """``constants.EtcdRecoverySnapshotPath``: where ``EtcdRecover`` stores an uploaded snapshot."""
        return self.root / "var" / "lib" / "etcd.snapshot"
