"""The work behind ``talosctl cluster create`` (Talos's ``clustermaker`` flow) for the netns provisioner.

In order, each a progress step: plan names and addresses (CIDR checked, node roots checked against the
socket path limit), generate secrets and configs, create the state directory and write the state file
and every node's config into it -- all before anything runs, so ``cluster destroy`` can always clean
up --, create the bridge, start every node (maintenance mode), merge the talosconfig context, apply each
node's config through its maintenance API, bootstrap etcd on the first control plane and, with
``--wait``, wait for :mod:`pytalos.cluster.check`'s health checks. Like Talos, a failure or Ctrl+C
does not tear the cluster down; the error says how to destroy it.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytalos.machinery.client.config import Config, ConfigError, open_config, write_file_atomic
from pytalos.provision import ProvisionError
from pytalos.provision.access import Target, apply_config, bootstrap, wait_api, wait_maintenance
from pytalos.provision.configs import ClusterConfigs, ConfigOptions, generate_configs
from pytalos.provision.provisioner import ClusterRequest, NetnsProvisioner
from pytalos.provision.state import ClusterState, NodeState

from .cluster_progress import Progress


@dataclass(frozen=True)
class CreateOptions:
    name: str
    state_root: Path
    cidr: str
    controlplanes: int
    workers: int
    config: ConfigOptions
    wait: bool = True
    wait_timeout: float = 1200.0
    skip_injecting_config: bool = False
    talosconfig: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class PartialCluster(Exception):
    """create failed after the state directory existed: ``state`` names what to destroy."""

    def __init__(self, state: ClusterState, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.state = state
        self.cause = cause


def create_cluster(opts: CreateOptions, progress: Progress, provisioner: NetnsProvisioner) -> ClusterState:
    """Run the whole flow; raises :class:`ProvisionError` before anything exists, otherwise
    :class:`PartialCluster` (also for Ctrl+C) carrying the state to destroy."""
    with progress.step("validating CIDR and reserving IPs"):
        request = ClusterRequest(opts.name, opts.state_root, opts.cidr, opts.controlplanes, opts.workers)
        state = provisioner.plan(request)
    with progress.step("generating PKI and tokens"):
        configs = generate_configs(state, opts.config)
    with progress.step(f'creating state directory in "{state.directory}"'):
        provisioner.prepare(state)
    try:
        _provision(opts, progress, provisioner, state, configs)
    except (Exception, KeyboardInterrupt) as exc:
        raise PartialCluster(state, exc) from exc
    return state


def _provision(
    opts: CreateOptions,
    progress: Progress,
    provisioner: NetnsProvisioner,
    state: ClusterState,
    configs: ClusterConfigs,
) -> None:
    with progress.step("writing machine configs"):
        write_configs(state, configs)
    with progress.step(f"creating network {state.bridge} ({state.cidr}, gateway {state.gateway})"):
        provisioner.create_network(state)
    with progress.step(f"starting discovery service ({state.discovery})") as row:
        row.detail = f"pid {provisioner.start_discovery(state)}"
    for kind in ("controlplane", "worker"):
        nodes = [n for n in state.nodes if n.type == kind]
        for node in nodes:
            with progress.step(f"creating {kind} node {node.name} ({node.ip})") as row:
                row.detail = f"pid {provisioner.start_node(state, node)}"
    with progress.step("merging talosconfig") as row:
        state.talosconfig, state.context, renames = merge_talosconfig(configs.talosconfig, opts.talosconfig)
        state.save()
        row.detail = state.talosconfig
    for rename in renames:
        progress.note(f"renamed talosconfig context {rename}")
    if opts.skip_injecting_config:
        return
    asyncio.run(_configure(opts, progress, provisioner, state, configs))


def write_configs(state: ClusterState, configs: ClusterConfigs) -> None:
    """Each node's config and the cluster's talosconfig, 0600, into the state directory."""
    for node in state.nodes:
        write_file_atomic(node.config, configs.nodes[node.name], mode=0o600)
    write_file_atomic(
        os.path.join(state.directory, "talosconfig"), configs.talosconfig.to_yaml().encode(), mode=0o600
    )


def merge_talosconfig(new: Config, destination: str | None) -> tuple[str, str, list[str]]:
    """Talos's ``saveConfig``: merge into the talosconfig (renaming clashing contexts); returns the
    path written, the (current) context's name and the renames."""
    try:
        merged = open_config(destination)
        renames = merged.merge(new)
        merged.save(destination)
    except (ConfigError, OSError) as exc:
        raise ProvisionError(f"error opening talos config: {exc}") from None
    assert merged.path is not None
    return merged.path.path, merged.context, [str(r) for r in renames]


