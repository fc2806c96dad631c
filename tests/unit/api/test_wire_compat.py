"""Our .proto files against Talos v1.6's API as published in betterproto form (``talos-linux-api-v1-6-0``).

Every message both define is checked by field number, name and type and by a serialization round trip
through betterproto; every service method Talos v1.6 has must exist here with the same message types
and streaming shape.
"""

from __future__ import annotations

import types

import betterproto
import betterproto.lib.google.protobuf as bp_wkt
import grpclib.const
import pytest
from betterproto.casing import pascal_case
from google.protobuf.descriptor import Descriptor, FileDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from talos_linux_api.v1_6_0 import cluster as bp_cluster
from talos_linux_api.v1_6_0 import common as bp_common
from talos_linux_api.v1_6_0 import inspect as bp_inspect
from talos_linux_api.v1_6_0 import machine as bp_machine
from talos_linux_api.v1_6_0 import securityapi as bp_security
from talos_linux_api.v1_6_0 import storage as bp_storage
from talos_linux_api.v1_6_0 import time as bp_time

from pytalos.api.gen.cluster import cluster_pb2
from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.inspect import inspect_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.api.gen.security import security_pb2
from pytalos.api.gen.storage import storage_pb2
from pytalos.api.gen.time import time_pb2

from .wirecheck import ours_only_fields, roundtrip_problems, structural_problems

# (our file, its betterproto module, betterproto service base class or None)
PACKAGES: list[tuple[FileDescriptor, types.ModuleType, str | None]] = [
    (common_pb2.DESCRIPTOR, bp_common, None),
    (machine_pb2.DESCRIPTOR, bp_machine, "MachineServiceBase"),
    (cluster_pb2.DESCRIPTOR, bp_cluster, "ClusterServiceBase"),
    (storage_pb2.DESCRIPTOR, bp_storage, "StorageServiceBase"),
    (time_pb2.DESCRIPTOR, bp_time, "TimeServiceBase"),
    (inspect_pb2.DESCRIPTOR, bp_inspect, "InspectServiceBase"),
    (security_pb2.DESCRIPTOR, bp_security, "SecurityServiceBase"),
]


def _bp_handlers(module: types.ModuleType, base: str) -> dict[str, grpclib.const.Handler]:
    # talos_linux_api's storage module refers to the Empty type without importing it
    module.betterproto_lib_google_protobuf = bp_wkt  # type: ignore[attr-defined]
    cls = getattr(module, base)
    return dict(cls.__mapping__(cls.__new__(cls)))


def bp_name(descriptor: Descriptor) -> str:
    """betterproto's class name for a message: nested names flattened, each part Pascal-cased."""
    parts = []
    while descriptor is not None:
        parts.append(pascal_case(descriptor.name))
        descriptor = descriptor.containing_type
    return "".join(reversed(parts))


def _all_messages(descriptors: list[Descriptor]) -> list[Descriptor]:
    found = []
    for d in descriptors:
        if not d.GetOptions().map_entry:
            found.append(d)
            found += _all_messages(list(d.nested_types))
    return found


def _common_messages() -> list[tuple[str, type[Message], type]]:
    pairs = []
    for file, module, _ in PACKAGES:
        for descriptor in _all_messages(list(file.message_types_by_name.values())):
            theirs = getattr(module, bp_name(descriptor), None)
            if theirs is not None:
                pairs.append((descriptor.full_name, GetMessageClass(descriptor), theirs))
    return pairs


def _common_methods() -> list[tuple[str, ServiceDescriptor, grpclib.const.Handler]]:
    triples = []
    for file, module, base in PACKAGES:
        if base is None:
            continue
        for path, handler in _bp_handlers(module, base).items():
            service_name = path.strip("/").split("/")[0]
            service = file.services_by_name[service_name.rsplit(".", 1)[1]]
            triples.append((path, service, handler))
    return triples


MESSAGES = _common_messages()
METHODS = _common_methods()


