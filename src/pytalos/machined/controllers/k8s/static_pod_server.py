"""``k8s.StaticPodServerController``: the ``StaticPods`` as a ``PodList`` over HTTP for the kubelet.

The kubelet polls ``staticPodURL`` for static pods; Talos serves them from machined on
``127.0.0.1`` at a random port. This controller starts a small asyncio HTTP/1.1 server there,
publishes its URL as ``StaticPodServerStatuses/static-pod-server-status`` and, on every change of a
``StaticPod``, swaps the JSON document it serves (``{"apiVersion": "v1", "kind": "PodList", ...}``,
pods sorted by ID). ``GET`` (any path) answers 200 with the list; other methods 405. The server
closes when the controller stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence

from pytalos.machined.resources import k8s_pods
from pytalos.machined.runtime import Input, InputKind, Output, Runtime

from .._common import put

HOST = "127.0.0.1"
_MAX_HEADER = 64 * 1024


def pod_list(pods: Sequence[dict[str, object]]) -> bytes:
    return json.dumps({"apiVersion": "v1", "items": list(pods), "kind": "PodList", "metadata": {}}).encode()


class StaticPodServerController:
    name = "k8s.StaticPodServerController"

    def __init__(self, host: str = HOST) -> None:
        self.host = host
        self._body = pod_list([])

    def inputs(self) -> Sequence[Input]:
        return [Input(k8s_pods.NAMESPACE, k8s_pods.STATIC_POD_TYPE, None, InputKind.WEAK)]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_pods.STATIC_POD_SERVER_STATUS_TYPE)]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            method = head.split(b" ", 1)[0]
            if len(head) > _MAX_HEADER:
                status, body, ctype = b"431 Request Header Fields Too Large", b"", b"text/plain"
            elif method in (b"GET", b"HEAD"):
                status, body, ctype = b"200 OK", self._body, b"application/json"
            else:
                status, body, ctype = b"405 Method Not Allowed", b"method not allowed\n", b"text/plain"
            writer.write(
                b"HTTP/1.1 "
                + status
                + b"\r\nContent-Type: "
                + ctype
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + (b"" if method == b"HEAD" else body)
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        server = await asyncio.start_server(self._handle, self.host, 0)
        try:
            port = server.sockets[0].getsockname()[1]
            url = f"http://{self.host}:{port}"
            log.info("serving static pods at %s", url)
            await put(
                rt,
                k8s_pods.NAMESPACE,
                k8s_pods.STATIC_POD_SERVER_STATUS_TYPE,
                k8s_pods.STATIC_POD_SERVER_STATUS_ID,
                k8s_pods.StaticPodServerStatusSpec(url),
            )
            while True:
                await rt.next_event()
                pods = await rt.list(k8s_pods.NAMESPACE, k8s_pods.STATIC_POD_TYPE)
                self._body = pod_list([p.spec.pod for p in sorted(pods, key=lambda r: r.metadata.id)])
                rt.reset_restart_backoff()
        finally:
            server.close()
            await server.wait_closed()
