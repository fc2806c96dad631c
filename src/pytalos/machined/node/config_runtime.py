"""The node's active config and the two ways it is taken back.

* **try mode** (Talos): a ``try`` apply activates a config in memory only; after the timeout the
  persisted config becomes active again, unless another apply cancelled the revert first.
* **last-known-good** (pytalos, beyond Talos): a persisted config the node has not yet reached Running
  with is *unproven*. When the node boots with an unproven config and a last-known-good one exists, a
  watchdog gives it ``rollback_timeout`` seconds (or until the boot fails) to reach Running; otherwise
  the good config is put back on STATE, a ``ConfigLoadErrorEvent`` says why, and the node reboots.
  Reaching Running makes the config the new last-known-good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from ..state.config_store import ConfigLoadError, ConfigStore, LoadedConfig
from .events import ConfigLoadErrorEvent, EventBus

log = logging.getLogger("pytalos.machined.config")

#: Told about every config change: ``(config, persistent, active)``.
ConfigListener = Callable[[LoadedConfig, bool, bool], Awaitable[None]]

#: How long an unproven config may take to bring the node to Running before it is rolled back.
DEFAULT_ROLLBACK_TIMEOUT = 180.0


class ConfigRuntime:
    """Implements :class:`pytalos.machined.server.apply.ConfigRuntime` and the rollbacks above."""

    def __init__(
        self,
        store: ConfigStore,
        events: EventBus,
        request_reboot: Callable[[str], None],
        on_change: ConfigListener | None = None,
    ) -> None:
        self.store = store
        self.on_change = on_change
        self.events = events
        self.request_reboot = request_reboot
        self.active: LoadedConfig | None = None
        self._try_revert: asyncio.Task[None] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.rolled_back = False

    # -- ApplyConfiguration's view ----------------------------------------------------------------

    def active_config(self) -> LoadedConfig | None:
        return self.active

    async def persist_config(self, config: LoadedConfig) -> None:
        await asyncio.to_thread(self.store.save, config.raw)
        await self._changed(config, persistent=True, active=False)

    async def activate_config(self, config: LoadedConfig) -> None:
        self.active = config
        log.info("configuration activated")
        await self._changed(config, persistent=False, active=True)

    async def _changed(self, config: LoadedConfig, *, persistent: bool, active: bool) -> None:
        if self.on_change is not None:
            try:
                await self.on_change(config, persistent, active)
            except Exception as err:  # the resources mirror the config; they never block an apply
                log.warning("config resources not updated: %s", err)

    def schedule_config_rollback(self, timeout: float) -> None:
        self.cancel_config_rollback()
        self._try_revert = asyncio.create_task(self._revert_after(timeout), name="config-try-revert")

    def cancel_config_rollback(self) -> None:
        task, self._try_revert = self._try_revert, None
        if task is not None and not task.done():
            task.cancel()

    async def _revert_after(self, timeout: float) -> None:
        await asyncio.sleep(timeout)
        log.info("rolling back the configuration (try mode timeout %gs)", timeout)
        try:
            persisted = await asyncio.to_thread(self.store.load)
        except ConfigLoadError as err:
            log.error("config rollback failed: %s", err)
            return
        if persisted is not None:
            await self.activate_config(persisted)

    # -- last-known-good --------------------------------------------------------------------------

    def arm_watchdog(self, timeout: float, why_not_running: Callable[[], str]) -> bool:
        """Start the watchdog when the persisted config is unproven and a good one exists."""
        if self.store.is_proven() or self.store.load_good() is None:
            return False
        self._watchdog = asyncio.create_task(self._watch(timeout, why_not_running), name="config-watchdog")
        return True

    def disarm_watchdog(self) -> None:
        task, self._watchdog = self._watchdog, None
        if task is not None and not task.done():
            task.cancel()

    async def _watch(self, timeout: float, why_not_running: Callable[[], str]) -> None:
        await asyncio.sleep(timeout)
        await self.roll_back(f"the node did not reach Running within {timeout:g}s: {why_not_running()}")

    async def roll_back(self, reason: str) -> bool:
        """Put the last-known-good config back and reboot; ``False`` when there is none."""
        if self.rolled_back:
            return True
        try:
            good = await asyncio.to_thread(self.store.rollback)
        except (ConfigLoadError, OSError) as err:
            log.error("config rollback impossible: %s (%s)", err, reason)
            return False
        self.rolled_back = True
        message = f"configuration rolled back to the last known-good config: {reason}"
        log.error("%s", message)
        self.events.publish(ConfigLoadErrorEvent(message))
        self.active = good
        self.request_reboot("")
        return True

    def node_running(self) -> None:
        """The node reached Running with the persisted config: it becomes last-known-good."""
        self.disarm_watchdog()
        if self.active is not None and self.store.mark_good():
            log.info("configuration kept as last known-good")

    async def close(self) -> None:
        for task in (self._try_revert, self._watchdog):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