def test_every_talos_v1_6_message_exists_here() -> None:
    matched = {theirs for _, _, theirs in MESSAGES}
    for _, module, _ in PACKAGES:
        messages = {
            cls
            for cls in vars(module).values()
            if isinstance(cls, type)
            and issubclass(cls, betterproto.Message)
            and cls.__module__ == module.__name__
        }
        assert messages - matched == set(), module.__name__
    assert len(MESSAGES) == 192  # all of Talos v1.6's messages in these seven packages
    assert {full.split(".")[0] for full, _, _ in MESSAGES} == {
        "common",
        "machine",
        "cluster",
        "storage",
        "time",
        "inspect",
        "securityapi",
    }


@pytest.mark.parametrize(("full_name", "ours", "theirs"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_message_fields_match_talos(full_name: str, ours: type[Message], theirs: type) -> None:
    assert structural_problems(ours.DESCRIPTOR, theirs) == []


@pytest.mark.parametrize(("full_name", "ours", "theirs"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_message_roundtrips_through_betterproto(full_name: str, ours: type[Message], theirs: type) -> None:
    assert roundtrip_problems(ours, theirs) == []


def test_machine_service_has_every_talos_v1_6_method() -> None:
    ours = {m.name for m in machine_pb2.DESCRIPTOR.services_by_name["MachineService"].methods}
    theirs = {path.rsplit("/", 1)[1] for path in _bp_handlers(bp_machine, "MachineServiceBase")}
    assert len(theirs) == 51
    assert theirs - ours == set()
    # methods Talos added after v1.6, present here
    assert {"CPUFreqStats", "LogsContainers", "EtcdDowngradeValidate"} <= ours - theirs


@pytest.mark.parametrize(("path", "service", "handler"), METHODS, ids=[m[0] for m in METHODS])
def test_method_signature_matches_talos(
    path: str, service: ServiceDescriptor, handler: grpclib.const.Handler
) -> None:
    method = service.methods_by_name[path.rsplit("/", 1)[1]]
    assert bp_name(method.input_type) == handler.request_type.__name__
    assert bp_name(method.output_type) == handler.reply_type.__name__
    assert method.client_streaming == handler.cardinality.value.client_streaming
    assert method.server_streaming == handler.cardinality.value.server_streaming
    for ours, theirs in ((method.input_type, handler.request_type), (method.output_type, handler.reply_type)):
        if ours.full_name.startswith("google.protobuf."):
            continue
        assert structural_problems(ours, theirs) == []
        assert roundtrip_problems(GetMessageClass(ours), theirs) == []


def test_checker_detects_a_renumbered_field() -> None:
    """The comparison itself can fail: a message whose field numbers are shifted is reported."""
    from google.protobuf import descriptor_pb2, descriptor_pool

    proto = descriptor_pb2.FileDescriptorProto()
    machine_pb2.DESCRIPTOR.CopyToProto(proto)
    proto.name, proto.package = "broken/machine.proto", "broken"
    del proto.service[:]
    del proto.dependency[:]
    version_info = next(m for m in proto.message_type if m.name == "VersionInfo")
    del proto.message_type[:]
    version_info.field[0].number, version_info.field[1].number = 2, 1  # tag <-> sha
    proto.message_type.append(version_info)
    broken = descriptor_pool.DescriptorPool().Add(proto).message_types_by_name["VersionInfo"]
    assert structural_problems(broken, bp_machine.VersionInfo) != []
    assert roundtrip_problems(GetMessageClass(broken), bp_machine.VersionInfo) != []


def test_fields_added_after_v1_6_are_known() -> None:
    """Our superset of v1.6 is deliberate: list a few fields Talos added later so a regression shows."""
    assert "report_xattrs" in ours_only_fields(machine_pb2.ListRequest.DESCRIPTOR, bp_machine.ListRequest)
    assert ours_only_fields(machine_pb2.VersionInfo.DESCRIPTOR, bp_machine.VersionInfo) == []
