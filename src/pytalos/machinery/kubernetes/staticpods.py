"""The control plane static pods as Talos renders them (``k8stemplates`` + ``control_plane_static_pod.go``).

Each builder returns the ``v1.Pod`` as plain data (what :func:`.k8syaml.marshal` prints and the static
pod server serves): the command is Talos's default flags merged with the user's ``extraArgs`` under
Talos's merge policies (flags pointing at certificates, kubeconfigs and etcd are denied), the pod runs
on the host network as a fixed non-root user with a read-only root filesystem, all capabilities
dropped (kube-apiserver keeps ``NET_BIND_SERVICE``), the RuntimeDefault seccomp profile, priority
``system-cluster-critical``; secrets and configs are host paths under ``/system/secrets/kubernetes``
and ``/system/config/kubernetes`` (:mod:`.podfiles` renders them). Annotations carry the versions
of the rendered secrets/config files so the kubelet restarts the pod when they change.
"""

from __future__ import annotations

import re
from typing import Any

from .componentargs import (
    APISERVER_CONFIG,
    APISERVER_SECRETS,
    AUDIT_LOG_DIR,
    CONTROLLER_MANAGER_SECRETS,
    SCHEDULER_CONFIG,
    SCHEDULER_SECRETS,
    api_server_args,
    controller_manager_args,
    image_version,
    scheduler_args,
)
from .controlplane import (
    APIServerSettings,
    ControllerManagerSettings,
    ExtraVolume,
    Resources,
    SchedulerSettings,
)

APISERVER_ID = "kube-apiserver"
CONTROLLER_MANAGER_ID = "kube-controller-manager"
SCHEDULER_ID = "kube-scheduler"

ANNOTATION_SECRETS_VERSION = "talos.dev/secrets-version"
ANNOTATION_CONFIG_VERSION = "talos.dev/config-version"
ANNOTATION_CONFIG_FILE_VERSION = "talos.dev/config-file-version"
SYSTEM_CRITICAL_PRIORITY = 2000000000
GO_GC_MEM_LIMIT_PERCENTAGE = 95

# --- quantities ---------------------------------------------------------------------------------

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"m": 10**-3, "": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([a-zA-Z]*)$")


class QuantityError(ValueError):
    """A resource request/limit that is not a Kubernetes quantity (names the field)."""


def quantity_value(text: str, what: str) -> int:
    """``resource.Quantity.Value()`` (rounded up) of ``text``; raises :class:`QuantityError`."""
    match = _QUANTITY.match(text.strip())
    suffix = match[2] if match else ""
    if match is None or (suffix not in _BINARY and suffix not in _DECIMAL):
        raise QuantityError(f"error parsing {what}: quantities must match the regular expression")
    number = float(match[1])
    value = number * (_BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix])
    return int(-(-value // 1))


def _resources(config: Resources, cpu: str, memory: str, what: str) -> dict[str, Any]:
    requests = {"cpu": cpu, "memory": memory}
    limits: dict[str, str] = {}
    for section, target, label in ((config.requests, requests, "request"), (config.limits, limits, "limit")):
        for name in ("cpu", "memory"):
            value = section.get(name, "")
            if value:
                quantity_value(value, f"{what} {'CPU' if name == 'cpu' else name} {label}")
                target[name] = value
    out: dict[str, Any] = {"requests": requests}
    if limits:
        out = {"limits": limits, "requests": requests}
    return out


def _env(settings_env: dict[str, str], resources: dict[str, Any], what: str) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}]
    for name in sorted(settings_env):
        env.append({"name": name, "value": settings_env[name].replace("$", "$$")})
    memory = resources.get("limits", {}).get("memory")
    if memory:
        limit = quantity_value(memory, f"{what} memory limit") * GO_GC_MEM_LIMIT_PERCENTAGE // 100
        env.append({"name": "GOMEMLIMIT", "value": str(limit)})
    return env


def _host_volume(name: str, path: str) -> dict[str, Any]:
    return {"hostPath": {"path": path}, "name": name}


def _mount(name: str, path: str, read_only: bool) -> dict[str, Any]:
    return {"mountPath": path, "name": name, **({"readOnly": True} if read_only else {})}


_EPHEMERAL_MOUNTS = [_mount("tmp", "/tmp", False), _mount("run", "/var/run/kubernetes", False)]
_EPHEMERAL_VOLUMES = [
    {"emptyDir": {"medium": "Memory"}, "name": "tmp"},
    {"emptyDir": {"medium": "Memory"}, "name": "run"},
]


