"""``python -m pytalos.discovery --listen HOST:PORT``: run a discovery service until SIGTERM/SIGINT.

Plain HTTP/2 (nodes use it with ``cluster.discovery.registries.service.endpoint: http://HOST:PORT``
or a ``DiscoveryServiceConfig`` with that endpoint). Logs go to stderr or ``--log-file``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from .server import DEFAULT_PORT, GC_INTERVAL, DiscoveryServer

log = logging.getLogger("pytalos.discovery")


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(
            f"--listen {text!r}: expected HOST:PORT (e.g. 10.5.0.1:{DEFAULT_PORT})"
        )
    return host.strip("[]") or "0.0.0.0", int(port)


async def serve(host: str, port: int, gc_interval: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with DiscoveryServer(host, port, gc_interval=gc_interval) as server:
        log.info("discovery service listening on %s:%d (plain HTTP/2)", host, server.port)
        await stop.wait()
        log.info("discovery service stopping")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pytalos.discovery", description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=parse_listen, default=("0.0.0.0", DEFAULT_PORT), help="HOST:PORT")
    parser.add_argument("--gc-interval", type=float, default=GC_INTERVAL, help="seconds between expiries")
    parser.add_argument("--log-file", help="append logs to this file instead of stderr")
    args = parser.parse_args(argv)
    fmt = "%(asctime)s %(name)s: %(message)s"
    if args.log_file:
        logging.basicConfig(level=logging.INFO, format=fmt, filename=args.log_file)
    else:
        logging.basicConfig(level=logging.INFO, format=fmt, stream=sys.stderr)
    host, port = args.listen
    try:
        asyncio.run(serve(host, port, args.gc_interval))
    except OSError as exc:
        sys.exit(f"discovery service: {exc}")


if __name__ == "__main__":
    main()
