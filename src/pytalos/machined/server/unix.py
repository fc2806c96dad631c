"""machined's Machine API on a unix socket (``system/run/machined/machine.sock``), for apid only.

Talos's machined listens on ``/system/run/machined/machine.sock`` and nowhere else; apid (TCP 50000)
is the only network door and forwards every request there with the caller's roles in ``talos-role``
metadata. The socket is created mode 0600 in a 0700 folder, a stale socket from a previous run is
replaced, and the roles are trusted only after the peer's uid was checked
(:data:`pytalos.api.authz.Mode.METADATA_ONLY`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from grpclib.server import Server

from pytalos.api import authz

if TYPE_CHECKING:
    from grpclib._typing import IServable


class UnixApiServer:
    """A grpclib server on a unix socket with ``METADATA_ONLY`` authorization and the rules table."""

    def __init__(self, handlers: Sequence[IServable], path: Path) -> None:
        self.path = path
        self.server = Server(list(handlers))
        authz.install(self.server, authz.Mode.METADATA_ONLY)
        self._started = False

    async def start(self) -> None:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.path.unlink(missing_ok=True)
            old = os.umask(0o177)
            try:
                await self.server.start(path=str(self.path))
            finally:
                os.umask(old)
        except OSError as exc:
            raise OSError(exc.errno, f"machine API cannot listen on {self.path}: {exc.strerror}") from exc
        self._started = True

    async def close(self) -> None:
        if not self._started:
            return
        self.server.close()
        await self.server.wait_closed()
        self.path.unlink(missing_ok=True)
        self._started = False

    async def __aenter__(self) -> UnixApiServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
