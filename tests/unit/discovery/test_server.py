"""The discovery service over real grpclib (in-process, 127.0.0.1) with the real client transport,
two clients finding each other through it, and ``python -m pytalos.discovery`` as a process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.gen.discovery.server import cluster_pb2 as pb
from pytalos.api.gen.discovery.server.cluster_grpc import ClusterStub
from pytalos.discovery.client import ClientOptions, DiscoveryClient, GrpcTransport, service_endpoint
from pytalos.discovery.server import DiscoveryServer
from pytalos.discovery.store import Affiliate, Change

pytestmark = pytest.mark.unit
KEY = os.urandom(32)


async def _until(predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


def test_service_endpoint_follows_talos() -> None:
    assert service_endpoint("https://discovery.talos.dev/") == ("discovery.talos.dev:443", False)
    assert service_endpoint("http://10.5.0.1:3000") == ("10.5.0.1:3000", True)
    assert service_endpoint("http://10.5.0.1/") == ("10.5.0.1:80", True)
    assert service_endpoint("grpc://[fd00::1]:3000") == ("[fd00::1]:3000", False)
    with pytest.raises(ValueError, match="absolute URL"):
        service_endpoint("10.5.0.1:3000")


def test_grpc_methods() -> None:
    async def body() -> None:
        async with DiscoveryServer("127.0.0.1", 0) as server:
            transport = GrpcTransport(f"127.0.0.1:{server.port}", insecure=True)
            try:
                hello = await transport.hello("c", "v0")
                assert hello.client_ip == bytes([127, 0, 0, 1]) and hello.redirect == ""
                await transport.update("c", "a", b"sealed-a", [b"ep"], ttl=60)
                stream = transport.watch("c")
                assert await anext(stream) == Change((Affiliate("a", b"sealed-a", (b"ep",)),))
                await transport.update("c", "b", b"sealed-b", [], ttl=60)
                assert await anext(stream) == Change((Affiliate("b", b"sealed-b"),))
                await transport.delete("c", "a")
                assert await anext(stream) == Change((Affiliate("a"),), deleted=True)
                await stream.aclose()  # type: ignore[attr-defined]
                with pytest.raises(GRPCError) as err:
                    await transport.update("", "a", b"", [], ttl=60)
                assert err.value.status is Status.INVALID_ARGUMENT and "cluster id" in str(err.value.message)
            finally:
                transport.close()
            channel = Channel("127.0.0.1", server.port)
            try:
                listed = await ClusterStub(channel).List(pb.ListRequest(cluster_id="c"))
                assert [(a.id, a.data) for a in listed.affiliates] == [("b", b"sealed-b")]
            finally:
                channel.close()

    asyncio.run(body())


def test_two_clients_find_each_other() -> None:
    async def body() -> None:
        async with DiscoveryServer("127.0.0.1", 0) as server:
            notified: list[str] = []

            def client(affiliate_id: str) -> DiscoveryClient:
                opts = ClientOptions(f"127.0.0.1:{server.port}", True, "cluster", affiliate_id, KEY)
                return DiscoveryClient(opts)

            one, two = client("one"), client("two")
            one.set_local(b"I am one")
            two.set_local(b"I am two")
            tasks = [
                asyncio.create_task(one.run(lambda: notified.append("one"))),
                asyncio.create_task(two.run(lambda: notified.append("two"))),
            ]
            try:
                await _until(lambda: one.affiliates() == {"two": b"I am two"}, "one to see two")
                await _until(lambda: two.affiliates() == {"one": b"I am one"}, "two to see one")
                assert one.public_ip == bytes([127, 0, 0, 1]) and "one" in notified
                # the service stores only ciphertext
                stored = server.store.list("cluster")
                assert all(b"I am" not in a.data for a in stored) and len(stored) == 2
                two.delete_local()
                await _until(lambda: one.affiliates() == {}, "two's deletion to reach one")
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(body())


def test_module_runs_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytalos.discovery", "--listen", "127.0.0.1:0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        assert match, line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    bad = subprocess.run(
        [sys.executable, "-m", "pytalos.discovery", "--listen", "nope"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "expected HOST:PORT" in bad.stderr
