"""Hypothesis strategies: random containers of documents covering every field shape the schema has."""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.document import Document, register
from pytalos.machinery.config.schema import Struct, yfield
from pytalos.machinery.config.types.meta import Args

from ._fakes import FakeCluster, FakeConfig, FakeInterface, FakeMachine, FakeNetwork


class PropInner(Struct):
    label: str = yfield("label", omitempty=True)
    enabled: bool = yfield("enabled", omitempty=True)
    count: int | None = yfield("count", omitempty=True)


@register
class PyTestPropConfig(Document):
    """One document kind with every field shape: scalars, pointers, lists, maps, structs, codecs, any."""

    KIND: ClassVar[str] = "PyTestPropConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name")
    title: str = yfield("title", omitempty=True)
    size: int = yfield("size", omitempty=True)
    flag: bool = yfield("flag")
    maybe: bool | None = yfield("maybe", omitempty=True)
    tags: list[str] = yfield("tags", omitempty=True)
    servers: list[str] = yfield("servers", omitempty=True, merge="replace")
    labels: dict[str, str] = yfield("labels", omitempty=True)
    inner: PropInner = yfield("inner", omitempty=True)
    opt: PropInner | None = yfield("opt", omitempty=True)
    items: list[PropInner] = yfield("items", omitempty=True)
    by_name: dict[str, PropInner] = yfield("byName", omitempty=True)
    args: Args | None = yfield("args", omitempty=True)
    extra: Any = yfield("extra", omitempty=True)


TEXT = st.text(alphabet="abcxyz019-_. :#'\"", max_size=6)
KEYS = st.text(alphabet="abcdxyz.-/", min_size=1, max_size=5)
NAMES = st.sampled_from(["a", "b", "c", "d"])


def _inner() -> st.SearchStrategy[PropInner]:
    return st.builds(
        PropInner,
        label=TEXT,
        enabled=st.booleans(),
        count=st.none() | st.integers(-3, 3),
    )


def prop_docs(name: st.SearchStrategy[str] = NAMES) -> st.SearchStrategy[PyTestPropConfig]:
    return st.builds(
        PyTestPropConfig,
        name=name,
        title=TEXT,
        size=st.integers(-5, 5),
        flag=st.booleans(),
        maybe=st.none() | st.booleans(),
        tags=st.lists(TEXT, max_size=3),
        servers=st.lists(TEXT, max_size=3),
        labels=st.dictionaries(KEYS, TEXT, max_size=3),
        inner=_inner(),
        opt=st.none() | _inner(),
        items=st.lists(_inner(), max_size=2),
        by_name=st.dictionaries(KEYS, _inner(), max_size=2),
        args=st.none()
        | st.builds(Args, st.dictionaries(KEYS, TEXT | st.lists(TEXT, max_size=2), max_size=2)),
        extra=st.none() | st.dictionaries(KEYS, st.integers(-2, 2) | TEXT, min_size=1, max_size=2),
    )


def fake_v1alpha1_docs() -> st.SearchStrategy[FakeConfig]:
    interface = st.builds(
        FakeInterface,
        interface=st.sampled_from(["eth0", "eth1"]),
        addresses=st.lists(st.sampled_from(["10.0.0.1/24", "10.0.0.2/24"]), max_size=2),
        dhcp=st.booleans(),
        mtu=st.integers(0, 2),
    )
    network = st.builds(
        FakeNetwork,
        hostname=TEXT,
        interfaces=st.lists(interface, max_size=2),
        nameservers=st.lists(TEXT, max_size=2),
    )
    machine = st.builds(
        FakeMachine,
        type=st.sampled_from(["", "worker", "controlplane"]),
        cert_sans=st.lists(TEXT, max_size=2),
        network=st.none() | network,
        node_labels=st.dictionaries(KEYS, TEXT, max_size=2),
    )
    return st.builds(
        FakeConfig,
        version=st.just("v1alpha1"),
        debug=st.booleans(),
        persist=st.booleans(),
        machine=st.none() | machine,
        cluster=st.none() | st.builds(FakeCluster, cluster_name=TEXT),
    )


@st.composite
def containers(draw: st.DrawFn, with_v1alpha1: bool | None = None) -> Container:
    docs: list[Struct] = []
    legacy = draw(st.booleans()) if with_v1alpha1 is None else with_v1alpha1
    if legacy:
        docs.append(draw(fake_v1alpha1_docs()))
    names = draw(st.lists(NAMES, unique=True, max_size=3))
    docs.extend(draw(prop_docs(st.just(n))) for n in names)
    return Container(docs)
