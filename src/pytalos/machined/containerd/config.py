"""containerd configuration (``version = 2`` TOML, containerd 1.6/1.7) for a node's two instances.

* the **system** instance (Talos's ``/system/run/containerd/containerd.sock``) runs apid, trustd and
  extension services; the CRI plugin is disabled, so no Kubernetes machinery (CNI, sandbox image)
  is needed for it to serve;
* the **cri** instance (``/run/containerd/containerd.sock``, config ``/etc/cri/containerd.toml``)
  runs kubelet, etcd and pods: the CRI plugin is on (CNI and registry-host directories under the
  node root, not the host's ``/etc/cni``), its default runtime is runc through the
  ``io.containerd.runc.v2`` shim with cgroupfs (``SystemdCgroup = false``: pytalos nodes have no
  systemd), and it names the pod sandbox image.

Every path (root, state, sockets) sits under the node's root directory so that a node can live in a
directory on a shared machine. Snapshotters and plugins that cannot work here (aufs, btrfs, zfs,
devmapper; tracing) are disabled so the log shows real errors only. Containers of the system
instance pick their runtime per container (the runner asks for ``io.containerd.runc.v2``; runc's
default cgroup driver is cgroupfs), because outside the CRI plugin containerd 1.6 has no
default-runtime setting.

tomllib reads TOML but cannot write it; the small writer here covers what the config uses (tables,
strings, booleans, integers, string lists) and the tests read its output back with tomllib.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: ``AF_UNIX`` socket paths are limited to 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107
#: Talos's default ``PauseImage`` for the CRI sandbox.
DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.10"

CRI_PLUGIN = "io.containerd.grpc.v1.cri"
DISABLED_ALWAYS = (
    "io.containerd.internal.v1.tracing",
    "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.tracing.processor.v1.otlp",
)


class ContainerdConfigError(ValueError):
    """The instance cannot be configured as asked (e.g. its socket path is too long)."""


@dataclass(frozen=True)
class CRISettings:
    """What the CRI plugin needs: the pause image and the runc binary."""

    sandbox_image: str = DEFAULT_SANDBOX_IMAGE
    runc_binary: str = "runc"


@dataclass(frozen=True)
class ContainerdInstance:
    """One containerd process: its directories, sockets and (for ``cri``) CRI settings."""

    name: str
    root: Path
    state: Path
    address: Path
    config_path: Path
    cri: CRISettings | None = None
    debug_level: str = "info"
    node_root: Path = Path("/")

    @property
    def ttrpc_address(self) -> Path:
        return self.address.with_name(self.address.name + ".ttrpc")

    def command(self, binary: str = "containerd") -> list[str]:
        """The command line that starts this instance with its rendered config."""
        return [binary, "--config", str(self.config_path)]


def system_instance(node_root: Path, *, debug_level: str = "info") -> ContainerdInstance:
    """Talos's system containerd under ``node_root`` (``/system/run/containerd``)."""
    return ContainerdInstance(
        name="containerd",
        root=node_root / "system" / "var" / "lib" / "containerd",
        state=node_root / "system" / "run" / "containerd",
        address=node_root / "system" / "run" / "containerd" / "containerd.sock",
        config_path=node_root / "system" / "etc" / "containerd" / "config.toml",
        debug_level=debug_level,
        node_root=node_root,
    )


def cri_instance(
    node_root: Path, *, sandbox_image: str = DEFAULT_SANDBOX_IMAGE, debug_level: str = "info"
) -> ContainerdInstance:
    """Talos's CRI containerd under ``node_root`` (``/run/containerd``, ``/etc/cri/containerd.toml``)."""
    return ContainerdInstance(
        name="cri",
        root=node_root / "var" / "lib" / "containerd",
        state=node_root / "run" / "containerd",
        address=node_root / "run" / "containerd" / "containerd.sock",
        config_path=node_root / "etc" / "cri" / "containerd.toml",
        cri=CRISettings(sandbox_image=sandbox_image),
        debug_level=debug_level,
        node_root=node_root,
    )


def config_document(instance: ContainerdInstance) -> dict[str, Any]:
    """The configuration as nested tables (what :func:`render_config` writes as TOML)."""
    for path in (instance.address, instance.ttrpc_address):
        if len(str(path).encode()) > MAX_SOCKET_PATH:
            raise ContainerdConfigError(
                f"containerd {instance.name}: socket path {path} is longer than {MAX_SOCKET_PATH} bytes"
            )
    disabled = list(DISABLED_ALWAYS)
    plugins: dict[str, Any] = {}
    if instance.cri is None:
        disabled.insert(0, CRI_PLUGIN)
    else:
        runc = {
            "runtime_type": "io.containerd.runc.v2",
            "options": {"BinaryName": instance.cri.runc_binary, "SystemdCgroup": False},
        }
        plugins[CRI_PLUGIN] = {
            "sandbox_image": instance.cri.sandbox_image,
            "enable_unprivileged_ports": True,
            "enable_unprivileged_icmp": True,
            "containerd": {
                "snapshotter": "overlayfs",
                "default_runtime_name": "runc",
                "discard_unpacked_layers": True,
                "runtimes": {"runc": runc},
            },
            "cni": {
                "conf_dir": str(instance.node_root / "etc" / "cni" / "net.d"),
                "bin_dir": str(instance.node_root / "opt" / "cni" / "bin"),
            },
            "registry": {"config_path": str(instance.node_root / "etc" / "cri" / "conf.d" / "hosts")},
        }
    doc: dict[str, Any] = {
        "version": 2,
        "root": str(instance.root),
        "state": str(instance.state),
        "disabled_plugins": disabled,
        "grpc": {"address": str(instance.address)},
        "ttrpc": {"address": str(instance.ttrpc_address)},
        "debug": {"level": instance.debug_level},
        "metrics": {"address": ""},
    }
    if plugins:
        doc["plugins"] = plugins
    return doc


def _key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum()
    return key if bare else _string(key)


def _string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


def dump_toml(doc: dict[str, Any]) -> str:
    """TOML text for nested tables: each table's plain keys first, then its sub-tables."""
    lines: list[str] = []

    def table(path: list[str], body: dict[str, Any]) -> None:
        scalars = [(k, v) for k, v in body.items() if not isinstance(v, dict)]
        tables = [(k, v) for k, v in body.items() if isinstance(v, dict)]
        if path and (scalars or not tables):
            if lines:
                lines.append("")
            lines.append("[" + ".".join(_key(p) for p in path) + "]")
        lines.extend(f"{_key(k)} = {_value(v)}" for k, v in scalars)
        for k, v in tables:
            table([*path, k], v)

    table([], doc)
    return "\n".join(lines) + "\n"


def render_config(instance: ContainerdInstance) -> str:
    """The instance's ``config.toml``."""
    return dump_toml(config_document(instance))


def write_config(instance: ContainerdInstance) -> None:
    """Write the config and create the instance's directories (0700, as containerd would)."""
    text = render_config(instance)
    try:
        for directory in (instance.root, instance.state, instance.address.parent):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        instance.config_path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        instance.config_path.write_text(text)
    except OSError as exc:
        raise OSError(
            exc.errno, f"containerd {instance.name}: preparing {instance.config_path}: {exc.strerror}"
        ) from exc
