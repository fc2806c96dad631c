"""The node's sequences (Talos §5.2, container-mode shapes) built over :class:`NodeTasks`.

* **Initialize**: ``prepare``[prepareLayout] → ``earlyServices``[startContainerd] → ``config``[loadConfig]
  (``loadConfig`` waits in maintenance mode when STATE has no usable config);
* **Boot**: ``startEverything``[startAllServices] (etcd on control planes, machined's API, kubelet);
* **Reboot**: ``stopEverything``[stopAllServices] → ``reboot``[reboot];
* **Shutdown**: ``stopEverything``[stopAllServices] → ``shutdown``[shutdown];
* **Reset**: ``stopEverything``[stopAllServices] → ``reset``[resetSystemDisk] → ``reboot`` or ``shutdown``.

In this placement a node is a process tree, so ``reboot`` means: every service stopped (reverse
dependency order), then machined starts again from STATE (:mod:`pytalos.machined.__main__` re-execs).
"""

from __future__ import annotations

from typing import Protocol

from .sequence import Sequence, SequenceBuilder, SequenceName, Task


class NodeTasks(Protocol):
    """What the sequences act on (implemented by :class:`pytalos.machined.node.machined.Machined`)."""

    async def prepare_layout(self) -> None: ...

    async def start_containerd(self) -> None: ...

    async def load_config(self) -> None: ...

    async def start_all_services(self) -> None: ...

    async def stop_all_services(self) -> None: ...

    async def reset_system_disk(self) -> None: ...

    async def reboot(self) -> None: ...

    async def shutdown(self) -> None: ...


def initialize(node: NodeTasks) -> Sequence:
    return (
        SequenceBuilder(SequenceName.INITIALIZE)
        .append("prepare", Task("prepareLayout", node.prepare_layout))
        .append("earlyServices", Task("startContainerd", node.start_containerd))
        .append("config", Task("loadConfig", node.load_config))
        .build()
    )


def boot(node: NodeTasks) -> Sequence:
    return (
        SequenceBuilder(SequenceName.BOOT)
        .append("startEverything", Task("startAllServices", node.start_all_services))
        .build()
    )


def reboot(node: NodeTasks) -> Sequence:
    return (
        SequenceBuilder(SequenceName.REBOOT)
        .append("stopEverything", Task("stopAllServices", node.stop_all_services))
        .append("reboot", Task("reboot", node.reboot))
        .build()
    )


def shutdown(node: NodeTasks) -> Sequence:
    return (
        SequenceBuilder(SequenceName.SHUTDOWN)
        .append("stopEverything", Task("stopAllServices", node.stop_all_services))
        .append("shutdown", Task("shutdown", node.shutdown))
        .build()
    )


def reset(node: NodeTasks, *, reboot_after: bool) -> Sequence:
    return (
        SequenceBuilder(SequenceName.RESET)
        .append("stopEverything", Task("stopAllServices", node.stop_all_services))
        .append("reset", Task("resetSystemDisk", node.reset_system_disk))
        .append_when(reboot_after, "reboot", Task("reboot", node.reboot))
        .append_when(not reboot_after, "shutdown", Task("shutdown", node.shutdown))
        .build()
    )
