"""``python -m pytalos.machined --root DIR [--netns NAME]``: machined as the root process of a node.

With ``--netns`` machined first moves itself into that network namespace (re-exec through
``nsenter``), so everything it starts lives there. A Reboot ends the asyncio loop after every service
stopped and re-executes this same command line: the node starts again from STATE, under the same PID.
Logs go to stderr and to ``var/log/machined.log`` under the node root.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger("pytalos.machined")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pytalos.machined", description=__doc__)
    parser.add_argument("--root", required=True, type=Path, help="the node's root folder")
    parser.add_argument("--netns", help="run inside this network namespace (/run/netns/NAME)")
    parser.add_argument("--api-host", default="0.0.0.0")
    parser.add_argument("--api-port", type=int, default=50000)
    parser.add_argument("--etcd-client-port", type=int, default=2379)
    parser.add_argument("--etcd-peer-port", type=int, default=2380)
    parser.add_argument("--boot-timeout", type=float, default=300.0, help="seconds for services to come up")
    parser.add_argument(
        "--rollback-timeout",
        type=float,
        default=180.0,
        help="seconds an unproven config gets to reach Running before the last known-good comes back",
    )
    parser.add_argument(
        "--address",
        action="append",
        default=[],
        help="fixed node address (default: the addresses the network controllers report)",
    )
    return parser.parse_args(argv)


def _same_netns(name: str) -> bool:
    try:
        return os.stat("/proc/self/ns/net").st_ino == os.stat(f"/run/netns/{name}").st_ino
    except FileNotFoundError as exc:
        raise SystemExit(f"machined: network namespace {name!r} does not exist ({exc.filename})") from None


def _setup_logging(root: Path) -> None:
    fmt = logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    logdir = root / "var" / "log"
    logdir.mkdir(parents=True, exist_ok=True)
    handlers.append(logging.FileHandler(logdir / "machined.log"))
    top = logging.getLogger()
    top.handlers.clear()
    for handler in handlers:
        handler.setFormatter(fmt)
        top.addHandler(handler)
    top.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.netns and not _same_netns(args.netns):
        command = [sys.executable, "-m", "pytalos.machined", *argv]
        os.execvp("nsenter", ["nsenter", f"--net=/run/netns/{args.netns}", "--", *command])
    root = args.root.resolve()
    _setup_logging(root)
    # machined's modules (~0.7 s of imports) are loaded only now: the process that re-execs itself
    # into the namespace above never needs them, and a cluster starts several nodes at once
    import ipaddress

    from .node.identity import StaticAddresses
    from .node.machined import ExitAction, Machined, MachinedOptions

    options = MachinedOptions(
        root=root,
        api_host=args.api_host,
        api_port=args.api_port,
        etcd_client_port=args.etcd_client_port,
        etcd_peer_port=args.etcd_peer_port,
        boot_timeout=args.boot_timeout,
        rollback_timeout=args.rollback_timeout,
    )
    if args.address:
        options.addresses = StaticAddresses([ipaddress.ip_address(a) for a in args.address])
    action = asyncio.run(Machined(options).run())
    logging.shutdown()
    if action is ExitAction.REBOOT:
        log.info("rebooting: starting again from STATE")
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "pytalos.machined", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