def _target(provisioner: NetnsProvisioner, state: ClusterState, node: NodeState) -> Target:
    def alive() -> bool:
        return provisioner.running(state, state.node(node.name))

    return Target(node.name, node.ip, alive, node.log)


async def _configure(
    opts: CreateOptions,
    progress: Progress,
    provisioner: NetnsProvisioner,
    state: ClusterState,
    configs: ClusterConfigs,
) -> None:
    async def configure(node: NodeState) -> None:
        target = _target(provisioner, state, node)
        with progress.step(f"applying config to {node.name} ({node.ip})") as row:
            await wait_maintenance(target)
            warnings = await apply_config(target, configs.nodes[node.name])
            row.detail = "; ".join(warnings)

    # every node is configured concurrently; the bootstrap needs only the first control plane, so it
    # goes ahead as soon as that one is configured (the others join etcd when they come up)
    tasks = {n.name: asyncio.ensure_future(configure(n)) for n in state.nodes}
    try:
        first = state.control_planes[0]
        await tasks[first.name]
        context = configs.talosconfig.get_context(state.name)
        target = _target(provisioner, state, first)
        with progress.step(f"waiting for API of {first.name} ({first.ip})"):
            await wait_api(target, context)
        with progress.step(f"bootstrapping cluster on {first.name}"):
            await bootstrap(target, context)
        await asyncio.gather(*tasks.values())
    finally:
        for task in tasks.values():
            task.cancel()
    if opts.wait:
        await wait_healthy(state, configs.talosconfig, opts.wait_timeout, progress)


async def wait_healthy(state: ClusterState, talosconfig: Config, timeout: float, progress: Progress) -> None:
    """Talos's ``check.Wait`` with the default cluster checks (:mod:`pytalos.cluster.check`)."""
    try:
        from pytalos.cluster.check import ClusterInfo, run_checks, talosconfig_access
    except ImportError as exc:
        raise ProvisionError(
            f"cannot wait for the cluster: health checks are not available ({exc}); use --wait=false"
        ) from None
    info = ClusterInfo(
        control_planes=tuple(n.ip for n in state.control_planes),
        workers=tuple(n.ip for n in state.workers),
    )
    try:
        access = talosconfig_access(talosconfig, context=state.name)
    except ValueError as exc:
        raise ProvisionError(f"cannot wait for the cluster: {exc}") from None
    try:
        report = await run_checks(access, info, timeout, progress)
    finally:
        await access.close()
    if not report.ok:
        raise ProvisionError(f"cluster is not healthy after {report.duration:.0f}s: {report.failure_text()}")


def apply_hint(state: ClusterState) -> list[str]:
    """How to configure nodes left in maintenance mode (``--skip-injecting-config``)."""
    lines = ["nodes run in maintenance mode; apply their configs with:"]
    lines += [f"  talosctl apply-config --insecure -n {n.ip} -f {n.config}" for n in state.nodes]
    return lines


def destroy_hint(state: ClusterState, default_state_root: Path) -> str:
    flags = [f"--name {state.name}"]
    root = Path(state.directory).parent
    if root != default_state_root.absolute():
        flags.append(f"--state {root}")
    return f"talosctl cluster destroy {' '.join(flags)}"


def usage_lines(state: ClusterState) -> list[str]:
    first = state.control_planes[0]
    where = f" in {state.talosconfig}" if state.talosconfig else ""
    return [
        f'talosctl context "{state.context or state.name}" is now current{where}; try:',
        f"  talosctl -n {first.ip} version",
        f"  talosctl -n {first.ip} services",
        f"  talosctl -n {first.ip} etcd members",
    ]
