"""``etcdctl`` against a local cluster's etcd, as an operator outside the cluster would use it: a client
certificate issued from the cluster's etcd CA (read from a control plane's generated machine config in
the cluster's state directory) and the control plane's client URL ``https://<ip>:2379``. The cluster
tests write and read keys with it to prove that snapshots and recovery keep the data.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pytalos.machined.etcd.pki import issue_client_cert
from pytalos.machined.node.service_plan import etcd_ca
from pytalos.machinery.config.loader import load
from pytalos.provision.state import NodeState

CLIENT_PORT = 2379


@dataclass(frozen=True)
class Etcdctl:
    """``etcdctl`` (API v3) with a client certificate in ``folder``, against one control plane."""

    endpoint: str
    folder: Path

    @classmethod
    def for_node(cls, node: NodeState, folder: Path) -> Etcdctl:
        """A client of ``node``'s etcd, certificate issued from the etcd CA in the node's config."""
        config = Path(node.config)
        ca = etcd_ca(load(config.read_bytes(), str(config)))
        assert ca is not None, f"{config}: no cluster.etcd.ca with a key (not a control plane config?)"
        client = issue_client_cert(ca, "pytalos-cluster-test")
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in (("ca.crt", ca.crt), ("client.crt", client.crt), ("client.key", client.key)):
            (folder / name).write_bytes(data)
        os.chmod(folder / "client.key", 0o600)
        return cls(f"https://{node.ip}:{CLIENT_PORT}", folder)

    def run(self, *args: str, stdin: str = "", timeout: float = 30) -> str:
        argv = [
            "etcdctl",
            f"--endpoints={self.endpoint}",
            f"--cacert={self.folder / 'ca.crt'}",
            f"--cert={self.folder / 'client.crt'}",
            f"--key={self.folder / 'client.key'}",
            "--dial-timeout=5s",
            *args,
        ]
        done = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "ETCDCTL_API": "3"},
        )
        assert done.returncode == 0, f"etcdctl {args[0]} against {self.endpoint}: {done.stderr.strip()}"
        return done.stdout

    def put_all(self, items: dict[str, str]) -> None:
        """Every key in one transaction (``etcdctl txn``: no compares, the puts, no failure ops)."""
        assert all(" " not in k + v and "\n" not in k + v for k, v in items.items())
        ops = "".join(f"put {k} {v}\n" for k, v in items.items())
        out = self.run("txn", stdin=f"\n{ops}\n\n")
        assert out.startswith("SUCCESS"), f"etcdctl txn against {self.endpoint}: {out!r}"

    def get_prefix(self, prefix: str) -> dict[str, str]:
        """Every key under ``prefix`` with its value."""
        reply = json.loads(self.run("get", prefix, "--prefix", "-w", "json"))
        return {
            base64.b64decode(kv["key"]).decode(): base64.b64decode(kv["value"]).decode()
            for kv in reply.get("kvs", [])
        }
