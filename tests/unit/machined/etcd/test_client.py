"""EtcdClient without a server: argument checks and errors that name the endpoint."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from pytalos.machined.etcd.client import EtcdClient, EtcdClientError
from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.etcd.pki import NodeIdentity, issue_client_cert
from pytalos.machinery.secrets.ca import new_etcd_ca


def _client(endpoints: list[str], timeout: float = 5.0) -> EtcdClient:
    ca = new_etcd_ca()
    admin = issue_client_cert(ca)
    return EtcdClient(endpoints, ca=ca.crt, cert=admin.crt, key=admin.key, timeout=timeout)


def test_rejects_bad_endpoints() -> None:
    with pytest.raises(EtcdClientError, match="no endpoint"):
        _client([])
    with pytest.raises(EtcdClientError, match="expected host:port"):
        _client(["127.0.0.1"])
    with pytest.raises(EtcdClientError, match="cannot mix IPv4 and IPv6"):
        _client(["127.0.0.1:2379", "[::1]:2379"])


def test_missing_pki_names_the_directory(tmp_path: Path) -> None:
    with pytest.raises(EtcdClientError, match=str(tmp_path)):
        EtcdClient.from_layout(EtcdLayout(tmp_path), ["127.0.0.1:2379"])


def test_unreachable_endpoint_error_names_it() -> None:
    with socket.socket() as sock:  # a port that is closed: bound, never listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        endpoint = f"127.0.0.1:{port}"

        async def probe() -> None:
            async with _client([endpoint], timeout=1.0) as client:
                await client.health(timeout=1.0)

        with pytest.raises(EtcdClientError, match=rf"etcd at {endpoint}: health check \(linearizable read\)"):
            asyncio.run(probe())


def test_not_connected_is_an_error() -> None:
    client = _client(["127.0.0.1:2379"])
    with pytest.raises(EtcdClientError, match="not connected"):
        asyncio.run(client.get("x"))


def test_node_identity_dns_names() -> None:
    assert NodeIdentity("cp", (), "example.org").dns_names() == ["cp", "cp.example.org"]
