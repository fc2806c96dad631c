"""Crash-safe file replacement: a reader sees the old content or the new one, never a mix.

The data goes to a temporary file in the same folder, which is flushed and fsync'ed, renamed over the
target, and then the folder itself is fsync'ed so the rename survives a power loss. That is what
Talos's config persistence does for ``/system/state/config.yaml``; every file machined persists goes
through :func:`write_atomic`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make renames and creations inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably; errors name the file."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
        fsync_dir(path.parent)
    except OSError as exc:
        raise OSError(exc.errno, f"writing {path} atomically: {exc.strerror}") from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def remove_durably(path: Path) -> None:
    """Delete ``path`` (if present) and make the deletion durable."""
    try:
        path.unlink(missing_ok=True)
        fsync_dir(path.parent)
    except OSError as exc:
        raise OSError(exc.errno, f"removing {path}: {exc.strerror}") from exc
