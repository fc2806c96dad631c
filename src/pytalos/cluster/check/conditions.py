"""Checks as polling conditions (Talos's ``pkg/conditions/poll.go`` and ``check.Wait``).

A :class:`Check` is a name (what Talos prints after ``waiting for``) and an assertion: a coroutine
that returns when the cluster is in the wanted state, raises with the reason it is not, or raises
:class:`SkipCheck` when the check does not apply (Talos's ``ErrSkipAssertion``; here with a reason).
:func:`poll` calls the assertion until it passes or the overall deadline comes: at once, then after
:data:`FIRST_RETRY`, each pause :data:`RETRY_BACKOFF` times the last, up to :data:`POLL_INTERVAL`.
Talos polls every 5 s; pytalos nodes answer in milliseconds, so a condition about to become true
(etcd members being promoted right after ``cluster create`` bootstraps) is seen within a fraction of
a second, and one that takes long is asked twice a second. Each attempt is bounded by
:data:`ATTEMPT_TIMEOUT` and by the deadline itself, so the run ends by the deadline, and a check that
fails names its last error (a node that does not answer within the attempt is an error naming that
node, never a bare timeout).
Talos also gives every check its own timeout (2-10 min); here only the overall deadline applies.

:func:`on_nodes` is how assertions talk to several nodes: concurrently, each call bounded by the time
left in the attempt, failures collected per node (``<node>: <error>``).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .access import NodeAccess
    from .info import ClusterInfo

T = TypeVar("T")

#: longest pause between two attempts of a check (Talos: 5 s; an attempt costs a few small calls)
POLL_INTERVAL = 0.5
#: the pause after the first failed attempt, and by how much each next pause grows
FIRST_RETRY = 0.2
RETRY_BACKOFF = 1.25
#: the longest one attempt may take (Talos: the poll interval)
ATTEMPT_TIMEOUT = 10.0
#: an attempt is not started with less time than this left (unless it is the first one)
MIN_ATTEMPT = 0.25
#: node calls give up this long before the attempt does, so their error (naming the node) wins
_CALL_MARGIN = 0.05

_ATTEMPT_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "pytalos_check_attempt_deadline", default=None
)

Assertion = Callable[["NodeAccess", "ClusterInfo"], Awaitable[None]]


class SkipCheck(Exception):
    """Raised by an assertion when the check does not apply; the message is the reason."""


class CheckError(Exception):
    """An assertion's failure (any exception works; this one just carries the message)."""


@dataclass(frozen=True)
class Check:
    """A named polling condition (see the module docstring)."""

    name: str
    assertion: Assertion
    interval: float = POLL_INTERVAL


@dataclass(frozen=True)
class Outcome:
    """How one check ended: ``ok``, ``failed`` or ``skipped``; ``reason`` is the skip reason or the
    last error."""

    result: str
    reason: str = ""
    attempts: int = 0


def time_left() -> float | None:
    """Seconds left in the current attempt (``None`` outside :func:`poll`)."""
    deadline = _ATTEMPT_DEADLINE.get()
    if deadline is None:
        return None
    return deadline - asyncio.get_running_loop().time()


def call_timeout(default: float) -> float:
    """The timeout for one node call: ``default``, cut to what the attempt has left."""
    left = time_left()
    if left is None:
        return default
    return max(0.01, min(default, left - _CALL_MARGIN))


async def on_nodes(
    nodes: Iterable[str], call: Callable[[str], Awaitable[T]]
) -> tuple[dict[str, T], list[str]]:
    """``call(node)`` for every node concurrently: (answers by node, ``<node>: <error>`` texts in node
    order). A node that does not answer in the time the attempt has left is an error naming it."""
    targets = list(dict.fromkeys(nodes))

    async def one(node: str) -> tuple[str, T | None, str | None]:
        left = time_left()
        limit = None if left is None else max(0.01, left - _CALL_MARGIN)
        try:
            return node, await asyncio.wait_for(call(node), limit), None
        except TimeoutError:
            return node, None, f"{node}: no answer within {limit:.1f}s"
        except SkipCheck:
            raise
        except Exception as err:  # every failure of a node call is that node's error
            return node, None, f"{node}: {err or type(err).__name__}"

    answers: dict[str, T] = {}
    errors: list[str] = []
    for node, value, error in await asyncio.gather(*(one(n) for n in targets)):
        if error is not None:
            errors.append(error)
        else:
            answers[node] = value  # type: ignore[assignment]
    return answers, errors


async def on_all_nodes(nodes: Iterable[str], call: Callable[[str], Awaitable[T]]) -> dict[str, T]:
    """:func:`on_nodes`, raising :class:`CheckError` with every node's error when any node failed."""
    answers, errors = await on_nodes(nodes, call)
    if errors:
        raise CheckError("; ".join(errors))
    return answers


def error_text(err: BaseException) -> str:
    return str(err) or type(err).__name__


async def poll(
    check: Check,
    access: NodeAccess,
    info: ClusterInfo,
    deadline: float,
    progress: Callable[[str | None], None],
) -> Outcome:
    """Run ``check`` until it passes, skips, or ``deadline`` (loop time) comes; ``progress`` gets each
    failed attempt's error (``None`` before the first attempt)."""
    loop = asyncio.get_running_loop()
    progress(None)
    last_error: str | None = None
    attempts = 0
    pause = min(FIRST_RETRY, check.interval)
    while True:
        start = loop.time()
        if deadline - start < MIN_ATTEMPT and attempts:
            await asyncio.sleep(max(0.0, deadline - start))  # too late to learn more: keep the last error
            break
        if start >= deadline:
            break
        attempt_deadline = min(deadline, start + ATTEMPT_TIMEOUT)
        token = _ATTEMPT_DEADLINE.set(attempt_deadline)
        try:
            await asyncio.wait_for(check.assertion(access, info), attempt_deadline - start)
        except SkipCheck as skip:
            return Outcome("skipped", error_text(skip), attempts + 1)
        except TimeoutError:
            last_error = f"attempt did not finish within {attempt_deadline - start:.1f}s"
        except Exception as err:  # an assertion's failure, whatever its type, is the check's error
            last_error = error_text(err)
        else:
            return Outcome("ok", "", attempts + 1)
        finally:
            _ATTEMPT_DEADLINE.reset(token)
        attempts += 1
        progress(last_error)
        wake = min(start + pause, deadline)
        pause = min(pause * RETRY_BACKOFF, check.interval)
        await asyncio.sleep(max(0.0, wake - loop.time()))
    return Outcome("failed", last_error or "the wait timeout was reached before the first attempt", attempts)
