"""``k8s.ControlPlaneSchedulerController``: ``SchedulerConfigs/kube-scheduler`` from the machine config.

Enabled flag, image, extra args/volumes/env, resources and the ``KubeSchedulerConfiguration``
overrides, from ``cluster.scheduler`` or the ``KubeSchedulerConfig`` document.
"""

from __future__ import annotations

from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes import controlplane

from ._control_plane import ControlPlaneTransform


class ControlPlaneSchedulerController(ControlPlaneTransform):
    name = "k8s.ControlPlaneSchedulerController"
    output_type = cpres.SCHEDULER_CONFIG_TYPE
    output_id = cpres.SCHEDULER_CONFIG_ID

    def build(self, container: Container) -> Any:
        return cpres.as_spec(cpres.SchedulerConfigSpec, controlplane.scheduler_settings(container))
