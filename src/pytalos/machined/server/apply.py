"""``ApplyConfiguration``: what each mode does with a new config (Talos §1.3, v1.7 semantics).

Normal mode (:class:`Applier`):

* the config must load, contain a v1alpha1 document and validate (``InvalidArgument`` otherwise);
* ``auto`` becomes ``no-reboot`` when :func:`~.immediate.can_apply_immediate` allows it, else
  ``reboot`` (the reason appended to the details); ``no-reboot`` and ``try`` refuse a change that
  needs a reboot with ``InvalidArgument``; ``reboot`` (deprecated on the wire) is kept as is;
* ``no-reboot`` persists and activates, ``staged`` only persists (used on the next start), ``reboot``
  persists then reboots the node, ``try`` activates in memory only and reverts after the timeout (1 min
  by default) unless another apply comes first: every non-``try`` apply cancels a pending revert;
* ``dry_run`` changes nothing and returns ``Dry run summary:`` with the unified diff of the configs.

Maintenance mode (:class:`MaintenanceApplier`) accepts ``auto``, ``reboot`` and ``try`` (others are
``Unimplemented``), validates, and hands the config over to the waiting boot. Only one apply runs at a
time (``FailedPrecondition``).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from grpclib.const import Status

from pytalos.machinery.config.diff import unified_diff

from ..state.config_store import DEFAULT_VALIDATION_MODE, ConfigLoadError, LoadedConfig, parse_config
from .immediate import can_apply_immediate

#: Talos's ``constants.ConfigTryTimeout``.
DEFAULT_TRY_TIMEOUT = 60.0
REQUEST_SOURCE = "apply-config request"


class Mode(enum.IntEnum):
    """``ApplyConfigurationRequest.Mode`` (wire values)."""

    REBOOT = 0
    AUTO = 1
    NO_REBOOT = 2
    STAGED = 3
    TRY = 4

    @property
    def cli(self) -> str:
        """The ``--mode`` spelling: ``no-reboot``."""
        return self.name.lower().replace("_", "-")


class ApplyError(Exception):
    """The apply is refused; ``status`` is the gRPC status to answer with."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ApplyResult:
    mode: Mode
    details: str
    warnings: list[str] = field(default_factory=list)
    #: run the Reboot sequence once the reply is on its way
    reboot: bool = False
    #: maintenance: the accepted config, handed to the boot once the reply is on its way
    accepted: LoadedConfig | None = None


class ConfigRuntime(Protocol):
    """What an apply acts on (implemented by machined)."""

    def active_config(self) -> LoadedConfig | None: ...

    async def persist_config(self, config: LoadedConfig) -> None: ...

    async def activate_config(self, config: LoadedConfig) -> None: ...

    def schedule_config_rollback(self, timeout: float) -> None: ...

    def cancel_config_rollback(self) -> None: ...


def _parse(data: bytes, validation_mode: str, maintenance: bool = False) -> LoadedConfig:
    try:
        return parse_config(data, REQUEST_SOURCE, validation_mode)
    except ConfigLoadError as err:
        # Talos's maintenance service returns a parse failure as a plain error (code Unknown)
        status = Status.UNKNOWN if maintenance and err.stage == "parse" else Status.INVALID_ARGUMENT
        raise ApplyError(status, err.reason) from None


class _Single:
    """Only one apply at a time (Talos HEAD answers a concurrent one with FailedPrecondition)."""

    def __init__(self) -> None:
        self._busy = asyncio.Lock()

    def check(self) -> None:
        if self._busy.locked():
            raise ApplyError(Status.FAILED_PRECONDITION, "another apply-config request is in progress")


def _duration(seconds: float) -> str:
    """Go's ``time.Duration.String`` for whole seconds and minutes (``1m0s``, ``30s``)."""
    minutes, secs = divmod(seconds, 60)
    secs_text = f"{secs:g}s"
    return f"{int(minutes)}m{secs_text}" if minutes else secs_text


