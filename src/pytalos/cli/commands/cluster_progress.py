"""Progress of ``talosctl cluster create|destroy``: one line per step, node and health check.

On a terminal the lines form a live table (rich): a spinner while a step runs, then ``✓`` with the
time it took or ``✗`` with the error; health checks from :mod:`pytalos.cluster.check` join the table
as rows of their own. When stderr is not a terminal the same steps are printed as plain lines, the
way Talos prints them (``creating network …``, ``waiting for <check>: OK``). Progress goes to stderr;
stdout keeps the command's result (the cluster table).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text


@dataclass
class _Row:
    text: str
    state: str = "running"  # running | ok | failed | skipped
    detail: str = ""
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0


class Progress:
    """Steps and notes of one command; use as a context manager (stops the live display)."""

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._rows: list[_Row] = []
        self._checks: dict[str, _Row] = {}
        self._lock = threading.Lock()
        self._console = Console(file=self.stream, highlight=False)
        self._display: Live | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Progress:
        if self.live:
            self._display = Live(_Render(self), console=self._console, refresh_per_second=8)
            self._display.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._display is not None:
            self._display.stop()
            self._display = None

    # --- steps -------------------------------------------------------------------------------

    @contextmanager
    def step(self, text: str) -> Iterator[_Row]:
        """A step: running inside the block, then done, or failed with the exception's text."""
        row = self.begin(text)
        try:
            yield row
        except BaseException as exc:
            self.finish(row, "failed", str(exc) or type(exc).__name__)
            raise
        self.finish(row, "ok", row.detail)

    def begin(self, text: str) -> _Row:
        row = _Row(text)
        with self._lock:
            self._rows.append(row)
        if not self.live:
            self._print(text)
        return row

    def finish(self, row: _Row, state: str, detail: str = "") -> None:
        row.state, row.detail = state, detail
        row.elapsed = time.monotonic() - row.started
        if not self.live and state == "ok" and detail:
            self._print(f"{row.text}: {detail}")

    def note(self, text: str) -> None:
        """A line that is not a step (e.g. a renamed talosconfig context)."""
        row = _Row(text, state="note")
        with self._lock:
            self._rows.append(row)
        if not self.live:
            self._print(text)

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    # --- health checks (pytalos.cluster.check's Reporter protocol) ---------------------------

    def update(self, check: str, state: Any, error: str | None) -> None:
        """One change of a health check (``state`` is a ``CheckState``)."""
        name = str(getattr(state, "value", state))
        if not self.live:
            from pytalos.cluster.check.reporter import status_line

            self._print(status_line(check, state, error))
            return
        with self._lock:
            row = self._checks.get(check)
            if row is None:
                row = _Row(f"waiting for {check}")
                self._checks[check] = row
                self._rows.append(row)
        if name == "ok":
            self.finish(row, "ok")
        elif name == "skipped":
            self.finish(row, "skipped", error or "")
        elif name == "failed":
            self.finish(row, "failed", error or "")
        else:
            row.detail = error or ""

    # --- rendering ---------------------------------------------------------------------------

    def renderable(self) -> RenderableType:
        table = Table.grid(padding=(0, 1))
        table.add_column(width=1)
        table.add_column(no_wrap=True)
        table.add_column(style="dim", no_wrap=True, overflow="ellipsis")
        with self._lock:
            rows = list(self._rows)
        for row in rows:
            table.add_row(*_cells(row))
        return Group(table)


def _cells(row: _Row) -> tuple[RenderableType, RenderableType, RenderableType]:
    if row.state == "note":
        return Text(" "), Text(row.text), Text("")
    if row.state == "running":
        took = f"{time.monotonic() - row.started:.1f}s"
        return Spinner("dots"), Text(row.text), Text(" ".join(filter(None, [took, row.detail])))
    glyph = {"ok": Text("✓", "green"), "failed": Text("✗", "red"), "skipped": Text("-", "yellow")}
    detail = " ".join(filter(None, [f"{row.elapsed:.1f}s", row.detail]))
    return glyph[row.state], Text(row.text), Text(detail, style="red" if row.state == "failed" else "")


class _Render:
    """Re-rendered by ``Live`` on every refresh."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def __rich__(self) -> RenderableType:
        return self.progress.renderable()
