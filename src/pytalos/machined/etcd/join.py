"""How a new control plane joins an existing etcd cluster (Talos ``services/etcd.go``: ``addMember``,
``buildInitialCluster``, ``promoteMember``).

A control plane with an empty data directory does not start a cluster of its own: it waits until it can
reach etcd on another control plane and joins it as a *learner*:

1. **endpoints** (:func:`select_control_plane_ips`): where other members may be reached;
2. **plan** (:func:`plan_join`): list the members, remove a stale member carrying this node's name (a
   previous life of this node), reuse an unnamed learner with this node's peer URLs (added by an
   earlier attempt whose start failed) or ``MemberAddAsLearner``, list again; ``--initial-cluster``
   is every peer URL of every member, the new one under this node's name, and
   ``--initial-cluster-state=existing``;
3. **retry** (:func:`build_initial_cluster`): attempts are repeated for up to :data:`JOIN_TIMEOUT`
   (Talos's ``EtcdJoinTimeout``, 30 min), logging every 30 s that the node waits for ``talosctl
   bootstrap`` and on which IPs (Talos's words). Talos waits 3 s between attempts; here the pause
   starts at :data:`JOIN_RETRY_MIN` and grows by :data:`JOIN_RETRY_BACKOFF` up to
   :data:`JOIN_BUSY_INTERVAL` when a running cluster refused the change for a passing reason
   (:func:`is_busy`: another learner is not promoted yet -- etcd 3.4 allows one --, the cluster is
   not healthy yet, no leader), else up to :data:`JOIN_RETRY_INTERVAL` (nobody answers: the cluster
   is not bootstrapped). Control planes of a new cluster thus join one right after the other;
4. **promotion** (:func:`promote_learner`): once the learner runs, ``MemberPromote`` is retried against
   the *voting* members' client URLs (never the learner's own: a learner cannot promote itself) until
   it succeeds -- etcd refuses while the learner has not caught up with the leader. The pause starts
   at :data:`PROMOTE_RETRY_INTERVAL` (Talos: 15 s) and grows slowly up to
   :data:`PROMOTE_RETRY_MAX`, so a learner is promoted within a fraction of a second of catching up
   and a long catch-up does not hammer the voters.

etcd itself still paces a new cluster: with ``--strict-reconfig-check`` (on by default) a member is
only added once every voting member has been connected to the answering one for 5 s, so the third
control plane joins about 5 s after the second one started (the refusal is ``unhealthy cluster``).

The etcd calls go through :class:`JoinClient` (:class:`~.client.EtcdClient` on a node; a fake in
unit tests); ``connect`` opens one on a list of ``host:port`` endpoints.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from .args import InitialMember, initial_cluster_from_members
from .client import EtcdClientError, Member
from .pki import IP

log = logging.getLogger("pytalos.machined.etcd.join")

#: Talos's ``constants.EtcdJoinTimeout``.
JOIN_TIMEOUT = 30 * 60.0
#: Talos retries every 3 s (plus jitter) and gives each attempt 30 s. Here the pause between attempts
#: starts at ``JOIN_RETRY_MIN`` and is multiplied by ``JOIN_RETRY_BACKOFF`` after each failure, up to
#: ``JOIN_BUSY_INTERVAL`` when etcd refused for a passing reason (:func:`is_busy`), else up to
#: ``JOIN_RETRY_INTERVAL`` (no etcd answers: a failed connect costs a few milliseconds).
JOIN_RETRY_INTERVAL = 1.0
JOIN_RETRY_MIN = 0.2
JOIN_RETRY_BACKOFF = 1.5
JOIN_BUSY_INTERVAL = 0.5
JOIN_ATTEMPT_TIMEOUT = 30.0
#: How often the "waiting to join" message is repeated (Talos: 30 s).
NAG_INTERVAL = 30.0
#: Talos retries a promotion every 15 s; here the first retries come every 0.25 s (a learner of a
#: small cluster catches up in well under a second), growing by ``PROMOTE_RETRY_BACKOFF`` up to
#: ``PROMOTE_RETRY_MAX`` for a learner that needs longer.
PROMOTE_RETRY_INTERVAL = 0.25
PROMOTE_RETRY_BACKOFF = 1.2
PROMOTE_RETRY_MAX = 2.0

#: etcd's answers to ``MemberAddAsLearner`` that pass by themselves (etcd 3.4 ``ErrTooManyLearners``,
#: ``ErrUnhealthy``, ``ErrNotEnoughStartedMembers``, ``ErrNoLeader``, ``ErrNotLeader``,
#: ``ErrLeaderChanged``, ``ErrTimeoutDueToLeaderFail``).
BUSY_MARKERS = (
    "too many learner members",
    "unhealthy cluster",
    "not enough started members",
    "no leader",
    "not leader",
    "leader changed",
    "request timed out",
)

WAITING_MESSAGE = (
    "etcd is waiting to join the cluster, if this node is the first node in the cluster, please run "
    "`talosctl bootstrap` against one of the following IPs:"
)


class JoinClient(Protocol):
    """The etcd calls joining needs (:class:`~.client.EtcdClient`)."""

    async def member_list(self) -> list[Member]: ...

    async def member_remove(self, member_id: int) -> None: ...

    async def member_add_as_learner(self, peer_urls: Sequence[str]) -> Member: ...

    async def member_promote(self, member_id: int) -> None: ...

    async def close(self) -> None: ...


Connect = Callable[[Sequence[str]], Awaitable[JoinClient]]
Endpoints = Callable[[], Awaitable[list[str]]]


class JoinError(RuntimeError):
    """Joining failed; the message names the endpoints tried and etcd's answer."""


