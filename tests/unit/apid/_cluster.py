"""In-process "nodes" for apid tests: machined's Machine API on a unix socket (with test doubles behind
it) and a real apid on 127.0.0.1 in front, all with certificates from one OS CA."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grpclib.client import Channel

from pytalos.api.tls import client_context
from pytalos.apid.server import Apid, ApidConfig
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.listener import machine_socket_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.unix import UnixApiServer
from pytalos.machinery import role
from pytalos.machinery.crypto.x509 import CLIENT_AUTH, SERVER_AUTH, CertificateAndKey, issue_certificate
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode


@dataclass
class NamedNode(FakeNode):
    name: str = "node"

    def hostname(self) -> str:
        return self.name


@dataclass
class Member:
    name: str
    node: NamedNode
    socket: UnixApiServer
    apid: Apid
    audit: Path
    target: str = ""
    stopped: bool = False


@dataclass
class Cluster:
    ca: CertificateAndKey
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="apid-")))
    members: list[Member] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)

    async def add(self, name: str, *, forwarding: bool = True) -> Member:
        node = NamedNode(name=name)
        sock = machine_socket_server(
            MachineApi(node, Applier(FakeRuntime(_configs.config()))), self.root / name / "m.sock"
        )
        # resources=None and FakeNode has none: MachineService only
        await sock.start()
        server = issue_certificate(
            self.ca, common_name=name, ip_addresses=["127.0.0.1"], ext_key_usage=[SERVER_AUTH]
        )
        client = (
            issue_certificate(
                self.ca, common_name=name, organizations=[role.IMPERSONATOR], ext_key_usage=[CLIENT_AUTH]
            )
            if forwarding
            else None
        )
        audit = self.root / name / "audit.log"
        apid = Apid(
            ApidConfig(
                server=server,
                cas=[self.ca.crt],
                local_socket=sock.path,
                client=client,
                local_names=lambda: [name],
                proxy_from=name,
                audit_log=audit,
                host="127.0.0.1",
                port=0,
            )
        )
        await apid.start()
        member = Member(name, node, sock, apid, audit, f"127.0.0.1:{apid.port}")
        self.members.append(member)
        return member

    async def stop(self, member: Member) -> None:
        if not member.stopped:
            member.stopped = True
            await member.apid.close()
            await member.socket.close()

    def channel(self, member: Member, roles: list[str] | None = None, **kw: Any) -> Channel:
        cert = new_admin_certificate(self.ca, roles=roles or [role.ADMIN])
        channel = Channel("127.0.0.1", member.apid.port, ssl=client_context(self.ca.crt, cert), **kw)
        self.channels.append(channel)
        return channel

    async def close(self) -> None:
        for channel in self.channels:
            channel.close()
        for member in self.members:
            await self.stop(member)
        shutil.rmtree(self.root, ignore_errors=True)
