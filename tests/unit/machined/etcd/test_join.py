"""Joining an etcd cluster as a learner, against a fake etcd: the member list becomes
``--initial-cluster``, a stale member with the node's name is removed, an unnamed learner with the
node's peer URLs is reused, retries log Talos's waiting message, promotion goes to voters only."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from pytalos.machined.etcd.args import InitialMember
from pytalos.machined.etcd.client import EtcdClientError, Member
from pytalos.machined.etcd.join import (
    WAITING_MESSAGE,
    JoinClient,
    JoinError,
    build_initial_cluster,
    client_endpoints,
    is_busy,
    plan_join,
    promote_learner,
    select_control_plane_ips,
    url_endpoint,
)

pytestmark = pytest.mark.unit

CP1 = Member(0x11, "cp-1", ("https://10.5.0.2:2380",), ("https://10.5.0.2:2379",), False)
CP2 = Member(0x22, "cp-2", ("https://10.5.0.3:2380",), ("https://10.5.0.3:2379",), False)
ME_URLS = ("https://10.5.0.4:2380",)


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


@dataclass
class FakeCluster:
    """A cluster's membership as etcd would change it; ``calls`` records every call."""

    members: list[Member] = field(default_factory=lambda: [CP1, CP2])
    calls: list[str] = field(default_factory=list)
    next_id: int = 0x44
    promote_refusals: int = 0
    fail_connect: int = 0
    connected: list[tuple[str, ...]] = field(default_factory=list)
    #: ``MemberAddAsLearner`` answers this many times with etcd 3.4's one-learner refusal
    add_refusals: int = 0


@dataclass
class FakeClient:
    cluster: FakeCluster
    endpoints: tuple[str, ...]
    closed: bool = False

    async def member_list(self) -> list[Member]:
        self.cluster.calls.append("list")
        return list(self.cluster.members)

    async def member_remove(self, member_id: int) -> None:
        self.cluster.calls.append(f"remove {member_id:x}")
        self.cluster.members = [m for m in self.cluster.members if m.id != member_id]

    async def member_add_as_learner(self, peer_urls: Sequence[str]) -> Member:
        self.cluster.calls.append(f"add learner {','.join(peer_urls)}")
        if self.cluster.add_refusals:
            self.cluster.add_refusals -= 1
            raise EtcdClientError(
                f"etcd at {','.join(self.endpoints)}: add learner {','.join(peer_urls)} failed: "
                "FAILED_PRECONDITION: etcdserver: too many learner members in cluster",
                "FAILED_PRECONDITION",
            )
        member = Member(self.cluster.next_id, "", tuple(peer_urls), (), True)
        self.cluster.members.append(member)
        return member

    async def member_promote(self, member_id: int) -> None:
        self.cluster.calls.append(f"promote {member_id:x} via {','.join(self.endpoints)}")
        if self.cluster.promote_refusals:
            self.cluster.promote_refusals -= 1
            raise EtcdClientError(
                "etcd at x: promote failed: FAILED_PRECONDITION: "
                "etcdserver: can only promote a learner member which is in sync with leader"
            )
        self.cluster.members = [
            Member(m.id, m.name, m.peer_urls, m.client_urls, False) if m.id == member_id else m
            for m in self.cluster.members
        ]

    async def close(self) -> None:
        self.closed = True


def connector(cluster: FakeCluster):  # type: ignore[no-untyped-def]
    async def connect(endpoints: Sequence[str]) -> JoinClient:
        cluster.connected.append(tuple(endpoints))
        if cluster.fail_connect:
            cluster.fail_connect -= 1
            raise EtcdClientError(f"etcd at {', '.join(endpoints)}: member list failed: UNAVAILABLE")
        return FakeClient(cluster, tuple(endpoints))

    return connect


