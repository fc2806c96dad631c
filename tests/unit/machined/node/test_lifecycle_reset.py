"""machined's Reset and Shutdown hooks in-process (fake services): which volumes a reset wipes, what the
process does next, and the wipe of the volume folders themselves (:mod:`pytalos.machined.node.wipe`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pytalos.machined.node.events import MachineStage
from pytalos.machined.node.layout import NodeLayout
from pytalos.machined.node.machined import ExitAction, Machined
from pytalos.machined.node.wipe import WipeError, wipe_volumes

from . import _configs
from .test_machined import machined, options, run, until

pytestmark = pytest.mark.unit


def _node_root(tmp_path: Path) -> NodeLayout:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(_configs.raw("worker"))
    (layout.ephemeral / "lib" / "etcd").mkdir(parents=True)
    (layout.ephemeral / "lib" / "etcd" / "member").write_text("data")
    (layout.logs / "old.log").write_text("kept")
    (layout.meta / "0x0a").write_text("tag")
    return layout


def test_wipe_volumes_empties_the_chosen_folders(tmp_path: Path) -> None:
    layout = _node_root(tmp_path)
    assert wipe_volumes(layout, {"EPHEMERAL", "META"}) == ["EPHEMERAL", "META"]
    assert [p.name for p in layout.ephemeral.iterdir()] == ["log"] and (layout.logs / "old.log").exists()
    assert list(layout.meta.iterdir()) == [] and layout.config.exists()
    assert wipe_volumes(layout, {"STATE"}) == ["STATE"]
    assert list(layout.state.iterdir()) == [] and layout.state.is_dir()
    with pytest.raises(WipeError, match="no system volume labelled BOOT"):
        wipe_volumes(layout, {"BOOT"})


async def _reset(layout: NodeLayout, reboot: bool, labels: set[str] | None) -> tuple[Machined, ExitAction]:
    node = await machined(options(layout.root))
    task = asyncio.create_task(node.run())
    await until(lambda: node.status.stage is MachineStage.RUNNING)
    node.request_reset(reboot, labels, "actor-reset")
    return node, await task


def test_reset_of_state_reboots_without_a_config(tmp_path: Path) -> None:
    layout = _node_root(tmp_path)
    node, action = run(_reset(layout, True, {"STATE"}))
    assert action is ExitAction.REBOOT
    assert not layout.config.exists() and (layout.ephemeral / "lib" / "etcd" / "member").exists()
    assert all(s.state == "Finished" for s in node.system.service_list())


def test_reset_default_wipes_state_and_ephemeral_then_shuts_down(tmp_path: Path) -> None:
    layout = _node_root(tmp_path)
    _, action = run(_reset(layout, False, None))
    assert action is ExitAction.SHUTDOWN
    assert not layout.config.exists() and not (layout.ephemeral / "lib").exists()
    assert (layout.logs / "old.log").exists() and (layout.meta / "0x0a").exists()


def test_reset_of_ephemeral_keeps_the_config(tmp_path: Path) -> None:
    layout = _node_root(tmp_path)
    _, action = run(_reset(layout, True, {"EPHEMERAL"}))
    assert action is ExitAction.REBOOT
    assert layout.config.exists() and not (layout.ephemeral / "lib").exists()


def test_shutdown_request_stops_services_and_exits(tmp_path: Path) -> None:
    layout = _node_root(tmp_path)

    async def scenario() -> tuple[Machined, ExitAction]:
        node = await machined(options(layout.root))
        task = asyncio.create_task(node.run())
        await until(lambda: node.status.stage is MachineStage.RUNNING)
        node.request_shutdown("actor-off")
        return node, await task

    node, action = run(scenario())
    assert action is ExitAction.SHUTDOWN and layout.config.exists()
    assert all(s.state == "Finished" for s in node.system.service_list())