@dataclass(frozen=True)
class JoinPlan:
    """What the etcd command line needs after a successful join attempt."""

    initial_cluster: tuple[InitialMember, ...]
    learner_id: int
    removed: tuple[int, ...] = ()
    reused: bool = False


# -- endpoints -------------------------------------------------------------------------------------


def select_control_plane_ips(
    endpoint_ips: Iterable[IP], member_ips: Iterable[IP], own_ips: Iterable[IP]
) -> list[IP]:
    """The control-plane addresses a joining node tries, in order, without duplicates or its own.

    Sources, as far as a node knows them without discovery or Kubernetes (Talos uses the
    ``Endpoints`` resources fed by discovery ``Members`` and the ``kubernetes`` EndpointSlice):

    * the addresses of ``cluster.controlPlane.endpoint``'s host (an IP, or a name that resolves);
    * the addresses of ``Members`` resources (namespace ``cluster``) of type ``controlplane``/``init``.

    The node's own addresses are left out (its own etcd is not running yet). Only the family of the
    first address is kept: one etcd client cannot mix IPv4 and IPv6 endpoints.
    """
    own = set(own_ips)
    chosen = [ip for ip in dict.fromkeys([*endpoint_ips, *member_ips]) if ip not in own]
    if not chosen:
        return []
    family = chosen[0].version
    return [ip for ip in chosen if ip.version == family]


def client_endpoints(ips: Iterable[IP], port: int) -> list[str]:
    """``host:port`` (IPv6 in brackets) for :class:`~.client.EtcdClient`."""
    return [f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}" for ip in ips]


def resolve_endpoint_host(url: str) -> list[IP]:
    """The addresses of the host of ``cluster.controlPlane.endpoint`` (blocking for a name; ``[]`` when
    the URL has no host or the name does not resolve)."""
    host = urlsplit(url).hostname or ""
    if not host:
        return []
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as err:
        log.debug("control plane endpoint %s does not resolve: %s", host, err)
        return []
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


def url_endpoint(url: str) -> str | None:
    """``https://10.0.0.1:2379`` → ``10.0.0.1:2379`` (``None`` for a URL without host or port)."""
    parts = urlsplit(url)
    if not parts.hostname or parts.port is None:
        return None
    host = parts.hostname
    return f"[{host}]:{parts.port}" if ":" in host else f"{host}:{parts.port}"


# -- one attempt -----------------------------------------------------------------------------------


async def plan_join(client: JoinClient, name: str, peer_urls: Sequence[str]) -> JoinPlan:
    """One join attempt on a connected client (step 2 of the module docstring)."""
    members = await client.member_list()
    removed = []
    for member in members:
        if member.name == name:
            # a previous life of this node (its data directory is empty now): the new member replaces it
            await client.member_remove(member.id)
            removed.append(member.id)
    wanted = set(peer_urls)
    reuse = next(
        (m for m in members if not m.name and m.is_learner and set(m.peer_urls) == wanted),
        None,
    )
    learner_id = reuse.id if reuse is not None else (await client.member_add_as_learner(peer_urls)).id
    members = await client.member_list()
    if not any(m.id == learner_id for m in members):
        raise JoinError(f"member {learner_id:016x} added as learner is missing from the member list")
    initial = initial_cluster_from_members([(m.name, m.peer_urls, m.id) for m in members], learner_id, name)
    return JoinPlan(tuple(initial), learner_id, tuple(removed), reuse is not None)


async def _attempt(
    connect: Connect, endpoints: Sequence[str], name: str, peer_urls: Sequence[str], timeout: float
) -> JoinPlan:
    async with asyncio.timeout(timeout):
        client = await connect(endpoints)
        try:
            return await plan_join(client, name, peer_urls)
        finally:
            await client.close()


# -- retries ---------------------------------------------------------------------------------------


def is_busy(error: BaseException) -> bool:
    """Whether a failed attempt was refused by a running cluster for a reason that passes by itself
    (:data:`BUSY_MARKERS`), as opposed to no etcd answering at all."""
    text = str(error)
    return isinstance(error, EtcdClientError) and any(marker in text for marker in BUSY_MARKERS)


def next_pause(pause: float, backoff: float, cap: float) -> float:
    """The pause after ``pause`` (multiplied by ``backoff``, at most ``cap``)."""
    return min(pause * backoff, cap)