def test_member_list_becomes_initial_cluster() -> None:
    cluster = FakeCluster()
    plan = asyncio.run(plan_join(FakeClient(cluster, ()), "cp-3", ME_URLS))
    assert cluster.calls == ["list", "add learner https://10.5.0.4:2380", "list"]
    assert plan.learner_id == 0x44 and not plan.reused and plan.removed == ()
    assert plan.initial_cluster == (
        InitialMember("cp-1", "https://10.5.0.2:2380"),
        InitialMember("cp-2", "https://10.5.0.3:2380"),
        InitialMember("cp-3", "https://10.5.0.4:2380"),  # the new learner, under this node's name
    )


def test_stale_member_with_own_name_is_removed() -> None:
    stale = Member(0x33, "cp-3", ("https://10.5.0.9:2380",), ("https://10.5.0.9:2379",), False)
    cluster = FakeCluster(members=[CP1, CP2, stale])
    plan = asyncio.run(plan_join(FakeClient(cluster, ()), "cp-3", ME_URLS))
    assert cluster.calls == ["list", "remove 33", "add learner https://10.5.0.4:2380", "list"]
    assert plan.removed == (0x33,)
    assert [m.peer_url for m in plan.initial_cluster] == [
        "https://10.5.0.2:2380",
        "https://10.5.0.3:2380",
        "https://10.5.0.4:2380",
    ]


def test_unnamed_learner_with_own_peer_urls_is_reused() -> None:
    earlier = Member(0x55, "", ME_URLS, (), True)  # added by an attempt whose etcd never started
    other = Member(0x66, "", ("https://10.5.0.8:2380",), (), True)  # another node's pending learner
    cluster = FakeCluster(members=[CP1, earlier, other])
    plan = asyncio.run(plan_join(FakeClient(cluster, ()), "cp-3", ME_URLS))
    assert cluster.calls == ["list", "list"]  # nothing added, nothing removed
    assert plan.reused and plan.learner_id == 0x55
    assert plan.initial_cluster == (
        InitialMember("cp-1", "https://10.5.0.2:2380"),
        InitialMember("cp-3", "https://10.5.0.4:2380"),
        InitialMember("", "https://10.5.0.8:2380"),
    )


def test_endpoint_selection_excludes_self_and_keeps_one_family() -> None:
    chosen = select_control_plane_ips(
        [ip("10.5.0.2")], [ip("10.5.0.2"), ip("10.5.0.4"), ip("10.5.0.3"), ip("fd00::3")], [ip("10.5.0.4")]
    )
    assert chosen == [ip("10.5.0.2"), ip("10.5.0.3")]
    assert select_control_plane_ips([ip("10.5.0.4")], [], [ip("10.5.0.4")]) == []  # the first node
    assert client_endpoints([ip("10.5.0.2"), ip("fd00::3")], 2379) == ["10.5.0.2:2379", "[fd00::3]:2379"]
    assert url_endpoint("https://[fd00::3]:2379") == "[fd00::3]:2379"
    assert url_endpoint("https://10.5.0.2") is None


def test_waits_with_talos_message_until_a_member_answers() -> None:
    cluster = FakeCluster(fail_connect=2)
    said: list[str] = []
    known: list[list[str]] = [[], ["10.5.0.2:2379"], ["10.5.0.2:2379"], ["10.5.0.2:2379"]]

    async def endpoints() -> list[str]:
        return known.pop(0) if len(known) > 1 else known[0]

    plan = asyncio.run(
        build_initial_cluster(
            connector(cluster),
            endpoints,
            "cp-3",
            ME_URLS,
            own_ips=[ip("10.5.0.4")],
            say=said.append,
            interval=0.01,
            nag_interval=0.025,
        )
    )
    assert plan.learner_id == 0x44
    assert cluster.connected == [("10.5.0.2:2379",)] * 3  # no endpoint, two refusals, success
    assert said[:2] == [WAITING_MESSAGE, "[10.5.0.4]"]
    assert any(s.startswith("etcd join: last attempt: ") for s in said)
    assert WAITING_MESSAGE.startswith("etcd is waiting to join the cluster, if this node is the first node")
    assert said[-1] == "etcd join: added as learner 0000000000000044 through 10.5.0.2:2379"


