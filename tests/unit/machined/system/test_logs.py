"""Service logs: bounded ring, file with rotation, --tail N, follow, reload from file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pytalos.machined.system import ServiceLog, ServiceLogs
from tests.unit.machined.system._helpers import run

pytestmark = pytest.mark.unit


async def _collect(log: ServiceLog, tail: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in log.read(tail=tail)])


def test_ring_is_bounded_and_keeps_the_newest_bytes() -> None:
    log = ServiceLog("svc", ring_bytes=100)
    for i in range(50):
        log.write(f"line {i:02d}\n".encode())  # 8 bytes each, 400 in total
    data = log.contents()
    assert len(data) <= 100
    assert data.endswith(b"line 49\n")
    assert log.end == 400 and log.start == 400 - len(data)
    log.write(b"x" * 250)  # bigger than the ring
    assert log.contents() == b"x" * 100 and log.end == 650


def test_tail_lines() -> None:
    async def scenario() -> None:
        log = ServiceLog("svc")
        log.write(b"one\ntwo\nthree\n")
        assert await _collect(log, tail=2) == b"two\nthree\n"
        assert await _collect(log, tail=10) == b"one\ntwo\nthree\n"
        assert await _collect(log, tail=0) == b""
        assert await _collect(log) == b"one\ntwo\nthree\n"
        log.write(b"partial")
        assert await _collect(log, tail=1) == b"partial"
        assert await _collect(log, tail=2) == b"three\npartial"

    run(scenario())


def test_file_is_appended_and_rotated(tmp_path: Path) -> None:
    logs = ServiceLogs(tmp_path / "log", ring_bytes=64, rotate_bytes=30)
    log = logs.get("apid")
    assert logs.get("apid") is log
    log.write(b"0123456789\n")  # 11
    log.write(b"abcdefghij\n")  # 22
    assert (tmp_path / "log" / "apid.log").read_bytes() == b"0123456789\nabcdefghij\n"
    log.write(b"ABCDEFGHIJ\n")  # would be 33 > 30: rotate first
    assert (tmp_path / "log" / "apid.log.1").read_bytes() == b"0123456789\nabcdefghij\n"
    assert (tmp_path / "log" / "apid.log").read_bytes() == b"ABCDEFGHIJ\n"
    logs.close()
    log.write(b"ignored after close\n")
    assert (tmp_path / "log" / "apid.log").read_bytes() == b"ABCDEFGHIJ\n"
    with pytest.raises(ValueError, match="invalid service id"):
        logs.get("../etc")


def test_reopened_log_starts_with_the_files_tail(tmp_path: Path) -> None:
    async def scenario() -> None:
        first = ServiceLogs(tmp_path, rotate_bytes=30)
        log = first.get("etcd")
        for i in range(5):
            log.write(f"before restart {i}\n".encode())
        first.close()
        again = ServiceLogs(tmp_path, rotate_bytes=30).get("etcd")
        assert await _collect(again, tail=2) == b"before restart 3\nbefore restart 4\n"
        again.write(b"after\n")
        assert (await _collect(again, tail=2)).endswith(b"before restart 4\nafter\n")
        again.close()

    run(scenario())


def test_follow_sees_new_output_and_ends_on_close() -> None:
    async def scenario() -> None:
        log = ServiceLog("svc")
        log.write(b"old 1\nold 2\n")
        received: list[bytes] = []

        async def follower() -> None:
            async for chunk in log.read(tail=1, follow=True):
                received.append(chunk)

        task = asyncio.create_task(follower())
        await asyncio.sleep(0.01)
        log.write(b"new 1\n")
        await asyncio.sleep(0.01)
        log.write(b"new 2\n")
        await asyncio.sleep(0.01)
        assert b"".join(received) == b"old 2\nnew 1\nnew 2\n"
        log.close()
        await asyncio.wait_for(task, 1)

    run(scenario())


def test_follower_that_fell_behind_resumes_at_the_ring_start() -> None:
    log = ServiceLog("svc", ring_bytes=16)
    log.write(b"aaaaaaaa\n")
    offset = log.start
    log.write(b"b" * 20)
    data, end = log.read_from(offset)
    assert data == b"b" * 16 and end == log.end


def test_unwritable_log_dir_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError, match=r"log svc: opening .*file/svc\.log"):
        ServiceLogs(blocker).get("svc")
