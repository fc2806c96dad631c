"""How grpc-go prints a failed call, for every side that reports one (talosctl, the health checks).

Talos users read errors such as ``rpc error: code = Unavailable desc = connection error: desc =
"transport: Error while dialing: dial tcp 10.5.0.2:50000: connect: connection refused"`` in scripts
and runbooks; talosctl and the checks run by machined must print the same text for the same failure,
so the mapping from grpclib's exceptions (and the socket/TLS errors under them) lives here once.
"""

from __future__ import annotations

import asyncio
import os
import ssl

from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError

#: grpclib status names → Go's ``codes.Code`` names, as ``status.Error`` prints them.
GO_CODES = {
    "OK": "OK",
    "CANCELLED": "Canceled",
    "UNKNOWN": "Unknown",
    "INVALID_ARGUMENT": "InvalidArgument",
    "DEADLINE_EXCEEDED": "DeadlineExceeded",
    "NOT_FOUND": "NotFound",
    "ALREADY_EXISTS": "AlreadyExists",
    "PERMISSION_DENIED": "PermissionDenied",
    "RESOURCE_EXHAUSTED": "ResourceExhausted",
    "FAILED_PRECONDITION": "FailedPrecondition",
    "ABORTED": "Aborted",
    "OUT_OF_RANGE": "OutOfRange",
    "UNIMPLEMENTED": "Unimplemented",
    "INTERNAL": "Internal",
    "UNAVAILABLE": "Unavailable",
    "DATA_LOSS": "DataLoss",
    "UNAUTHENTICATED": "Unauthenticated",
}

_STATUS_NAMES = {s.value: s.name for s in Status}


def go_code(status: Status) -> str:
    """``Status.PERMISSION_DENIED`` → ``PermissionDenied``."""
    return GO_CODES.get(status.name, status.name)


def go_code_of(code: int) -> str:
    """A numeric ``google.rpc.Status`` code (as in ``common.Metadata.status``) → Go's name."""
    return GO_CODES.get(_STATUS_NAMES.get(code, ""), "Unknown")


def rpc_error(err: BaseException, target: str = "") -> tuple[str, str]:
    """``(Go code name, grpc-go's text)`` for a failed call to ``target`` (``host:port``)."""
    if isinstance(err, GRPCError):
        code = go_code(err.status)
        return code, f"rpc error: code = {code} desc = {err.message or ''}"
    if isinstance(err, TimeoutError | asyncio.TimeoutError):
        return "DeadlineExceeded", "rpc error: code = DeadlineExceeded desc = context deadline exceeded"
    if isinstance(err, ssl.SSLError):
        reason = (err.reason or str(err)).lower().replace("_", " ")
        return "Unavailable", (
            "rpc error: code = Unavailable desc = connection error: desc = "
            f'"transport: authentication handshake failed: {reason}"'
        )
    if isinstance(err, OSError):
        reason = (os.strerror(err.errno) if err.errno else str(err)).lower()
        return "Unavailable", (
            "rpc error: code = Unavailable desc = connection error: desc = "
            f'"transport: Error while dialing: dial tcp {target}: connect: {reason}"'
        )
    if isinstance(err, StreamTerminatedError):
        return "Unavailable", f"rpc error: code = Unavailable desc = {err}"
    return "Unknown", f"rpc error: code = Unknown desc = {err}"
