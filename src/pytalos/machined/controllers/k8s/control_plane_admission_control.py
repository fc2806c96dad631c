"""``k8s.ControlPlaneAdmissionControlController``: ``AdmissionControlConfigs/admission-control``.

The admission plugin configurations (``cluster.apiServer.admissionControl`` or the
``KubeAdmissionControlConfig`` documents) rendered into kube-apiserver's admission config file.
"""

from __future__ import annotations

from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes import controlplane

from ._control_plane import ControlPlaneTransform


class ControlPlaneAdmissionControlController(ControlPlaneTransform):
    name = "k8s.ControlPlaneAdmissionControlController"
    output_type = cpres.ADMISSION_CONTROL_CONFIG_TYPE
    output_id = cpres.ADMISSION_CONTROL_CONFIG_ID

    def build(self, container: Container) -> Any:
        return cpres.AdmissionControlConfigSpec(controlplane.admission_plugins(container))
