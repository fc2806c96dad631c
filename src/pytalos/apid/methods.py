"""What apid knows about the methods it proxies: their gRPC shapes, and a codec that leaves bytes alone.

apid never decodes a request or a reply (Talos's grpc-proxy uses a raw codec too); it only needs to
know each method's cardinality, which the generated descriptors of our protos give. Methods outside
these protos are not served (``Unimplemented``), since no node could answer them either.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from grpclib.const import Cardinality
from grpclib.encoding.base import CodecBase

from pytalos.api.gen.cluster import cluster_pb2
from pytalos.api.gen.inspect import inspect_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.api.gen.storage import storage_pb2
from pytalos.api.gen.time import time_pb2
from pytalos.api.gen.v1alpha1 import state_pb2

_MODULES = (machine_pb2, cluster_pb2, inspect_pb2, storage_pb2, time_pb2, state_pb2)


_CARDINALITY = {(c.value.client_streaming, c.value.server_streaming): c for c in Cardinality}


class RawCodec(CodecBase):
    """Messages are the serialized protobuf bytes, in and out."""

    __content_subtype__ = "proto"

    def encode(self, message: Any, message_type: Any) -> bytes:
        return bytes(message)

    def decode(self, data: bytes, message_type: Any) -> bytes:
        return bytes(data)


@cache
def catalogue() -> dict[str, Cardinality]:
    """Every proxied method's full path (``/machine.MachineService/Version``) and cardinality."""
    out: dict[str, Cardinality] = {}
    for module in _MODULES:
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                shape = (bool(method.client_streaming), bool(method.server_streaming))
                out[f"/{service.full_name}/{method.name}"] = _CARDINALITY[shape]
    return out