class Applier(_Single):
    """Normal-mode apply; see the module docstring."""

    def __init__(self, runtime: ConfigRuntime, validation_mode: str = DEFAULT_VALIDATION_MODE) -> None:
        super().__init__()
        self.runtime = runtime
        self.validation_mode = validation_mode

    async def apply(
        self, data: bytes, mode: Mode, *, dry_run: bool = False, try_timeout: float | None = None
    ) -> ApplyResult:
        self.check()
        async with self._busy:
            return await self._apply(data, mode, dry_run, try_timeout)

    async def _apply(self, data: bytes, mode: Mode, dry_run: bool, try_timeout: float | None) -> ApplyResult:
        if mode is not Mode.TRY:
            self.runtime.cancel_config_rollback()
        new = _parse(data, self.validation_mode)
        current = self.runtime.active_config()
        current_container = current.container if current is not None else None
        details = "Applied configuration with a reboot"
        suffix = ""
        if mode in (Mode.TRY, Mode.NO_REBOOT):
            reason = can_apply_immediate(current_container, new.container)
            if reason is not None:
                raise ApplyError(Status.INVALID_ARGUMENT, reason)
            details = "Applied configuration without a reboot"
        elif mode is Mode.STAGED:
            details = "Staged configuration to be applied after the next reboot"
        elif mode is Mode.AUTO:
            reason = can_apply_immediate(current_container, new.container)
            if reason is not None:
                mode, suffix = Mode.REBOOT, f": {reason}"
            else:
                mode, details = Mode.NO_REBOOT, "Applied configuration without a reboot"
        if dry_run:
            before = current_container.encode() if current_container is not None else ""
            diff = unified_diff(before, new.container.encode(), "a", "b") or "No changes."
            summary = f"Dry run summary:\n{details} (skipped in dry-run).\nConfig diff:\n\n{diff}"
            return ApplyResult(mode, summary, new.warnings)
        if mode is Mode.TRY:
            timeout = DEFAULT_TRY_TIMEOUT if try_timeout is None else try_timeout
            details += (
                "\nThe config is applied in 'try' mode and will be automatically reverted back in "
                f"{_duration(timeout)}"
            )
            self.runtime.schedule_config_rollback(timeout)
            await self.runtime.activate_config(new)
        elif mode is Mode.NO_REBOOT:
            await self.runtime.persist_config(new)
            await self.runtime.activate_config(new)
        elif mode is Mode.STAGED:
            await self.runtime.persist_config(new)
        else:
            await self.runtime.persist_config(new)
            return ApplyResult(mode, details + suffix, new.warnings, reboot=True)
        return ApplyResult(mode, details + suffix, new.warnings)


Submit = Callable[[LoadedConfig], None]

MAINTENANCE_DRY_RUN = "Dry run summary:\nNode is running in maintenance mode and does not have a config yet."


class MaintenanceApplier(_Single):
    """Maintenance-mode apply: validate; the caller hands ``result.accepted`` to the waiting boot with
    :attr:`submit` once the reply is sent (the maintenance server closes right after)."""

    def __init__(self, submit: Submit, validation_mode: str = DEFAULT_VALIDATION_MODE) -> None:
        super().__init__()
        self.submit = submit
        self.validation_mode = validation_mode

    async def apply(self, data: bytes, mode: Mode, *, dry_run: bool = False) -> ApplyResult:
        self.check()
        async with self._busy:
            if mode not in (Mode.TRY, Mode.REBOOT, Mode.AUTO):
                raise ApplyError(
                    Status.UNIMPLEMENTED,
                    f"apply configuration --mode='{mode.cli}' is not supported in maintenance mode",
                )
            new = _parse(data, self.validation_mode, maintenance=True)
            if dry_run:
                return ApplyResult(mode, MAINTENANCE_DRY_RUN, new.warnings)
            return ApplyResult(mode, "", new.warnings, accepted=new)
