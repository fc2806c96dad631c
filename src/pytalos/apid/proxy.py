"""The proxying handler: one grpclib handler per known method, forwarding raw bytes.

One-to-one (local machined or a single node) is transparent: messages both ways as they come,
the backend's status (or a connection failure as ``Unavailable``) back to the caller. One-to-many
(unary and server-streaming methods only) sends the request to every target concurrently; unary
replies are concatenated in target order with each node's hostname appended, streamed replies are
passed on as they arrive with the hostname appended to each; a failing node contributes a message
with its error instead of failing the call (:mod:`.aggregate`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from grpclib.client import Channel
from grpclib.client import Stream as ClientStream
from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.server import Stream

from pytalos.api import authz

from . import aggregate
from .audit import MUTATING, AuditLog
from .backend import Backends, forward_metadata
from .director import Kind, Route, route
from .methods import catalogue

log = logging.getLogger("pytalos.apid")


def _status_of(err: BaseException) -> GRPCError:
    if isinstance(err, GRPCError):
        return err
    if isinstance(err, StreamTerminatedError | ConnectionError | OSError):
        return GRPCError(Status.UNAVAILABLE, f"connection error: {err}")
    if isinstance(err, TimeoutError):
        return GRPCError(Status.DEADLINE_EXCEEDED, "context deadline exceeded")
    return GRPCError(Status.UNKNOWN, str(err))


def _timeout(stream: Stream[Any, Any]) -> float | None:
    return stream.deadline.time_remaining() if stream.deadline is not None else None


async def _send_last(out: ClientStream[bytes, bytes], request: bytes) -> None:
    """Send the only request message; a backend that already answered (with an error, before reading
    it) closes the stream first -- its status is then read from the reply side."""
    with contextlib.suppress(StreamTerminatedError):
        await out.send_message(request, end=True)


async def _pump_requests(source: Stream[Any, Any], sink: ClientStream[Any, Any]) -> None:
    async for message in source:
        await sink.send_message(message)
    await sink.end()


class Proxy:
    """``__mapping__`` for grpclib's Server: every method of :func:`.methods.catalogue`."""

    def __init__(
        self,
        backends: Backends,
        *,
        proxy_from: str,
        is_local: Callable[[str], bool],
        audit: AuditLog | None = None,
    ) -> None:
        self.backends = backends
        self.proxy_from = proxy_from
        self.is_local = is_local
        self.audit = audit

    def __mapping__(self) -> dict[str, Handler]:
        return {
            path: Handler(self._handler(path, cardinality), cardinality, bytes, bytes)
            for path, cardinality in catalogue().items()
        }

    def _handler(self, method: str, cardinality: Cardinality) -> Callable[[Stream[Any, Any]], Any]:
        async def handle(stream: Stream[Any, Any]) -> None:
            await self.handle(stream, method, cardinality)

        return handle

    async def handle(self, stream: Stream[Any, Any], method: str, cardinality: Cardinality) -> None:
        where: Route | None = None
        results: dict[str, str] = {}
        code = "OK"
        try:
            where = route(
                method, stream.metadata, can_forward=self.backends.can_forward, is_local=self.is_local
            )
            if where.kind is Kind.MANY:
                results = await self._many(stream, method, cardinality, where.targets)
            else:
                await self._one(stream, method, cardinality, where)
        except GRPCError as err:
            code = err.status.name
            raise
        except BaseException as err:
            code = "CANCELLED" if isinstance(err, asyncio.CancelledError) else "UNKNOWN"
            raise
        finally:
            if self.audit is not None and method in MUTATING:
                self._audit(stream, method, where, code, results)

    def _audit(
        self, stream: Stream[Any, Any], method: str, where: Route | None, code: str, results: dict[str, str]
    ) -> None:
        caller = authz.current_caller()
        assert self.audit is not None
        try:
            self.audit.record(
                caller=caller.common_name if caller else "",
                roles=caller.roles.strings() if caller else [],
                proxy_from=str(stream.metadata.get(authz.PROXY_FROM_METADATA_KEY, ""))
                if stream.metadata
                else "",
                method=method,
                route=where.kind.value if where else "",
                targets=list(where.targets) if where else [],
                code=code,
                results=results,
            )
        except OSError as err:
            log.error("%s", err)

    def _roles(self) -> list[str]:
        caller = authz.current_caller()
        return caller.roles.strings() if caller else []

    async def _open(self, where: Route, target: str | None) -> tuple[Channel, str | None]:
        if where.kind is Kind.LOCAL or target is None:
            return self.backends.local(), None
        return await self.backends.remote(target), self.proxy_from

    async def _one(
        self, stream: Stream[Any, Any], method: str, cardinality: Cardinality, where: Route
    ) -> None:
        channel, proxy_from = await self._open(where, where.targets[0] if where.targets else None)
        metadata = forward_metadata(stream.metadata, self._roles(), proxy_from)
        try:
            async with channel.request(
                method, cardinality, bytes, bytes, timeout=_timeout(stream), metadata=metadata
            ) as out:
                pump = None
                if cardinality.client_streaming:
                    await out.send_request()  # headers first: the replies are read before any message
                    pump = asyncio.create_task(_pump_requests(stream, out))
                else:
                    await _send_last(out, await stream.recv_message() or b"")
                try:
                    async for reply in out:
                        await stream.send_message(reply)
                    if pump is not None:
                        await pump
                finally:
                    if pump is not None and not pump.done():
                        pump.cancel()
        except GRPCError as err:
            raise GRPCError(err.status, err.message) from None
        except (StreamTerminatedError, OSError, TimeoutError) as err:
            raise _status_of(err) from None

    async def _many(
        self, stream: Stream[Any, Any], method: str, cardinality: Cardinality, targets: tuple[str, ...]
    ) -> dict[str, str]:
        if cardinality.client_streaming:
            raise GRPCError(
                Status.INVALID_ARGUMENT, f"one-2-many proxying is not supported for method {method}"
            )
        request = await stream.recv_message()
        metadata = forward_metadata(stream.metadata, self._roles(), self.proxy_from)
        timeout = _timeout(stream)
        results: dict[str, str] = {}
        if not cardinality.server_streaming:
            replies = await asyncio.gather(
                *(self._unary_one(t, method, request, metadata, timeout, results) for t in targets)
            )
            await stream.send_message(b"".join(replies))
            return results
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=64)

        async def one(target: str) -> None:
            try:
                await self._stream_one(target, method, request, metadata, timeout, queue, results)
            finally:
                await queue.put(None)

        tasks = [asyncio.create_task(one(t)) for t in targets]
        try:
            remaining = len(tasks)
            while remaining:
                item = await queue.get()
                if item is None:
                    remaining -= 1
                else:
                    await stream.send_message(item)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return results

    async def _unary_one(
        self,
        target: str,
        method: str,
        request: Any,
        metadata: list[tuple[str, Any]],
        timeout: float | None,
        results: dict[str, str],
    ) -> bytes:
        try:
            channel = await self.backends.remote(target)
            async with channel.request(
                method, Cardinality.UNARY_UNARY, bytes, bytes, timeout=timeout, metadata=metadata
            ) as out:
                await _send_last(out, request)
                reply = await out.recv_message()
                await out.recv_trailing_metadata()
        except (GRPCError, StreamTerminatedError, OSError, TimeoutError) as exc:
            err = _status_of(exc)
            results[target] = err.status.name
            return aggregate.unary_error(target, err.status.value, err.message or "")
        results[target] = "OK"
        return aggregate.append_to_messages(reply or b"", aggregate.hostname_suffix(target))

    async def _stream_one(
        self,
        target: str,
        method: str,
        request: Any,
        metadata: list[tuple[str, Any]],
        timeout: float | None,
        queue: asyncio.Queue[bytes | None],
        results: dict[str, str],
    ) -> None:
        suffix = aggregate.hostname_suffix(target)
        try:
            channel = await self.backends.remote(target)
            async with channel.request(
                method, Cardinality.UNARY_STREAM, bytes, bytes, timeout=timeout, metadata=metadata
            ) as out:
                await _send_last(out, request)
                async for reply in out:
                    await queue.put(reply + suffix)
        except (GRPCError, StreamTerminatedError, OSError, TimeoutError) as exc:
            err = _status_of(exc)
            results[target] = err.status.name
            await queue.put(aggregate.stream_error(target, err.status.value, err.message or ""))
            return
        results[target] = "OK"
