"""Service checks (Talos's ``service.go``): one service Running and healthy on some nodes, and --
beyond Talos -- every service of every node healthy.

Talos's ``ServiceHealthAssertion`` wants the service in state ``Running`` with a healthy health
check on every node asked, in node order, each problem as ``<node>: …``. ``kubelet to be healthy``
is skipped (with the reason the node gives) when kubelet is ``Skipped`` on every control plane:
pytalos nodes cannot obtain kubelet images (see :mod:`pytalos.machined.services.kubelet`).

``all services to be healthy`` (pytalos's issue asks for it): every service a node lists is
``Running`` with its health check passing -- or with no health check at all (health unknown, as
Talos's MachineStatus counts it) --, ``Finished`` (one-shot) or ``Skipped`` (a condition said no).
"""

from __future__ import annotations

from .access import NodeAccess, ServiceStatus
from .conditions import CheckError, SkipCheck, on_all_nodes
from .info import ClusterInfo

RUNNING = "Running"
SKIPPED = "Skipped"
FINISHED = "Finished"


def _find(services: list[ServiceStatus], service: str) -> ServiceStatus | None:
    return next((s for s in services if s.id == service), None)


def service_problem(node: str, service: str, status: ServiceStatus | None) -> str | None:
    """Talos's per-node messages: not found / not in state Running / not healthy."""
    if status is None:
        return f'{node}: service "{service}" not found'
    if status.state != RUNNING:
        detail = f" {status.last_event}" if status.last_event else ""
        return (
            f'{node}: service "{service}" not in expected state "{RUNNING}": '
            f"current state [{status.state}]{detail}"
        )
    if not status.healthy:
        why = f" ({status.health_message})" if status.health_message else ""
        return f"{node}: service is not healthy: {service}{why}"
    return None


async def service_health(access: NodeAccess, nodes: tuple[str, ...], service: str) -> None:
    answers = await on_all_nodes(nodes, access.services)
    problems = [service_problem(n, service, _find(answers[n], service)) for n in sorted(answers)]
    found = [p for p in problems if p is not None]
    if found:
        raise CheckError("; ".join(found))


async def etcd_healthy(access: NodeAccess, info: ClusterInfo) -> None:
    await service_health(access, info.control_plane_nodes, "etcd")


def skipped_everywhere(answers: dict[str, list[ServiceStatus]], service: str) -> str | None:
    """When ``service`` is ``Skipped`` on every node answering: the reason, naming the nodes."""
    found = {n: _find(s, service) for n, s in answers.items()}
    if not found or any(s is None or s.state != SKIPPED for s in found.values()):
        return None
    reasons = sorted({s.last_event for s in found.values() if s is not None and s.last_event})
    why = f": {'; '.join(reasons)}" if reasons else ""
    return f"service {service!r} is Skipped on {', '.join(sorted(found))}{why}"


async def kubelet_healthy(access: NodeAccess, info: ClusterInfo) -> None:
    nodes = info.control_plane_nodes
    answers = await on_all_nodes(nodes, access.services)
    reason = skipped_everywhere(answers, "kubelet")
    if reason is not None:
        raise SkipCheck(reason)
    await service_health(access, nodes, "kubelet")


def unhealthy_services(node: str, services: list[ServiceStatus]) -> list[str]:
    out = []
    for s in sorted(services, key=lambda s: s.id):
        if s.state in (SKIPPED, FINISHED):
            continue
        if s.state != RUNNING:
            detail = f" {s.last_event}" if s.last_event else ""
            out.append(f'{node}: service "{s.id}" is {s.state}{detail}')
        elif not s.healthy and not s.health_unknown:
            why = f": {s.health_message}" if s.health_message else ""
            out.append(f'{node}: service "{s.id}" is not healthy{why}')
    return out


async def all_services_healthy(access: NodeAccess, info: ClusterInfo) -> None:
    answers = await on_all_nodes(info.nodes, access.services)
    problems = [p for n in sorted(answers) for p in unhealthy_services(n, answers[n])]
    if problems:
        raise CheckError("; ".join(problems))
