"""What machined's controllers need from the machine they run on: :class:`NodePlatform`.

machined's main process builds one object satisfying this Protocol and passes it to
:func:`pytalos.machined.controllers.all_controllers`. Everything OS-specific the controllers touch
goes through it, so unit tests substitute a plain object with a fake netlink:

* ``netlink`` — links and addresses of the node's network namespace (the real one is
  :class:`~pytalos.machined.controllers.network.rtnetlink.RtNetlink`);
* ``machine_id`` — the node's stable machine id (``/etc/machine-id`` style, 32 hex digits); the node
  identity and the stable ``talos-xxx-yyy`` hostname are derived from it;
* ``mode`` — Talos's runtime mode: ``metal``, ``cloud`` or ``container`` (config validation and
  time sync depend on it);
* ``clock_trusted`` — whether the kernel clock is already synchronized by someone else. A node
  placed in a network namespace of a shared machine uses the host's clock, which the host keeps in
  sync: then the node reports time as synced without running an NTP client;
* ``root`` — the node's root directory: ``/`` on a real node, a directory per node when several run
  on one machine (paths such as ``system/state`` are below it);
* ``events`` — machined's event stream (:class:`~pytalos.machined.system.EventStream`), where the
  service supervisor publishes ``ServiceStateEvent``s; the Services resources mirror it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

from pytalos.machined.controllers.network.netlink import Netlink
from pytalos.machined.system.stream import Envelope


class EventSource(Protocol):
    """A subscribable event history (satisfied by :class:`~pytalos.machined.system.EventStream`)."""

    def subscribe(self, tail: int = 0, follow: bool = True) -> AsyncIterator[Envelope[Any]]: ...


class NodePlatform(Protocol):
    """The node's machine as the controllers see it (see the module docstring for each member)."""

    @property
    def netlink(self) -> Netlink: ...

    @property
    def machine_id(self) -> str: ...

    @property
    def mode(self) -> str: ...

    @property
    def clock_trusted(self) -> bool: ...

    @property
    def root(self) -> Path: ...

    @property
    def events(self) -> EventSource: ...
