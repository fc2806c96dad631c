"""The read-only COSI ``cosi.resource.State`` service over the node's resource state (``talosctl get``).

Talos serves COSI to API clients through an access filter (``internal/app/resources/access.go``):
only the read verbs are allowed (every write answers ``PermissionDenied: write access is not
allowed``), a type without a resource definition is ``PermissionDenied: resource type "X" is not
supported``, a namespace nobody registered is ``PermissionDenied: namespace "X" is not supported``,
and sensitive types (machine config, secrets) need ``os:admin`` (``not authorized`` otherwise). The
``meta`` namespace -- ``ResourceDefinitions`` and ``Namespaces``, which talosctl lists to resolve
type aliases -- is synthesized from the registry, since machined keeps no resources for it.

Resources go out as Talos sends them: metadata with the version as text, the spec as YAML
(``yaml_spec``; ``proto_spec`` stays empty, the client does not need it). ``Watch`` is
:mod:`.cosi_watch`'s, with the same access rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from google.protobuf.timestamp_pb2 import Timestamp
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.authz import caller_roles
from pytalos.api.gen.v1alpha1 import resource_pb2, state_pb2
from pytalos.machined.resources import (
    META_NAMESPACE,
    NAMESPACE_TYPE,
    NAMESPACES,
    RESOURCE_DEFINITION_TYPE,
)
from pytalos.machined.resources._spec import encode
from pytalos.machined.runtime import NotFoundError, Pointer, Resource, ResourceDefinition, ResourceRegistry
from pytalos.machinery.yamlx import dumps

from .cosi_watch import WatchApi
from .machine import ADMIN, READ_ROLES, authorize

WRITE_DENIED = "write access is not allowed"


class ResourceReader(Protocol):
    """What the service reads: the node's :class:`~pytalos.machined.runtime.State` (or a test double)."""

    async def get(self, ptr: Pointer) -> Resource[Any]: ...

    async def list(self, namespace: str, type: str) -> list[Resource[Any]]: ...


def _timestamp(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def spec_yaml(spec: Any) -> str:
    """The spec as Talos's YAML (keys and order of the Go structs, strings for MachineConfig)."""
    data = encode(spec)
    if isinstance(data, str):  # a block scalar document, indented like go-yaml writes it
        return dumps({"spec": data})[len("spec: ") :]
    return dumps(data)


def resource_message(res: Resource[Any]) -> resource_pb2.Resource:
    meta = res.metadata
    out = resource_pb2.Metadata(
        namespace=meta.namespace,
        type=meta.type,
        id=meta.id,
        version=str(meta.version),
        owner=meta.owner,
        phase=meta.phase.value,
        finalizers=list(meta.finalizers),
    )
    out.created.CopyFrom(_timestamp(meta.created))
    out.updated.CopyFrom(_timestamp(meta.updated))
    out.labels.update(meta.labels)
    out.annotations.update(meta.annotations)
    return resource_pb2.Resource(metadata=out, spec=resource_pb2.Spec(yaml_spec=spec_yaml(res.spec)))


def definition_spec(d: ResourceDefinition) -> dict[str, Any]:
    """COSI ``ResourceDefinitionSpec`` as YAML data (field order and ``sensitivity,omitempty``)."""
    out: dict[str, Any] = {
        "type": d.type,
        "displayType": d.display_type,
        "defaultNamespace": d.default_namespace,
        "aliases": list(d.aliases),
        "allAliases": list(d.all_aliases),
        "printColumns": [{"name": name, "jsonPath": path} for name, path in d.print_columns],
    }
    if d.sensitive:
        out["sensitivity"] = d.sensitivity.value
    return out


class MetaResources:
    """The ``meta`` namespace, built once from a registry (version 1, created when the node started)."""

    def __init__(self, registry: ResourceRegistry, created: float) -> None:
        self._items: dict[str, dict[str, Resource[Any]]] = {RESOURCE_DEFINITION_TYPE: {}, NAMESPACE_TYPE: {}}
        for d in registry:
            self._add(RESOURCE_DEFINITION_TYPE, d.id, definition_spec(d), created)
        for name, description in NAMESPACES:
            self._add(NAMESPACE_TYPE, name, {"description": description}, created)
        self.namespaces = frozenset(name for name, _ in NAMESPACES)

    def _add(self, type: str, id: str, spec: dict[str, Any], created: float) -> None:
        self._items[type][id] = Resource.new(
            META_NAMESPACE, type, id, spec, version=1, created=created, updated=created
        )

    def list(self, type: str) -> list[Resource[Any]]:
        return [self._items[type][k] for k in sorted(self._items.get(type, {}))]

    def get(self, type: str, id: str) -> Resource[Any] | None:
        return self._items.get(type, {}).get(id)


def not_found(namespace: str, type: str, id: str) -> GRPCError:
    """COSI's NotFound text: ``resource Type(namespace/id@undefined) doesn't exist``."""
    return GRPCError(Status.NOT_FOUND, f"resource {type}({namespace}/{id}@undefined) doesn't exist")


class ResourceStateApi(WatchApi):
    """``cosi.resource.State`` for API clients: Get and List only, with Talos's access rules."""

    def __init__(
        self, reader: Callable[[], ResourceReader | None], registry: ResourceRegistry, created: float
    ) -> None:
        self._reader = reader
        self.registry = registry
        self.meta = MetaResources(registry, created)

    def _check(self, stream: Stream[Any, Any], namespace: str, type: str) -> None:
        authorize(stream, READ_ROLES)
        definition = self.registry.find(type)
        if definition is None:
            raise GRPCError(Status.PERMISSION_DENIED, f'resource type "{type}" is not supported')
        if definition.sensitive and ADMIN not in caller_roles(stream):
            raise GRPCError(Status.PERMISSION_DENIED, "not authorized")
        if namespace not in self.meta.namespaces:
            raise GRPCError(Status.PERMISSION_DENIED, f'namespace "{namespace}" is not supported')

    def _state(self) -> ResourceReader:
        reader = self._reader()
        if reader is None:
            raise GRPCError(
                Status.UNAVAILABLE, "resource state is not available: controller runtime not running"
            )
        return reader

    async def Get(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        assert request is not None
        ns, type, id = request.namespace, request.type, request.id
        self._check(stream, ns, type)
        if ns == META_NAMESPACE:
            found = self.meta.get(type, id)
            if found is None:
                raise not_found(ns, type, id)
            res = found
        else:
            try:
                res = await self._state().get(Pointer(ns, type, id))
            except NotFoundError:
                raise not_found(ns, type, id) from None
        await stream.send_message(state_pb2.GetResponse(resource=resource_message(res)))

    async def List(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        assert request is not None
        ns, type = request.namespace, request.type
        self._check(stream, ns, type)
        items = self.meta.list(type) if ns == META_NAMESPACE else await self._state().list(ns, type)
        for res in items:
            await stream.send_message(state_pb2.ListResponse(resource=resource_message(res)))

    async def _deny(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        raise GRPCError(Status.PERMISSION_DENIED, WRITE_DENIED)

    async def Create(self, stream: Stream[Any, Any]) -> None:
        await self._deny(stream)

    async def Update(self, stream: Stream[Any, Any]) -> None:
        await self._deny(stream)

    async def Destroy(self, stream: Stream[Any, Any]) -> None:
        await self._deny(stream)

    async def Teardown(self, stream: Stream[Any, Any]) -> None:
        await self._deny(stream)

    async def TeardownAndDestroy(self, stream: Stream[Any, Any]) -> None:
        await self._deny(stream)