async def build_initial_cluster(
    connect: Connect,
    endpoints: Endpoints,
    name: str,
    peer_urls: Sequence[str],
    *,
    own_ips: Sequence[IP],
    say: Callable[[str], None],
    timeout: float = JOIN_TIMEOUT,
    interval: float = JOIN_RETRY_INTERVAL,
    min_interval: float = JOIN_RETRY_MIN,
    busy_interval: float = JOIN_BUSY_INTERVAL,
    backoff: float = JOIN_RETRY_BACKOFF,
    attempt_timeout: float = JOIN_ATTEMPT_TIMEOUT,
    nag_interval: float = NAG_INTERVAL,
) -> JoinPlan:
    """Retry :func:`plan_join` until it succeeds or ``timeout`` passes (:class:`JoinError` with the last
    error). ``say`` gets the waiting message every ``nag_interval`` (the etcd service log). Pauses
    between attempts: see :data:`JOIN_RETRY_INTERVAL` (``busy_interval`` caps them while the cluster
    refuses for a passing reason, ``interval`` otherwise)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last_nag: float | None = None
    last_error = "no attempt made"
    pause = min(min_interval, interval)
    while True:
        busy = False
        now = loop.time()
        if last_nag is None or now - last_nag >= nag_interval:
            if last_nag is not None:
                say(f"etcd join: last attempt: {last_error}")
            last_nag = now
            say(WAITING_MESSAGE)
            say("[" + " ".join(map(str, own_ips)) + "]")
        targets = await endpoints()
        if not targets:
            last_error = (
                "no other control plane is known (cluster.controlPlane.endpoint is this node or does not "
                "resolve, and no Members resource names another control plane)"
            )
        else:
            try:
                plan = await _attempt(connect, targets, name, peer_urls, min(attempt_timeout, timeout))
            except (EtcdClientError, JoinError, OSError) as err:
                last_error = str(err)
                busy = is_busy(err)
            except TimeoutError:
                last_error = (
                    f"etcd at {', '.join(targets)}: join attempt timed out after {attempt_timeout:g}s"
                )
            else:
                say(
                    f"etcd join: added as learner {plan.learner_id:016x}"
                    f"{' (reused)' if plan.reused else ''} through {', '.join(targets)}"
                )
                return plan
        log.debug("etcd join attempt failed: %s", last_error)
        if busy:
            pause = min(pause, busy_interval)
        if loop.time() + pause > deadline:
            raise JoinError(f"failed to build cluster arguments within {timeout:g}s: {last_error}")
        await asyncio.sleep(pause)
        pause = next_pause(pause, backoff, busy_interval if busy else interval)


async def voter_endpoints(client: JoinClient, learner_id: int) -> list[str]:
    """Client endpoints of the voting members other than ``learner_id``."""
    found: list[str] = []
    for member in await client.member_list():
        if member.is_learner or member.id == learner_id:
            continue
        found.extend(e for e in map(url_endpoint, member.client_urls) if e is not None)
    return list(dict.fromkeys(found))


async def promote_learner(
    connect: Connect,
    endpoints: Endpoints,
    learner_id: int,
    *,
    say: Callable[[str], None],
    interval: float = PROMOTE_RETRY_INTERVAL,
    max_interval: float = PROMOTE_RETRY_MAX,
    backoff: float = PROMOTE_RETRY_BACKOFF,
    attempt_timeout: float = JOIN_ATTEMPT_TIMEOUT,
) -> None:
    """Retry ``MemberPromote(learner_id)`` on each voting member in turn until one accepts (returns), or
    the member no longer exists / is no learner any more (returns after saying so). The first attempt
    is made at once; pauses start at ``interval`` and grow by ``backoff`` up to ``max_interval``."""
    last_error = ""
    pause = min(interval, max_interval)
    while True:
        try:
            async with asyncio.timeout(attempt_timeout):
                targets = await endpoints()
                voters: list[str] = []
                if targets:
                    client = await connect(targets)
                    try:
                        voters = await voter_endpoints(client, learner_id)
                    finally:
                        await client.close()
                for voter in voters:
                    client = await connect([voter])
                    try:
                        await client.member_promote(learner_id)
                        say(f"etcd member {learner_id:016x} promoted to voter (through {voter})")
                        return
                    except EtcdClientError as err:
                        if err.code == "NOT_FOUND" or "member not found" in str(err):
                            say(f"etcd member {learner_id:016x} not promoted: it was removed ({err})")
                            return
                        if str(err).endswith("can only promote a learner member"):  # not "… in sync …"
                            say(f"etcd member {learner_id:016x} is a voter already")
                            return
                        last_error = str(err)
                    finally:
                        await client.close()
                if not voters:
                    last_error = f"no voting member found through {', '.join(targets) or 'no endpoint'}"
        except (EtcdClientError, OSError) as err:
            last_error = str(err)
        except TimeoutError:
            last_error = f"promotion attempt timed out after {attempt_timeout:g}s"
        log.debug("etcd promote %016x: %s", learner_id, last_error)
        await asyncio.sleep(pause)
        pause = next_pause(pause, backoff, max_interval)