def test_join_timeout_names_the_last_error() -> None:
    cluster = FakeCluster(fail_connect=1000)

    async def endpoints() -> list[str]:
        return ["10.5.0.2:2379"]

    with pytest.raises(JoinError) as err:
        asyncio.run(
            build_initial_cluster(
                connector(cluster), endpoints, "cp-3", ME_URLS, own_ips=[], say=lambda s: None,
                timeout=0.05, interval=0.01,
            )
        )  # fmt: skip
    assert "failed to build cluster arguments within 0.05s" in str(err.value)
    assert "etcd at 10.5.0.2:2379: member list failed: UNAVAILABLE" in str(err.value)


def test_promotion_retries_on_voters_only() -> None:
    learner = Member(0x44, "cp-3", ME_URLS, ("https://10.5.0.4:2379",), True)
    cluster = FakeCluster(members=[CP1, CP2, learner], promote_refusals=2)
    said: list[str] = []

    async def endpoints() -> list[str]:
        return ["10.5.0.2:2379"]

    asyncio.run(promote_learner(connector(cluster), endpoints, 0x44, say=said.append, interval=0.01))
    promotes = [c for c in cluster.calls if c.startswith("promote")]
    # cp-1 refuses (catching up), cp-2 refuses, cp-1 accepts; never the learner's own 10.5.0.4
    assert promotes == [
        "promote 44 via 10.5.0.2:2379",
        "promote 44 via 10.5.0.3:2379",
        "promote 44 via 10.5.0.2:2379",
    ]
    assert not any("10.5.0.4" in e for conn in cluster.connected for e in conn)
    assert [m.is_learner for m in cluster.members] == [False, False, False]
    assert said == ["etcd member 0000000000000044 promoted to voter (through 10.5.0.2:2379)"]


def test_too_many_learners_is_retried_quickly() -> None:
    """Another node's learner is not promoted yet: the pauses stay short (``busy_interval``), however
    long ``interval`` (the pace while no etcd answers) is."""
    cluster = FakeCluster(add_refusals=4)
    said: list[str] = []

    async def endpoints() -> list[str]:
        return ["10.5.0.2:2379"]

    async def run() -> tuple[float, object]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        plan = await build_initial_cluster(
            connector(cluster), endpoints, "cp-3", ME_URLS, own_ips=[ip("10.5.0.4")], say=said.append,
            interval=30.0, min_interval=0.01, busy_interval=0.02,
        )  # fmt: skip
        return loop.time() - start, plan

    took, _ = asyncio.run(run())
    assert took < 1.0  # four refusals, pauses of at most 0.02 s (never the 30 s interval)
    assert [c for c in cluster.calls if c.startswith("add")] == ["add learner https://10.5.0.4:2380"] * 5
    assert said[-1] == "etcd join: added as learner 0000000000000044 through 10.5.0.2:2379"
    refusal = "etcd at x: add learner y failed: etcdserver: too many learner members in cluster"
    assert is_busy(EtcdClientError(refusal))
    assert is_busy(EtcdClientError("etcd at x: add learner y failed: etcdserver: unhealthy cluster"))
    assert not is_busy(EtcdClientError("etcd at x: member list failed: UNAVAILABLE: connection refused"))


def test_unreachable_cluster_backs_off_up_to_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """No etcd answers (not bootstrapped): pauses grow from ``min_interval`` to ``interval``."""
    cluster = FakeCluster(fail_connect=6)
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float) -> None:
        pauses.append(delay)
        await real_sleep(0)

    async def endpoints() -> list[str]:
        return ["10.5.0.2:2379"]

    monkeypatch.setattr(asyncio, "sleep", sleep)  # the module's pauses (restored after the test)
    asyncio.run(
        build_initial_cluster(
            connector(cluster), endpoints, "cp-3", ME_URLS, own_ips=[], say=lambda s: None,
            interval=1.0, min_interval=0.2, backoff=2.0,
        )
    )  # fmt: skip
    assert pauses == [0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
