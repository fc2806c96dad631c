"""Real host processes under supervision: restarts, external kills, SIGTERM→SIGKILL, no leftovers.

No root needed: the processes are ``python -c`` scripts. Every pid a test sees is checked in /proc at
the end (a zombie counts as gone) and killed if it survived, so a failing test leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytalos.machined.system import ServiceLogs, ServiceState, System
from pytalos.machined.system.runner.process import ProcessExitError, ProcessOptions, ProcessRunner
from pytalos.machined.system.runner.restart import RestartOptions, RestartRunner
from tests.unit.machined.system._helpers import FakeService, new_system, run, transitions, wait_state

pytestmark = pytest.mark.unit

PY = sys.executable
FAST = RestartOptions(interval=0.05, max_interval=0.1)


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def pids() -> Iterator[list[int]]:
    """Pids seen by a test; asserts none is left running (and kills any that is)."""
    seen: list[int] = []
    yield seen
    survivors = [pid for pid in seen if alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == [], f"processes left running: {survivors}"


def process_service(
    system: System,
    service_id: str,
    script: str,
    restart: bool = True,
    argv: list[str] | None = None,
    **options: object,
) -> tuple[FakeService, list[ProcessRunner]]:
    made: list[ProcessRunner] = []

    def factory() -> RestartRunner | ProcessRunner:
        opts = ProcessOptions(log=system.logs.get(service_id), **options)  # type: ignore[arg-type]
        process = ProcessRunner(service_id, argv or [PY, "-c", script], opts)
        made.append(process)
        return RestartRunner(process, FAST) if restart else process

    return FakeService(service_id, runner_factory=factory), made


async def wait_pid(made: list[ProcessRunner], not_pid: int | None = None) -> int:
    for _ in range(400):
        if made and made[0].pid is not None and made[0].pid != not_pid:
            return made[0].pid
        await asyncio.sleep(0.005)
    raise AssertionError("the service never started a process")


async def wait_log(system: System, service_id: str, text: bytes, count: int = 1) -> None:
    for _ in range(400):
        if system.logs.get(service_id).contents().count(text) >= count:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(
        f"{text!r} x{count} not in log of {service_id}: {system.logs.get(service_id).contents()!r}"
    )


def test_failing_process_is_restarted_and_logged(tmp_path: Path, pids: list[int]) -> None:
    async def scenario() -> None:
        system, stream = new_system(logs=ServiceLogs(tmp_path))
        script = (
            "import sys; print('hello out', flush=True); print('hello err', file=sys.stderr); sys.exit(3)"
        )
        service, _made = process_service(system, "crashy", script)
        system.load_and_start(service)
        await wait_log(system, "crashy", b"hello out\n", count=3)
        await system.shutdown()
        log = system.logs.get("crashy").contents()
        assert log.count(b"hello err\n") >= 3
        assert (tmp_path / "crashy.log").read_bytes().count(b"hello out\n") >= 3
        messages = [m for _, m in transitions(stream, "crashy")]
        expected = f"Error running Process({[PY, '-c', script]!r}), going to restart forever: exit status 3"
        assert expected in messages
        assert any(
            m.startswith(f"Process Process({[PY, '-c', script]!r}) started with PID") for m in messages
        )
        assert system.runner_for("crashy").state is ServiceState.FINISHED  # type: ignore[union-attr]
        system.logs.close()

    run(scenario())


def test_externally_killed_process_is_restarted(pids: list[int]) -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service, made = process_service(
            system, "victim", "import time; print('up', flush=True); time.sleep(60)"
        )
        system.load_and_start(service)
        first = await wait_pid(made)
        pids.append(first)
        await wait_log(system, "victim", b"up\n")
        os.kill(first, signal.SIGKILL)
        second = await wait_pid(made, not_pid=first)
        pids.append(second)
        await wait_log(system, "victim", b"up\n", count=2)
        assert not alive(first) and alive(second)
        assert any("going to restart forever: signal: killed" in m for _, m in transitions(stream, "victim"))
        await system.shutdown()
        assert not alive(second)

    run(scenario())


def test_stop_escalates_to_sigkill_for_a_process_ignoring_sigterm(pids: list[int]) -> None:
    async def scenario() -> None:
        system, stream = new_system()
        script = (
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)"
        )
        service, made = process_service(system, "stubborn", script, graceful_shutdown_timeout=0.3)
        system.load_and_start(service)
        pids.append(await wait_pid(made))
        await wait_log(system, "stubborn", b"ready\n")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await system.stop("stubborn")
        assert 0.3 <= loop.time() - started < 2
        name = f"Process({[PY, '-c', script]!r})"
        assert transitions(stream, "stubborn")[-3:] == [
            ("Stopping", f"Sending SIGTERM to {name}"),
            ("Stopping", f"Sending SIGKILL to {name}"),
            ("Finished", "Service finished successfully"),
        ]
        assert not alive(pids[0])

    run(scenario())


def test_graceful_stop_needs_no_sigkill_and_kills_the_group(tmp_path: Path, pids: list[int]) -> None:
    async def scenario() -> None:
        system, stream = new_system()
        child_pid_file = tmp_path / "child.pid"
        # the service spawns a helper of its own (same process group) that ignores SIGTERM
        script = (
            "import subprocess, sys, time;"
            "c = subprocess.Popen([sys.executable, '-c', 'import signal, time; "
            "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)']);"
            f"open({str(child_pid_file)!r}, 'w').write(str(c.pid));"
            "print('ready', flush=True); time.sleep(60)"
        )
        service, made = process_service(system, "parent", script, restart=False)
        system.load_and_start(service)
        pids.append(await wait_pid(made))
        await wait_log(system, "parent", b"ready\n")
        pids.append(int(child_pid_file.read_text()))
        await system.stop("parent")
        messages = [m for _, m in transitions(stream, "parent")]
        assert not any("SIGKILL" in m for m in messages)
        for _ in range(100):  # the orphaned helper is reaped by init, not by us
            if not alive(pids[1]):
                break
            await asyncio.sleep(0.01)
        assert not alive(pids[0]) and not alive(pids[1])

    run(scenario())


def test_env_cwd_and_exit_status(tmp_path: Path, pids: list[int]) -> None:
    async def scenario() -> None:
        system, _stream = new_system()
        script = (
            "import os; print(os.environ['SVC_NAME'], os.getcwd(), os.getpgid(0) == os.getpid(), flush=True)"
        )
        service, _made = process_service(
            system, "envy", script, restart=False, env={"SVC_NAME": "envy"}, cwd=str(tmp_path)
        )
        system.load_and_start(service)
        await wait_state(system, "envy", ServiceState.FINISHED)
        assert system.logs.get("envy").contents() == f"envy {tmp_path} True\n".encode()

    run(scenario())


def test_process_runner_errors_carry_the_cause(pids: list[int]) -> None:
    async def scenario() -> None:
        missing = ProcessRunner("svc", ["/nonexistent/binary"])
        with pytest.raises(
            Exception, match=r"error starting Process\(\['/nonexistent/binary'\]\): .*No such file"
        ):
            await missing.run(lambda state, message: None)
        failing = ProcessRunner("svc", [PY, "-c", "import sys; sys.exit(7)"])
        with pytest.raises(ProcessExitError, match=r"^exit status 7$") as raised:
            await failing.run(lambda state, message: None)
        assert raised.value.returncode == 7

    run(scenario())


def test_cancelled_run_kills_the_process(pids: list[int]) -> None:
    async def scenario() -> None:
        runner = ProcessRunner("svc", [PY, "-c", "import time; time.sleep(60)"])
        task = asyncio.create_task(runner.run(lambda state, message: None))
        made = [runner]
        pids.append(await wait_pid(made))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not alive(pids[0])

    run(scenario())


def test_stop_before_run_never_starts_the_process() -> None:
    async def scenario() -> None:
        runner = ProcessRunner("svc", [PY, "-c", "print('should not run')"])
        await runner.stop()
        await runner.run(lambda state, message: None)
        assert runner.pid is None

    run(scenario())


def test_netns_wraps_the_command_with_nsenter() -> None:
    runner = ProcessRunner(
        "svc", ["/bin/containerd", "--config", "c.toml"], ProcessOptions(netns="/run/netns/n1")
    )
    assert runner.command() == [
        "nsenter",
        "--net=/run/netns/n1",
        "--",
        "/bin/containerd",
        "--config",
        "c.toml",
    ]
    assert ProcessRunner("svc", ["/bin/true"]).command() == ["/bin/true"]
    env = ProcessRunner("svc", ["x"], ProcessOptions(env={"A": "1"}, inherit_env=False)).environment()
    assert env["A"] == "1" and "PATH" in env and "HOME" not in env


@pytest.mark.skipif(os.geteuid() != 0, reason="switching uid/gid needs root")
def test_uid_gid(pids: list[int]) -> None:
    async def scenario() -> None:
        system, _ = new_system()
        argv = ["/bin/sh", "-c", 'echo "$(id -u) $(id -g)"']  # our interpreter may live under /root
        service, _made = process_service(system, "nobody", "", False, argv, uid=65534, gid=65534, cwd="/")
        system.load_and_start(service)
        await wait_state(system, "nobody", ServiceState.FINISHED)
        assert system.logs.get("nobody").contents() == b"65534 65534\n"

    run(scenario())
