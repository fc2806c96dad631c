"""Wiping a node's system volumes for the Reset sequence (``resetSystemDisk``).

Talos wipes partitions of the system disk by label. A pytalos node in a network namespace keeps each
volume as a folder of its root (:mod:`.layout`), so wiping ``STATE`` deletes everything in
``system/state`` (the machine config and its last-known-good copy: the node comes back in maintenance
mode), ``EPHEMERAL`` everything in ``var`` except ``var/log`` (the running machined's own log and
the audit log are open there), and ``META`` everything in ``meta``. The disk issue replaces this with
real partitions on block devices.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection
from pathlib import Path

from .layout import NodeLayout


class WipeError(OSError):
    """A volume could not be wiped; the message names the folder and the cause."""


def _empty(folder: Path, keep: Collection[str] = ()) -> None:
    if not folder.exists():
        return
    for entry in folder.iterdir():
        if entry.name in keep:
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)
        except OSError as err:
            raise WipeError(err.errno, f"wiping {entry}: {err.strerror or err}") from err


def volume_folders(layout: NodeLayout) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """label → (folder, entries kept) for every volume a node has."""
    return {
        "STATE": (layout.state, ()),
        "EPHEMERAL": (layout.ephemeral, (layout.logs.name,)),
        "META": (layout.meta, ()),
    }


def wipe_volumes(layout: NodeLayout, labels: Collection[str]) -> list[str]:
    """Empty the folders of ``labels`` (see the module docstring); returns the labels wiped, in order."""
    folders = volume_folders(layout)
    unknown = sorted(set(labels) - set(folders))
    if unknown:
        raise WipeError(0, f"no system volume labelled {', '.join(unknown)} (known: {', '.join(folders)})")
    done = []
    for label, (folder, keep) in folders.items():
        if label in labels:
            _empty(folder, keep)
            done.append(label)
    return done
