"""Per-node resource checks: memory, disk, boot sequence (Talos's ``nodes.go``, ``events.go``) and
-- beyond Talos, asked by pytalos's issue -- time sync.

* ``all nodes memory sizes``: ``MemTotal`` at least Talos's minimum for the node's type (control
  plane 2 GiB - 150 MiB, worker 1 GiB - 150 MiB). Talos skips nodes in ``container`` mode; pytalos
  nodes report that mode (a process tree in a netns) but are checked anyway: the host's memory is
  what they run on.
* ``all nodes disk sizes``: Talos reads the size of the EPHEMERAL volume (``VolumeStatus``), which
  pytalos nodes do not have: their EPHEMERAL is the folder ``/var`` of the node root, on whatever
  filesystem holds it. So the check asks the node for ``DiskUsage /var`` (EPHEMERAL must exist; its
  used size goes into the message) and for ``Mounts``, and requires the filesystem holding ``/var`` in
  the node's mount view (the longest mount point that is a prefix of ``/var``) to have at least Talos's
  minimum EPHEMERAL size free (6 GiB - 1400 MiB). Limitation: the Machine API does not say where a
  netns node's root lives on the host, so a node root on a separately mounted filesystem is judged by
  the filesystem of ``/`` (the host's); Talos nodes with a real ``/var`` mount are judged exactly.
* ``all nodes to finish boot sequence``: ``MachineStatus`` stage ``running`` on every node
  (Talos watches the resource; here it is polled), else ``nodes are not running: <stage>: [nodes]``.
* ``all nodes to have synced time``: ``TimeStatus`` ``synced`` on every node.
"""

from __future__ import annotations

import posixpath

from .access import MountStat, NodeAccess, ResourceData
from .conditions import CheckError, on_all_nodes
from .info import ClusterInfo, quoted

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

MIN_MEMORY = {"controlplane": 2 * GIB - 150 * MIB, "init": 2 * GIB - 150 * MIB, "worker": GIB - 150 * MIB}
#: Talos: ``minimal.DiskSize()`` (6 GiB) less 1400 MiB for the system partitions
MIN_EPHEMERAL = 6 * GIB - 1400 * MIB
EPHEMERAL_PATH = "/var"

RUNTIME_NAMESPACE = "runtime"
MACHINE_STATUS = ("MachineStatuses.runtime.talos.dev", "machine")
TIME_STATUS = ("TimeStatuses.v1alpha1.talos.dev", "node")


def ibytes(n: int) -> str:
    """go-humanize ``IBytes``: ``4.6 GiB``, ``512 MiB``, ``900 B``."""
    if n < 1024:
        return f"{n} B"
    value, unit = float(n), "B"
    for name in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        value, unit = value / 1024, name
        if value < 1024:
            break
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


async def memory_sizes(access: NodeAccess, info: ClusterInfo) -> None:
    answers = await on_all_nodes(info.nodes, access.memory_total)
    problems = []
    for node in sorted(answers):
        minimum = MIN_MEMORY[info.machine_type(node)]
        if answers[node] < minimum:
            problems.append(
                f'node "{node}" does not meet memory requirements: expected at least '
                f"{minimum // MIB} MiB, actual {answers[node] // MIB} MiB"
            )
    if problems:
        raise CheckError("; ".join(problems))


def holding_filesystem(mounts: list[MountStat], path: str) -> MountStat | None:
    """The mount whose mount point is the longest path prefix of ``path``."""
    best: MountStat | None = None
    best_len = -1
    for m in mounts:
        point = posixpath.normpath(m.mounted_on or "/")
        holds = path == point or point == "/" or path.startswith(point + "/")
        if holds and len(point) >= best_len:
            best, best_len = m, len(point)
    return best


async def disk_sizes(access: NodeAccess, info: ClusterInfo) -> None:
    async def ephemeral(node: str) -> tuple[int, MountStat | None]:
        used = await access.disk_usage(node, EPHEMERAL_PATH)
        return used, holding_filesystem(await access.mounts(node), EPHEMERAL_PATH)

    answers = await on_all_nodes(info.nodes, ephemeral)
    problems = []
    for node in sorted(answers):
        used, fs = answers[node]
        if fs is None:
            problems.append(f'node "{node}": no mounted filesystem holds EPHEMERAL ({EPHEMERAL_PATH})')
        elif fs.available < MIN_EPHEMERAL:
            problems.append(
                f'ephemeral partition "{EPHEMERAL_PATH}" for node "{node}" is too small: the filesystem '
                f'mounted at "{fs.mounted_on}" has {ibytes(fs.available)} free (EPHEMERAL uses '
                f"{ibytes(used)}), expected at least {ibytes(MIN_EPHEMERAL)}"
            )
    if problems:
        raise CheckError("; ".join(problems))


def _spec_field(res: ResourceData | None, key: str) -> object:
    return res.spec.get(key) if res is not None and isinstance(res.spec, dict) else None


async def boot_finished(access: NodeAccess, info: ClusterInfo) -> None:
    async def status(node: str) -> ResourceData | None:
        return await access.get_resource(node, RUNTIME_NAMESPACE, *MACHINE_STATUS)

    answers = await on_all_nodes(info.nodes, status)
    by_stage: dict[str, list[str]] = {}
    for node in sorted(answers):
        stage = str(_spec_field(answers[node], "stage") or "unknown")
        if stage != "running":
            by_stage.setdefault(stage, []).append(node)
    if by_stage:
        parts = [f"{stage}: {quoted(nodes)}" for stage, nodes in sorted(by_stage.items())]
        raise CheckError(f"nodes are not running: {', '.join(parts)}")


async def time_synced(access: NodeAccess, info: ClusterInfo) -> None:
    async def status(node: str) -> ResourceData | None:
        return await access.get_resource(node, RUNTIME_NAMESPACE, *TIME_STATUS)

    answers = await on_all_nodes(info.nodes, status)
    missing = [n for n in sorted(answers) if answers[n] is None]
    unsynced = [
        n for n in sorted(answers) if answers[n] is not None and not _spec_field(answers[n], "synced")
    ]
    problems = []
    if unsynced:
        problems.append(f"time is not synced on {quoted(unsynced)}")
    if missing:
        problems.append(f"no TimeStatus on {quoted(missing)}")
    if problems:
        raise CheckError("; ".join(problems))
