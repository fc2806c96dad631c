"""Where a node keeps its files: every Talos partition is a folder under the node's root.

Talos mounts STATE at ``/system/state``, EPHEMERAL at ``/var`` and keeps META on its own partition;
runtime files live in ``/system/run`` and logs in ``/var/log``. A pytalos node runs in a folder on a
shared machine, so each of those is a sub-folder of the node root and nothing is ever written outside
it. Daemon-specific layouts (:class:`~pytalos.machined.etcd.layout.EtcdLayout`, containerd instances)
are derived from the same root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pytalos.machined.containerd.config import ContainerdInstance, system_instance
from pytalos.machined.etcd.layout import EtcdLayout

#: Talos's ``constants.ConfigFilename``.
CONFIG_FILENAME = "config.yaml"


@dataclass(frozen=True)
class NodeLayout:
    """Paths of one node under ``root`` (see the module docstring)."""

    root: Path

    @property
    def state(self) -> Path:
        """STATE (``/system/state``): the machine config lives here."""
        return self.root / "system" / "state"

    @property
    def ephemeral(self) -> Path:
        """EPHEMERAL (``/var``): etcd data, logs, containerd of the CRI."""
        return self.root / "var"

    @property
    def meta(self) -> Path:
        """META: small key/value tags that survive a reset of STATE (here a folder holding ``meta.img``,
        the bytes a META partition holds)."""
        return self.root / "meta"

    @property
    def run(self) -> Path:
        """``/system/run``: sockets and runtime files, recreated on every start."""
        return self.root / "system" / "run"

    @property
    def logs(self) -> Path:
        """``/var/log``: one log file per service, plus ``machined.log``."""
        return self.ephemeral / "log"

    @property
    def secrets(self) -> Path:
        """``/system/secrets``: certificates machined derives from the config (not persisted by Talos)."""
        return self.root / "system" / "secrets"

    @property
    def config(self) -> Path:
        return self.state / CONFIG_FILENAME

    @property
    def config_good(self) -> Path:
        """The last config with which the node reached Running (pytalos's last-known-good)."""
        return self.state / (CONFIG_FILENAME + ".good")

    @property
    def config_failed(self) -> Path:
        """A config rolled back because the node did not reach Running with it (kept for inspection)."""
        return self.state / (CONFIG_FILENAME + ".failed")

    @property
    def pid_file(self) -> Path:
        return self.run / "machined.pid"

    @property
    def etcd(self) -> EtcdLayout:
        return EtcdLayout(self.root)

    @property
    def containerd(self) -> ContainerdInstance:
        return system_instance(self.root)

    def ensure(self) -> None:
        """Create the partition folders (0700 for STATE and secrets, as on a Talos node)."""
        for path, mode in (
            (self.state, 0o700),
            (self.ephemeral, 0o755),
            (self.meta, 0o700),
            (self.run, 0o755),
            (self.logs, 0o755),
            (self.secrets, 0o700),
        ):
            try:
                path.mkdir(mode=mode, parents=True, exist_ok=True)
            except OSError as exc:
                raise OSError(exc.errno, f"node layout: creating {path}: {exc.strerror}") from exc
