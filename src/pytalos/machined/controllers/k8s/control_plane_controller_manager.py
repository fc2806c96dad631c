"""``k8s.ControlPlaneControllerManagerController``: ``ControllerManagerConfigs/kube-controller-manager``.

Enabled flag, image, pod and service CIDRs, extra args/volumes/env, resources, external cloud
provider, from ``cluster.controllerManager`` or the ``KubeControllerManagerConfig`` document.
"""

from __future__ import annotations

from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes import controlplane

from ._control_plane import ControlPlaneTransform


class ControlPlaneControllerManagerController(ControlPlaneTransform):
    name = "k8s.ControlPlaneControllerManagerController"
    output_type = cpres.CONTROLLER_MANAGER_CONFIG_TYPE
    output_id = cpres.CONTROLLER_MANAGER_CONFIG_ID

    def build(self, container: Container) -> Any:
        settings = controlplane.controller_manager_settings(container)
        return cpres.as_spec(cpres.ControllerManagerConfigSpec, settings)
