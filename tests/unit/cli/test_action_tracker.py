"""The pure parts of :mod:`pytalos.cli.action_tracker`: flags, Go durations, event decoding and the
progress lines (the tracking itself runs against served nodes in ``test_lifecycle_cli`` and real
nodes in ``tests/node/cli/test_lifecycle_commands``)."""

from __future__ import annotations

import click
import pytest
from google.protobuf import any_pb2
from google.protobuf.message import Message

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.action_tracker import (
    TrackFlags,
    go_duration,
    machine_ready,
    payload_of,
    progress_text,
    stop_all_services,
)
from pytalos.cli.flags import duration_seconds as parse_duration

pytestmark = pytest.mark.unit


def test_durations_parse_and_print_like_go() -> None:
    assert parse_duration("30m") == 1800
    assert parse_duration("1h30m") == 5400
    assert parse_duration("1.5s") == 1.5
    assert parse_duration("0") == 0
    with pytest.raises(click.BadParameter, match='invalid duration "30x"'):
        parse_duration("30x")
    assert go_duration(1800) == "30m0s"
    assert go_duration(3600) == "1h0m0s"
    assert go_duration(2) == "2s"
    assert go_duration(0.5) == "0.5s"


def test_flags_debug_turns_wait_on() -> None:
    assert TrackFlags.from_click("true", False, "30m") == TrackFlags(True, False, 1800)
    assert TrackFlags.from_click("false", False, "1m").wait is False
    assert TrackFlags.from_click("0", True, "1m").wait is True
    with pytest.raises(click.BadParameter, match=r"strconv\.ParseBool"):
        TrackFlags.from_click("maybe", False, "1m")


def _event(message: Message, actor: str = "a") -> machine_pb2.Event:
    data = any_pb2.Any()
    data.Pack(message, type_url_prefix="talos/runtime/")
    return machine_pb2.Event(data=data, id="1", actor_id=actor)


def test_event_predicates_and_progress_lines() -> None:
    running = machine_pb2.MachineStatusEvent(
        stage=machine_pb2.MachineStatusEvent.RUNNING,
        status=machine_pb2.MachineStatusEvent.MachineStatus(ready=True),
    )
    booting = machine_pb2.MachineStatusEvent(
        stage=machine_pb2.MachineStatusEvent.BOOTING,
        status=machine_pb2.MachineStatusEvent.MachineStatus(
            unmet_conditions=[machine_pb2.MachineStatusEvent.MachineStatus.UnmetCondition(name="services")]
        ),
    )
    assert machine_ready(payload_of(_event(running)))
    assert not machine_ready(payload_of(_event(booting)))
    task = payload_of(_event(machine_pb2.TaskEvent(task="stopAllServices")))
    assert stop_all_services(task) and not stop_all_services(payload_of(_event(running)))
    assert task is not None and progress_text(task) == "task: stopAllServices action: START"
    booting_payload = payload_of(_event(booting))
    assert booting_payload is not None
    assert progress_text(booting_payload) == "stage: BOOTING ready: false unmetCond: [services]"
    failed = machine_pb2.SequenceEvent(sequence="reboot", action=machine_pb2.SequenceEvent.STOP)
    failed.error.code = common_pb2.FATAL
    failed.error.message = "boom"
    failed_payload = payload_of(_event(failed))
    assert failed_payload is not None
    assert progress_text(failed_payload) == "sequence: reboot action: STOP error: [code: FATAL message: boom]"
    unknown = machine_pb2.Event(data=any_pb2.Any(type_url="talos/runtime/machine.Nope"))
    assert payload_of(unknown) is None
