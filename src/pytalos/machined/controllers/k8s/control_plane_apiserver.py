"""``k8s.ControlPlaneAPIServerController``: ``APIServerConfigs/kube-apiserver`` from the machine config.

Image, endpoint (``api-audiences``/``service-account-issuer``), local port, service CIDRs, extra
args/volumes/env, resources, the external cloud provider and the authorizers, from
``cluster.apiServer`` or the ``KubeAPIServerConfig``/``KubeAuthorizerConfig`` documents.
"""

from __future__ import annotations

from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes import controlplane

from ._control_plane import ControlPlaneTransform


class ControlPlaneAPIServerController(ControlPlaneTransform):
    name = "k8s.ControlPlaneAPIServerController"
    output_type = cpres.API_SERVER_CONFIG_TYPE
    output_id = cpres.API_SERVER_CONFIG_ID

    def build(self, container: Container) -> Any:
        return cpres.as_spec(cpres.APIServerConfigSpec, controlplane.api_server_settings(container))
