"""Resources of the ``controlplane`` namespace: what the control plane pods are rendered from.

* ``APIServerConfigs/kube-apiserver``, ``ControllerManagerConfigs/kube-controller-manager``,
  ``SchedulerConfigs/kube-scheduler``: the components' settings from the machine config;
* ``AdmissionControlConfigs/admission-control``, ``AuditPolicyConfigs/audit-policy``;
* ``SecretStatuses/static-pods``, ``ConfigStatuses/static-pods``: the version of the files last
  rendered to the node for the pods (the pods' ``talos.dev/secrets-version`` and
  ``talos.dev/config-file-version`` annotations).

Names, IDs and namespaces are Talos's (``pkg/machinery/resources/k8s``); the specs reuse the
settings dataclasses of :mod:`pytalos.machinery.kubernetes.controlplane`, whose fields carry Talos's
YAML keys.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from pytalos.machined.runtime import define
from pytalos.machinery.kubernetes import controlplane as cp

from ._spec import Spec, yaml

NAMESPACE = "controlplane"

API_SERVER_CONFIG_TYPE = "APIServerConfigs.kubernetes.talos.dev"
CONTROLLER_MANAGER_CONFIG_TYPE = "ControllerManagerConfigs.kubernetes.talos.dev"
SCHEDULER_CONFIG_TYPE = "SchedulerConfigs.kubernetes.talos.dev"
ADMISSION_CONTROL_CONFIG_TYPE = "AdmissionControlConfigs.kubernetes.talos.dev"
AUDIT_POLICY_CONFIG_TYPE = "AuditPolicyConfigs.kubernetes.talos.dev"
SECRETS_STATUS_TYPE = "SecretStatuses.kubernetes.talos.dev"
CONFIG_STATUS_TYPE = "ConfigStatuses.kubernetes.talos.dev"

API_SERVER_CONFIG_ID = "kube-apiserver"
CONTROLLER_MANAGER_CONFIG_ID = "kube-controller-manager"
SCHEDULER_CONFIG_ID = "kube-scheduler"
ADMISSION_CONTROL_CONFIG_ID = "admission-control"
AUDIT_POLICY_CONFIG_ID = "audit-policy"
STATIC_POD_STATUS_ID = "static-pods"

DEFINITIONS = (
    define(API_SERVER_CONFIG_TYPE, NAMESPACE, sensitive=True),
    define(CONTROLLER_MANAGER_CONFIG_TYPE, NAMESPACE),
    define(SCHEDULER_CONFIG_TYPE, NAMESPACE),
    define(ADMISSION_CONTROL_CONFIG_TYPE, NAMESPACE),
    define(AUDIT_POLICY_CONFIG_TYPE, NAMESPACE, sensitive=True),
    define(
        SECRETS_STATUS_TYPE,
        NAMESPACE,
        print_columns=(("Ready", "{.ready}"), ("Secrets Version", "{.version}")),
    ),
    define(CONFIG_STATUS_TYPE, NAMESPACE, print_columns=(("Ready", "{.ready}"), ("Version", "{.version}"))),
)


@dataclasses.dataclass(frozen=True)
class APIServerConfigSpec(Spec, cp.APIServerSettings):
    """``k8s.APIServerConfigSpec``."""


@dataclasses.dataclass(frozen=True)
class ControllerManagerConfigSpec(Spec, cp.ControllerManagerSettings):
    """``k8s.ControllerManagerConfigSpec``."""


@dataclasses.dataclass(frozen=True)
class SchedulerConfigSpec(Spec, cp.SchedulerSettings):
    """``k8s.SchedulerConfigSpec``."""


@dataclasses.dataclass(frozen=True)
class AdmissionControlConfigSpec(Spec):
    """``k8s.AdmissionControlConfigSpec``."""

    config: tuple[cp.AdmissionPlugin, ...] = field(default=(), metadata=yaml("config"))


@dataclasses.dataclass(frozen=True)
class AuditPolicyConfigSpec(Spec):
    """``k8s.AuditPolicyConfigSpec``."""

    config: dict[str, Any] = field(default_factory=dict, metadata=yaml("config"))


@dataclasses.dataclass(frozen=True)
class StaticPodFilesStatusSpec(Spec):
    """``k8s.SecretsStatusSpec`` / ``k8s.ConfigStatusSpec``."""

    ready: bool = field(default=False, metadata=yaml("ready"))
    version: str = field(default="", metadata=yaml("version"))


def as_spec(cls: type[Any], settings: Any) -> Any:
    """The resource spec ``cls`` with the values of the machinery settings object ``settings``."""
    return cls(**{f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)})
