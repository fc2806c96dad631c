"""Query a running etcd with the machined client; run as a script (also inside ``ip netns exec``).

Usage: python _etcd_probe.py NODE_ROOT ENDPOINT SNAPSHOT_PATH — prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from pytalos.machined.etcd.client import EtcdClient, EtcdClientError
from pytalos.machined.etcd.layout import EtcdLayout


async def probe(root: Path, endpoint: str, snapshot: Path, wait: float = 30.0) -> dict[str, object]:
    async with EtcdClient.from_layout(EtcdLayout(root), [endpoint], timeout=5.0) as client:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            try:
                await client.health(timeout=2.0)
                break
            except EtcdClientError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.2)
        revision = await client.put("/pytalos/test", "value-1")
        value = await client.get("/pytalos/test")
        members = await client.member_list()
        status = await client.status()
        size = await client.snapshot(snapshot)
    return {
        "revision": revision,
        "value": value.decode() if value else None,
        "members": [
            {"name": m.name, "peer": list(m.peer_urls), "client": list(m.client_urls)} for m in members
        ],
        "leader_is_self": status.leader == status.member_id,
        "version": status.version,
        "snapshot_size": size,
    }


def main() -> None:
    root, endpoint, snapshot = sys.argv[1:4]
    print(json.dumps(asyncio.run(probe(Path(root), endpoint, Path(snapshot)))))


if __name__ == "__main__":
    main()
