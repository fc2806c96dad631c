"""Reading COSI resources from a node (``cosi.resource.State`` Get/List) and resolving type aliases.

:func:`resolve_kind` is Talos's ``Client.ResolveResourceKind``: list the node's
``ResourceDefinitions`` (namespace ``meta``), match the name against each definition's id (the
lower-cased type) or any of its ``allAliases``, case-insensitively; several matches are
``InvalidArgument: resource type "x" is ambiguous: [...]``, none ``NotFound: resource "x" is not
registered``. Resources come back as :class:`RemoteResource`: the metadata and the spec decoded from
its YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.gen.v1alpha1 import resource_pb2, state_grpc, state_pb2
from pytalos.machinery.yamlx import loads

from .nodeclient import CALL_TIMEOUT

META_NAMESPACE = "meta"
RESOURCE_DEFINITION_TYPE = "ResourceDefinitions.meta.cosi.dev"


@dataclass(frozen=True)
class RemoteResource:
    """A resource as the node sent it; ``version`` stays the wire text, ``spec`` is decoded YAML."""

    namespace: str
    type: str
    id: str
    version: str
    owner: str
    phase: str
    created: str
    updated: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    finalizers: list[str] = field(default_factory=list)
    spec: Any = None


def _rfc3339(ts: Any) -> str:
    """Go's ``time.Format(time.RFC3339)`` of a UTC timestamp."""
    return datetime.fromtimestamp(ts.seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode(message: resource_pb2.Resource) -> RemoteResource:
    meta = message.metadata
    yaml_spec = message.spec.yaml_spec
    return RemoteResource(
        namespace=meta.namespace,
        type=meta.type,
        id=meta.id,
        version=meta.version,
        owner=meta.owner,
        phase=meta.phase,
        created=_rfc3339(meta.created),
        updated=_rfc3339(meta.updated),
        labels=dict(meta.labels),
        annotations=dict(meta.annotations),
        finalizers=list(meta.finalizers),
        spec=_spec(yaml_spec),
    )


def _spec(yaml_spec: str) -> Any:
    """The decoded spec; YAML this client cannot read is kept as its text rather than failing."""
    if not yaml_spec:
        return None
    try:
        return loads(yaml_spec)
    except ValueError:
        return yaml_spec


async def list_resources(
    channel: Channel, metadata: dict[str, str], namespace: str, type: str
) -> list[RemoteResource]:
    stub = state_grpc.StateStub(channel)
    request = state_pb2.ListRequest(namespace=namespace, type=type)
    replies = await stub.List(request, timeout=CALL_TIMEOUT, metadata=metadata)
    return [decode(r.resource) for r in replies if r.HasField("resource")]


async def get_resource(
    channel: Channel, metadata: dict[str, str], namespace: str, type: str, id: str
) -> RemoteResource:
    stub = state_grpc.StateStub(channel)
    request = state_pb2.GetRequest(namespace=namespace, type=type, id=id)
    reply = await stub.Get(request, timeout=CALL_TIMEOUT, metadata=metadata)
    return decode(reply.resource)


@dataclass(frozen=True)
class Definition:
    """The parts of a ``ResourceDefinitionSpec`` talosctl uses."""

    id: str
    type: str
    display_type: str
    default_namespace: str
    all_aliases: tuple[str, ...]
    print_columns: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, res: RemoteResource) -> Definition:
        spec = res.spec if isinstance(res.spec, dict) else {}
        columns = tuple(
            (str(c.get("name", "")), str(c.get("jsonPath", ""))) for c in spec.get("printColumns") or ()
        )
        return cls(
            id=res.id,
            type=str(spec.get("type", "")),
            display_type=str(spec.get("displayType", "")),
            default_namespace=str(spec.get("defaultNamespace", "")),
            all_aliases=tuple(str(a) for a in spec.get("allAliases") or ()),
            print_columns=columns,
        )


async def definitions(channel: Channel, metadata: dict[str, str]) -> list[Definition]:
    return [
        Definition.of(r)
        for r in await list_resources(channel, metadata, META_NAMESPACE, RESOURCE_DEFINITION_TYPE)
    ]


def resolve_kind(defs: list[Definition], name: str) -> Definition:
    """Talos's ``ResolveResourceKind`` over already listed definitions (see the module docstring)."""
    low = name.lower()
    matched = [d for d in defs if d.id.lower() == low or any(a.lower() == low for a in d.all_aliases)]
    if len(matched) == 1:
        return matched[0]
    if matched:
        ids = " ".join(d.id for d in matched)
        raise GRPCError(Status.INVALID_ARGUMENT, f'resource type "{name}" is ambiguous: [{ids}]')
    raise GRPCError(Status.NOT_FOUND, f'resource "{name}" is not registered')