def _extra(volumes: tuple[ExtraVolume, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mounts = [_mount(v.name, v.mount_path, v.read_only) for v in volumes]
    return mounts, [_host_volume(v.name, v.host_path) for v in volumes]


def _probe(path: str, port: int, **extra: int) -> dict[str, Any]:
    return {
        "httpGet": {"host": "localhost", "path": path, "port": port, "scheme": "HTTPS"},
        "timeoutSeconds": 15,
        **extra,
    }


def _pod(
    name: str,
    image: str,
    annotations: dict[str, str],
    container: dict[str, Any],
    uid: int,
    volumes: list[dict[str, Any]],
    security_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    capabilities: dict[str, Any] = {"drop": ["ALL"]}
    if name == APISERVER_ID:
        capabilities = {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}
    container = {
        **container,
        "image": image,
        "name": name,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": capabilities,
            "readOnlyRootFilesystem": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "annotations": annotations,
            "labels": {
                "app.kubernetes.io/component": "control-plane",
                "app.kubernetes.io/managed-by": "Talos",
                "app.kubernetes.io/name": name,
                "app.kubernetes.io/version": image_version(image),
                "component": name,
                "k8s-app": name,
                "tier": "control-plane",
            },
            "name": name,
            "namespace": "kube-system",
        },
        "spec": {
            "containers": [container],
            "hostNetwork": True,
            "priority": SYSTEM_CRITICAL_PRIORITY,
            "priorityClassName": "system-cluster-critical",
            "securityContext": {
                "runAsGroup": uid,
                "runAsNonRoot": True,
                "runAsUser": uid,
                **(security_extra or {}),
            },
            "volumes": volumes,
        },
        "status": {},
    }


def api_server_pod(
    settings: APIServerSettings, secrets_version: str, config_file_version: str, config_version: str
) -> dict[str, Any]:
    """The kube-apiserver pod (raises ``ArgsError``/``QuantityError`` naming the config field)."""
    resources = _resources(settings.resources, "200m", "512Mi", "kube-apiserver")
    mounts, volumes = _extra(settings.extra_volumes)
    container = {
        "command": api_server_args(settings),
        "env": _env(settings.environment_variables, resources, "kube-apiserver"),
        "resources": resources,
        "volumeMounts": [
            _mount("secrets", APISERVER_SECRETS, True),
            _mount("config", APISERVER_CONFIG, True),
            _mount("audit", AUDIT_LOG_DIR, False),
            *_EPHEMERAL_MOUNTS,
            *mounts,
        ],
    }
    return _pod(
        APISERVER_ID,
        settings.image,
        {
            ANNOTATION_CONFIG_FILE_VERSION: config_file_version,
            ANNOTATION_CONFIG_VERSION: config_version,
            ANNOTATION_SECRETS_VERSION: secrets_version,
        },
        container,
        65534,
        [
            _host_volume("secrets", APISERVER_SECRETS),
            _host_volume("config", APISERVER_CONFIG),
            _host_volume("audit", AUDIT_LOG_DIR),
            *_EPHEMERAL_VOLUMES,
            *volumes,
        ],
        {"seLinuxOptions": {"level": "s0:c1020,c1021"}},
    )


def controller_manager_pod(
    settings: ControllerManagerSettings, secrets_version: str, config_version: str
) -> dict[str, Any]:
    resources = _resources(settings.resources, "50m", "256Mi", "kube-controller-manager")
    mounts, volumes = _extra(settings.extra_volumes)
    container = {
        "command": controller_manager_args(settings),
        "env": _env(settings.environment_variables, resources, "kube-controller-manager"),
        "livenessProbe": _probe("/healthz", 10257),
        "resources": resources,
        "startupProbe": _probe("/healthz", 10257, failureThreshold=12, periodSeconds=5),
        "volumeMounts": [_mount("secrets", CONTROLLER_MANAGER_SECRETS, True), *_EPHEMERAL_MOUNTS, *mounts],
    }
    return _pod(
        CONTROLLER_MANAGER_ID,
        settings.image,
        {ANNOTATION_CONFIG_VERSION: config_version, ANNOTATION_SECRETS_VERSION: secrets_version},
        container,
        65535,
        [_host_volume("secrets", CONTROLLER_MANAGER_SECRETS), *_EPHEMERAL_VOLUMES, *volumes],
    )


def scheduler_pod(settings: SchedulerSettings, secrets_version: str, config_version: str) -> dict[str, Any]:
    resources = _resources(settings.resources, "10m", "64Mi", "kube-scheduler")
    mounts, volumes = _extra(settings.extra_volumes)
    container = {
        "command": scheduler_args(settings),
        "env": _env(settings.environment_variables, resources, "kube-scheduler"),
        "livenessProbe": _probe("/livez", 10259),
        "readinessProbe": _probe("/readyz", 10259),
        "resources": resources,
        "startupProbe": _probe("/livez", 10259, failureThreshold=12, periodSeconds=5),
        "volumeMounts": [
            _mount("secrets", SCHEDULER_SECRETS, True),
            _mount("config", SCHEDULER_CONFIG, True),
            *_EPHEMERAL_MOUNTS,
            *mounts,
        ],
    }
    return _pod(
        SCHEDULER_ID,
        settings.image,
        {ANNOTATION_CONFIG_VERSION: config_version, ANNOTATION_SECRETS_VERSION: secrets_version},
        container,
        65536,
        [
            _host_volume("secrets", SCHEDULER_SECRETS),
            _host_volume("config", SCHEDULER_CONFIG),
            *_EPHEMERAL_VOLUMES,
            *volumes,
        ],
    )
