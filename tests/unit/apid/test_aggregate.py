"""The wire-level reply merge and the routing decisions, without servers."""

from __future__ import annotations

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from multidict import MultiDict

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.apid import aggregate
from pytalos.apid.director import Kind, route

pytestmark = pytest.mark.unit


def test_unary_replies_concatenate_with_hostnames_and_errors() -> None:
    one = machine_pb2.VersionResponse(
        messages=[machine_pb2.Version(version=machine_pb2.VersionInfo(tag="v1"))]
    ).SerializeToString()
    merged = b"".join(
        [
            aggregate.append_to_messages(one, aggregate.hostname_suffix("10.0.0.1")),
            aggregate.append_to_messages(b"", aggregate.hostname_suffix("10.0.0.2")),  # empty reply
            aggregate.unary_error("10.0.0.3", Status.UNAVAILABLE.value, "down"),
        ]
    )
    reply = machine_pb2.VersionResponse.FromString(merged)
    assert [m.metadata.hostname for m in reply.messages] == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert reply.messages[0].version.tag == "v1"
    assert (reply.messages[2].metadata.error, reply.messages[2].metadata.status.code) == ("down", 14)


def test_streamed_messages_get_the_metadata_appended() -> None:
    data = common_pb2.Data(bytes=b"log line").SerializeToString()
    out = common_pb2.Data.FromString(data + aggregate.hostname_suffix("n1"))
    assert (out.metadata.hostname, out.bytes) == ("n1", b"log line")
    failed = common_pb2.Data.FromString(aggregate.stream_error("n2", 7, "not authorized"))
    assert (failed.metadata.hostname, failed.metadata.error, failed.bytes) == ("n2", "not authorized", b"")


def test_garbage_is_an_error_not_a_wrong_reply() -> None:
    with pytest.raises(ValueError, match="truncated"):
        aggregate.append_to_messages(b"\x0a\x05ab", b"")


def _route(method: str, *pairs: tuple[str, str], can_forward: bool = True) -> tuple[Kind, tuple[str, ...]]:
    found = route(method, MultiDict(pairs), can_forward=can_forward, is_local=lambda t: t == "me")
    return found.kind, found.targets


def test_routing_rules() -> None:
    version = "/machine.MachineService/Version"
    assert _route(version) == (Kind.LOCAL, ())
    assert _route(version, ("proxyfrom", "x"), ("node", "a")) == (Kind.LOCAL, ())
    assert _route(version, ("node", "a")) == (Kind.ONE, ("a",))
    assert _route(version, ("nodes", "a"), ("nodes", "b")) == (Kind.MANY, ("a", "b"))
    assert _route("/time.TimeService/Time", ("nodes", "a")) == (Kind.MANY, ("a",))
    assert _route(version, ("node", "me"), can_forward=False) == (Kind.LOCAL, ())
    assert _route(version, ("nodes", "me"), can_forward=False) == (Kind.LOCAL, ())
    with pytest.raises(GRPCError) as err:
        _route("/cosi.resource.State/List", ("nodes", "a"))
    assert err.value.status is Status.INVALID_ARGUMENT
    with pytest.raises(GRPCError, match="no request forwarding"):
        _route(version, ("node", "a"), can_forward=False)
