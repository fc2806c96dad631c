"""Writes rendered files below the node's root, each atomically (temp file + rename + fsync).

Talos renders the control plane's secrets and configs into ``/system/...`` on its own root; a
pytalos node has a root directory of its own (``NodePlatform.root``), so paths are relative to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

from pytalos.machined.state.atomicfile import write_atomic


def _write(root: Path, files: Mapping[str, tuple[bytes, int]]) -> None:
    for relative, (data, mode) in sorted(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, mode=mode)


async def write_files(root: Path, files: Mapping[str, tuple[bytes, int]]) -> None:
    """Write ``files`` (relative path → (content, mode)) below ``root``; errors name the file."""
    await asyncio.to_thread(_write, root, files)
