"""From machined's Python objects to the Machine API's protobuf messages (Talos reply shapes)."""

from __future__ import annotations

import platform
import sys

from google.protobuf.timestamp_pb2 import Timestamp

import pytalos
from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.system.health import ServiceHealth
from pytalos.machined.system.service_runner import ServiceInfo

_GOARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "ppc64le": "ppc64le"}

#: Platform of a pytalos node: a process tree in a network namespace, validated like container mode.
PLATFORM_NAME = "container"
PLATFORM_MODE = "container"


def timestamp(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def metadata(hostname: str) -> common_pb2.Metadata:
    return common_pb2.Metadata(hostname=hostname)


def version_info() -> machine_pb2.VersionInfo:
    """``VersionInfo``: pytalos's version as the tag; the runtime (Python) in ``go_version``."""
    return machine_pb2.VersionInfo(
        tag=f"v{pytalos.__version__}",
        sha="",
        built="",
        go_version=f"python{platform.python_version()}",
        os=sys.platform if sys.platform != "linux2" else "linux",
        arch=_GOARCH.get(platform.machine(), platform.machine()),
    )


def version_reply(hostname: str, rbac: bool = True) -> machine_pb2.VersionResponse:
    return machine_pb2.VersionResponse(
        messages=[
            machine_pb2.Version(
                metadata=metadata(hostname),
                version=version_info(),
                platform=machine_pb2.PlatformInfo(name=PLATFORM_NAME, mode=PLATFORM_MODE),
                features=machine_pb2.FeaturesInfo(rbac=rbac),
            )
        ]
    )


def service_health(health: ServiceHealth) -> machine_pb2.ServiceHealth:
    out = machine_pb2.ServiceHealth(
        unknown=health.unknown, healthy=health.healthy, last_message=health.last_message
    )
    if health.last_change:
        out.last_change.CopyFrom(timestamp(health.last_change))
    return out


def service_info(info: ServiceInfo) -> machine_pb2.ServiceInfo:
    return machine_pb2.ServiceInfo(
        id=info.id,
        state=info.state,
        events=machine_pb2.ServiceEvents(
            events=[
                machine_pb2.ServiceEvent(msg=e.message, state=str(e.state), ts=timestamp(e.timestamp))
                for e in info.events
            ]
        ),
        health=service_health(info.health),
    )


def service_list_reply(hostname: str, services: list[ServiceInfo]) -> machine_pb2.ServiceListResponse:
    return machine_pb2.ServiceListResponse(
        messages=[
            machine_pb2.ServiceList(metadata=metadata(hostname), services=[service_info(s) for s in services])
        ]
    )
