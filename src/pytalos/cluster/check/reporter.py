"""Showing check progress: the :class:`Reporter` protocol, Talos's text lines, and the final report.

Talos prints one line per change of a check's status: ``waiting for <check>: ...`` when it starts,
``waiting for <check>: <last error>`` while it fails, ``waiting for <check>: OK`` and ``waiting for
<check>: SKIP``. :class:`TextReporter` writes those lines (the skip reason in parentheses, beyond
Talos; repeated lines dropped, as Talos's reporter does); the server side sends the same lines as
``HealthCheckProgress`` messages. :class:`HealthReport` is the outcome of a whole run, per check:
``ok``, ``failed`` or ``skipped`` with the reason or last error and the time it took; its JSON form
is what ``talosctl health -o json`` prints. :func:`parse_line` reads a line back (the client of a
server-side run rebuilds the report from the streamed lines).
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

RUNNING_TEXT = "..."
OK_TEXT = "OK"
SKIP_TEXT = "SKIP"
PREFIX = "waiting for "


class CheckState(enum.Enum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class Reporter(Protocol):
    """Told every change of a check: its state and (while running or failed) the last error, (when
    skipped) the reason."""

    def update(self, check: str, state: CheckState, error: str | None) -> None: ...


def status_line(check: str, state: CheckState, error: str | None) -> str:
    """Talos's ``waiting for <check>: <status>`` line (see the module docstring)."""
    if state is CheckState.OK:
        status = OK_TEXT
    elif state is CheckState.SKIPPED:
        status = f"{SKIP_TEXT} ({error})" if error else SKIP_TEXT
    else:
        status = error or RUNNING_TEXT
    return f"{PREFIX}{check}: {' '.join(status.split())}"


def parse_line(line: str) -> tuple[str, CheckState, str | None] | None:
    """The inverse of :func:`status_line`; ``None`` for other lines. A failure is only known from the
    run's end, so error lines parse as ``RUNNING`` with the error."""
    if not line.startswith(PREFIX) or ": " not in line:
        return None
    check, _, status = line[len(PREFIX) :].partition(": ")
    if status == OK_TEXT:
        return check, CheckState.OK, None
    if status == RUNNING_TEXT:
        return check, CheckState.RUNNING, None
    if status == SKIP_TEXT:
        return check, CheckState.SKIPPED, None
    if status.startswith(f"{SKIP_TEXT} (") and status.endswith(")"):
        return check, CheckState.SKIPPED, status[len(SKIP_TEXT) + 2 : -1]
    return check, CheckState.RUNNING, status


class LineReporter:
    """Sends each new status line to ``emit`` (drops a line equal to the previous one)."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self.emit = emit
        self._last = ""

    def update(self, check: str, state: CheckState, error: str | None) -> None:
        line = status_line(check, state, error)
        if line != self._last:
            self._last = line
            self.emit(line)


class TextReporter(LineReporter):
    """Talos's console reporter: the status lines on ``stream`` (stderr by default)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream

        def emit(line: str) -> None:
            out = self.stream if self.stream is not None else sys.stderr
            print(line, file=out, flush=True)

        super().__init__(emit)


class NullReporter:
    def update(self, check: str, state: CheckState, error: str | None) -> None:
        return None


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome; ``reason`` is the last error (failed) or why it was skipped."""

    name: str
    result: str
    reason: str = ""
    duration: float = 0.0
    attempts: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "result": self.result,
            "reason": self.reason,
            "duration": round(self.duration, 3),
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class HealthReport:
    """A whole run: the nodes looked at and every check's result, in order."""

    checks: tuple[CheckResult, ...]
    control_planes: tuple[str, ...] = ()
    workers: tuple[str, ...] = ()
    timeout: float = 0.0
    duration: float = 0.0
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error and all(c.result != "failed" for c in self.checks)

    @property
    def failed(self) -> CheckResult | None:
        return next((c for c in self.checks if c.result == "failed"), None)

    def failure_text(self) -> str:
        """Why the run is unhealthy: the failed check and its last error (or the run's own error)."""
        check = self.failed
        if check is not None:
            return f'check "{check.name}" failed: {check.reason}'
        return self.error

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "nodes": {"controlPlanes": list(self.control_planes), "workers": list(self.workers)},
            "waitTimeout": self.timeout,
            "duration": round(self.duration, 3),
            "error": self.failure_text() if not self.ok else "",
            "checks": [c.to_json() for c in self.checks],
            **self.extra,
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2)
