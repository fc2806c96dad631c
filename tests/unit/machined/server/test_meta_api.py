"""``MetaWrite``/``MetaDelete`` over machined's real mTLS server with a real :class:`NodeMeta` behind
them: Talos's roles (admin, os:meta:writer), statuses and the bytes on META."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.machined.node.meta import FileMetaDevice, NodeMeta
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.meta import LENGTH, decode
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

pytestmark = pytest.mark.unit
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def pki() -> tuple[CertificateAndKey, dict[str, CertificateAndKey]]:
    ca = new_talos_ca()
    roles = ("os:admin", "os:meta:writer", "os:operator", "os:reader")
    return ca, {r: new_admin_certificate(ca, roles=[r]) for r in roles}


def _write(key: int, value: bytes) -> Any:
    return lambda s: s.MetaWrite(machine_pb2.MetaWriteRequest(key=key, value=value), timeout=TIMEOUT)


def _delete(key: int) -> Any:
    return lambda s: s.MetaDelete(machine_pb2.MetaDeleteRequest(key=key), timeout=TIMEOUT)


def _run(pki: Any, store: NodeMeta | None, role: str, calls: list[tuple[str, Any]]) -> dict[str, Any]:
    ca, certs = pki

    async def scenario() -> dict[str, Any]:
        if store is not None:
            await store.load()
        api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config())))
        api.meta_store = store
        out: dict[str, Any] = {}
        async with (
            machine_server(
                api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0
            ) as server,
            mtls_channel("127.0.0.1", ca.crt, certs[role], server.port) as channel,
        ):
            stub = machine_grpc.MachineServiceStub(channel)
            for name, call in calls:
                try:
                    out[name] = await call(stub)
                except GRPCError as err:
                    out[name] = (err.status, err.message)
        return out

    return asyncio.run(asyncio.wait_for(scenario(), 30))


@pytest.mark.parametrize("role", ["os:admin", "os:meta:writer"])
def test_write_and_delete(pki: Any, tmp_path: Path, role: str) -> None:
    store = NodeMeta(FileMetaDevice(tmp_path))
    out = _run(
        pki,
        store,
        role,
        [
            ("write", _write(0x0C, b"hello")),
            ("write2", _write(0x0D, b"x")),
            ("delete", _delete(0x0D)),
            ("delete_missing", _delete(0x0D)),
            ("bad_key", _write(256, b"v")),
            ("bad_delete_key", _delete(1000)),
            ("too_large", _write(0x0E, b"z" * LENGTH)),
        ],
    )
    assert out["write"].messages[0].metadata.hostname == "cp-1"
    assert out["delete"].messages[0].metadata.hostname == "cp-1"
    assert out["delete_missing"] == (Status.NOT_FOUND, "meta key not found")
    assert out["bad_key"] == (Status.INVALID_ARGUMENT, "key must be a uint8")
    assert out["bad_delete_key"] == (Status.INVALID_ARGUMENT, "key must be a uint8")
    assert out["too_large"] == (Status.RESOURCE_EXHAUSTED, "meta write failed")
    assert decode((tmp_path / "meta.img").read_bytes()).tags == {12: b"hello"}


@pytest.mark.parametrize("role", ["os:operator", "os:reader"])
def test_other_roles_are_denied(pki: Any, tmp_path: Path, role: str) -> None:
    store = NodeMeta(FileMetaDevice(tmp_path))
    out = _run(pki, store, role, [("write", _write(12, b"v")), ("delete", _delete(12))])
    assert out["write"][0] == Status.PERMISSION_DENIED
    assert out["delete"][0] == Status.PERMISSION_DENIED
    assert not (tmp_path / "meta.img").exists()


def test_meta_not_loaded(pki: Any) -> None:
    out = _run(pki, None, "os:admin", [("write", _write(12, b"v"))])
    assert out["write"] == (Status.UNAVAILABLE, "META is not loaded on this node yet")
