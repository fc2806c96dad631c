"""ApplyConfiguration's decisions: modes, CanApplyImmediate, dry-run diff, try revert, maintenance rules."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from grpclib.const import Status

from pytalos.machined.server.apply import (
    MAINTENANCE_DRY_RUN,
    Applier,
    ApplyError,
    MaintenanceApplier,
    Mode,
)
from pytalos.machined.server.immediate import IMMEDIATE_ERROR, can_apply_immediate
from pytalos.machined.state.config_store import LoadedConfig, parse_config
from pytalos.machinery.config.container import Container
from tests.unit.machined.node import _configs


class FakeRuntime:
    def __init__(self, active: Container) -> None:
        self.active = LoadedConfig(active, active.bytes())
        self.persisted: list[bytes] = []
        self.activated: list[bytes] = []
        self.rollback: float | None = None
        self.cancelled = 0

    def active_config(self) -> LoadedConfig | None:
        return self.active

    async def persist_config(self, config: LoadedConfig) -> None:
        self.persisted.append(config.raw)

    async def activate_config(self, config: LoadedConfig) -> None:
        self.activated.append(config.raw)
        self.active = config

    def schedule_config_rollback(self, timeout: float) -> None:
        self.rollback = timeout

    def cancel_config_rollback(self) -> None:
        self.cancelled += 1


def changed(edit: Any) -> Container:
    config = _configs.config()
    edit(config.v1alpha1())
    return config


def cert_sans(v1: Any) -> None:
    v1.machine_config.machine_cert_sans = ["api.example.org"]


def env(v1: Any) -> None:
    v1.machine_config.machine_env = {"HTTP_PROXY": "http://proxy:3128"}


def cluster_name(v1: Any) -> None:
    v1.cluster_config.cluster_name = "renamed"


def apply(runtime: FakeRuntime, new: Container, mode: Mode, **kw: Any) -> Any:
    return asyncio.run(Applier(runtime).apply(new.encode().encode(), mode, **kw))


@pytest.mark.parametrize("edit", [cert_sans, cluster_name])
def test_immediate_changes_are_allowed(edit: Any) -> None:
    assert can_apply_immediate(_configs.config(), changed(edit)) is None


def test_other_changes_need_a_reboot_and_the_reason_hides_secrets() -> None:
    reason = can_apply_immediate(_configs.config(), changed(env))
    assert reason is not None and reason.startswith(f"{IMMEDIATE_ERROR}\ndiff: ")
    assert "+    env:" in reason and "HTTP_PROXY" in reason
    key = _configs.config().v1alpha1().machine_config.machine_ca.key.data
    assert key and base64.b64encode(key).decode() not in reason
    assert base64.b64encode(b"REDACTED").decode() in reason


def test_auto_picks_no_reboot_when_immediate() -> None:
    runtime = FakeRuntime(_configs.config())
    new = changed(cert_sans)
    result = apply(runtime, new, Mode.AUTO)
    assert (result.mode, result.details, result.reboot) == (
        Mode.NO_REBOOT,
        "Applied configuration without a reboot",
        False,
    )
    assert runtime.persisted == runtime.activated == [new.encode().encode()]
    assert runtime.cancelled == 1


def test_auto_picks_reboot_otherwise_and_says_why() -> None:
    runtime = FakeRuntime(_configs.config())
    result = apply(runtime, changed(env), Mode.AUTO)
    assert result.mode is Mode.REBOOT and result.reboot
    assert result.details.startswith(f"Applied configuration with a reboot: {IMMEDIATE_ERROR}")
    assert len(runtime.persisted) == 1 and runtime.activated == []


@pytest.mark.parametrize("mode", [Mode.NO_REBOOT, Mode.TRY])
def test_no_reboot_and_try_refuse_changes_needing_a_reboot(mode: Mode) -> None:
    runtime = FakeRuntime(_configs.config())
    with pytest.raises(ApplyError) as err:
        apply(runtime, changed(env), mode)
    assert err.value.status is Status.INVALID_ARGUMENT and IMMEDIATE_ERROR in err.value.message
    assert runtime.persisted == runtime.activated == []


def test_staged_persists_only() -> None:
    runtime = FakeRuntime(_configs.config())
    result = apply(runtime, changed(env), Mode.STAGED)
    assert result.details == "Staged configuration to be applied after the next reboot"
    assert len(runtime.persisted) == 1 and runtime.activated == [] and not result.reboot


def test_try_activates_in_memory_and_schedules_the_revert() -> None:
    runtime = FakeRuntime(_configs.config())
    result = apply(runtime, changed(cert_sans), Mode.TRY, try_timeout=90.0)
    assert runtime.persisted == [] and len(runtime.activated) == 1
    assert runtime.rollback == 90.0 and runtime.cancelled == 0
    assert result.details.endswith("will be automatically reverted back in 1m30s")


def test_try_default_timeout_is_one_minute() -> None:
    runtime = FakeRuntime(_configs.config())
    result = apply(runtime, changed(cert_sans), Mode.TRY)
    assert runtime.rollback == 60.0 and result.details.endswith("reverted back in 1m0s")


def test_dry_run_returns_the_diff_and_changes_nothing() -> None:
    runtime = FakeRuntime(_configs.config())
    result = apply(runtime, changed(cert_sans), Mode.AUTO, dry_run=True)
    assert result.details.startswith(
        "Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n"
        "Config diff:\n\n--- a\n+++ b\n"
    )
    assert "+        - api.example.org" in result.details
    assert runtime.persisted == runtime.activated == []
    same = apply(runtime, _configs.config(), Mode.NO_REBOOT, dry_run=True)
    assert same.details.endswith("Config diff:\n\nNo changes.")


def test_bad_config_is_invalid_argument() -> None:
    runtime = FakeRuntime(_configs.config())
    with pytest.raises(ApplyError) as err:
        asyncio.run(Applier(runtime).apply(b"machine: [", Mode.AUTO))
    assert err.value.status is Status.INVALID_ARGUMENT and "failed to load config" in err.value.message


def test_maintenance_accepts_auto_reboot_try_only() -> None:
    applier = MaintenanceApplier(lambda config: None)
    for mode in (Mode.AUTO, Mode.REBOOT, Mode.TRY):
        result = asyncio.run(applier.apply(_configs.raw("worker"), mode))
        assert isinstance(result.accepted, LoadedConfig)
    for mode in (Mode.NO_REBOOT, Mode.STAGED):
        with pytest.raises(ApplyError) as err:
            asyncio.run(applier.apply(_configs.raw("worker"), mode))
        assert err.value.status is Status.UNIMPLEMENTED
        assert (
            err.value.message
            == f"apply configuration --mode='{mode.cli}' is not supported in maintenance mode"
        )


def test_maintenance_dry_run_and_errors() -> None:
    applier = MaintenanceApplier(lambda config: None)
    result = asyncio.run(applier.apply(_configs.raw("worker"), Mode.AUTO, dry_run=True))
    assert result.details == MAINTENANCE_DRY_RUN and result.accepted is None
    with pytest.raises(ApplyError) as err:
        asyncio.run(applier.apply(b"machine: [", Mode.AUTO))
    assert err.value.status is Status.UNKNOWN
    invalid = _configs.raw("worker").replace(b"type: worker", b"type: nonsense")
    with pytest.raises(ApplyError) as err:
        asyncio.run(applier.apply(invalid, Mode.AUTO))
    assert err.value.status is Status.INVALID_ARGUMENT and "config validation failed" in err.value.message


def test_only_one_apply_at_a_time() -> None:
    async def scenario() -> None:
        gate = asyncio.Event()

        class Slow(FakeRuntime):
            async def persist_config(self, config: LoadedConfig) -> None:
                await gate.wait()

        applier = Applier(Slow(_configs.config()))
        data = changed(cert_sans).encode().encode()
        first = asyncio.create_task(applier.apply(data, Mode.NO_REBOOT))
        await asyncio.sleep(0.05)
        with pytest.raises(ApplyError) as err:
            await applier.apply(data, Mode.NO_REBOOT)
        assert err.value.status is Status.FAILED_PRECONDITION
        gate.set()
        await first

    asyncio.run(scenario())


def test_parse_config_keeps_raw_bytes() -> None:
    raw = _configs.raw("worker")
    assert parse_config(raw, "x").raw == raw
