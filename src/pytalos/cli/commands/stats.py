"""``talosctl stats [-k]``: container CPU and memory usage (the command lives in :mod:`.containers`)."""

from __future__ import annotations

from .containers import stats as cli

__all__ = ["cli"]
