"""Control plane configs → rendered files → StaticPods, with the real PKI controllers upstream.

A generated control plane config goes through the Kubernetes secrets controllers, the
``ControlPlane*Controller``s and both render controllers (files land below a temporary node root);
``StaticPods`` appear only once the ``etcd`` service reports healthy, carry the versions of what was
rendered, and are removed when etcd's service goes away. A worker gets no control plane resources.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509

from pytalos.machined.controllers.k8s.control_plane_admission_control import (
    ControlPlaneAdmissionControlController,
)
from pytalos.machined.controllers.k8s.control_plane_apiserver import ControlPlaneAPIServerController
from pytalos.machined.controllers.k8s.control_plane_audit_policy import ControlPlaneAuditPolicyController
from pytalos.machined.controllers.k8s.control_plane_controller_manager import (
    ControlPlaneControllerManagerController,
)
from pytalos.machined.controllers.k8s.control_plane_scheduler import ControlPlaneSchedulerController
from pytalos.machined.controllers.k8s.control_plane_static_pod import ControlPlaneStaticPodController
from pytalos.machined.controllers.k8s.render_config_static_pod import RenderConfigsStaticPodController
from pytalos.machined.controllers.k8s.render_secrets_static_pod import RenderSecretsStaticPodController
from pytalos.machined.controllers.secrets.kubernetes import KubernetesController
from pytalos.machined.controllers.secrets.kubernetes_cert_sans import KubernetesCertSANsController
from pytalos.machined.controllers.secrets.kubernetes_dynamic_certs import KubernetesDynamicCertsController
from pytalos.machined.controllers.secrets.root_kubernetes import RootKubernetesController
from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machined.resources import k8s_pods, runtime, time
from pytalos.machined.runtime import Pointer, Resource
from pytalos.machined.runtime.testing import run

from .._helpers import failure_of, generated, harness, hostname, machine_config, machine_type, node_addresses

pytestmark = pytest.mark.unit

PODS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")


def _controllers(root: Path) -> list[Any]:
    return [
        RootKubernetesController(),
        KubernetesCertSANsController(),
        KubernetesDynamicCertsController(),
        KubernetesController(),
        ControlPlaneAPIServerController(),
        ControlPlaneControllerManagerController(),
        ControlPlaneSchedulerController(),
        ControlPlaneAdmissionControlController(),
        ControlPlaneAuditPolicyController(),
        RenderSecretsStaticPodController(root),
        RenderConfigsStaticPodController(root),
        ControlPlaneStaticPodController(),
    ]


def _etcd(healthy: bool) -> Resource[Any]:
    spec = runtime.ServiceSpec(running=True, healthy=healthy)
    return Resource.new(runtime.NAMESPACE, runtime.SERVICE_TYPE, "etcd", spec)


async def _inputs(h: Any, kind: str) -> None:
    await h.create(machine_config(generated(kind)))
    await h.create(machine_type(kind))
    await h.create(hostname("cp-1"))
    await h.create(node_addresses("accumulative", "10.5.0.2/24"))
    spec = time.TimeStatusSpec(True)
    await h.create(Resource.new(time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, spec))


def test_control_plane_static_pods(tmp_path: Path) -> None:
    async def body() -> None:
        async with harness(*_controllers(tmp_path)) as h:
            await _inputs(h, "controlplane")
            api = (await h.assert_resource(cpres.API_SERVER_CONFIG_TYPE, cpres.API_SERVER_CONFIG_ID)).spec
            assert api.control_plane_endpoint == "https://10.5.0.2:6443"
            assert api.to_yaml()["serviceCIDRs"] == ["10.96.0.0/12"]
            secrets = await h.assert_resource(cpres.SECRETS_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID)
            configs = await h.assert_resource(cpres.CONFIG_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID)
            # no pods before etcd is healthy
            await h.create(_etcd(healthy=False))
            await h.assert_no_resource(k8s_pods.STATIC_POD_TYPE, "kube-apiserver", timeout=0.3)

            def healthy(r: Resource[Any]) -> None:
                r.spec = runtime.ServiceSpec(running=True, healthy=True)

            await h.modify(Pointer(runtime.NAMESPACE, runtime.SERVICE_TYPE, "etcd"), healthy)
            pods = {p: (await h.assert_resource(k8s_pods.STATIC_POD_TYPE, p)).spec.pod for p in PODS}
            apiserver = pods["kube-apiserver"]
            annotations = apiserver["metadata"]["annotations"]
            assert annotations["talos.dev/secrets-version"] == secrets.spec.version
            assert annotations["talos.dev/config-file-version"] == configs.spec.version
            assert annotations["talos.dev/config-version"] == "1"
            assert apiserver["spec"]["containers"][0]["image"] == "registry.k8s.io/kube-apiserver:v1.31.2"
            assert "--secure-port=6443" in apiserver["spec"]["containers"][0]["command"]
            assert pods["kube-scheduler"]["spec"]["priorityClassName"] == "system-cluster-critical"

            # what the pods mount is on disk below the node root
            secrets_dir = tmp_path / "system/secrets/kubernetes/kube-apiserver"
            cert = x509.load_pem_x509_certificate((secrets_dir / "apiserver.crt").read_bytes())
            assert cert.subject.rfc4514_string().startswith("CN=kube-apiserver")
            etcd_client = x509.load_pem_x509_certificate((secrets_dir / "etcd-client.crt").read_bytes())
            assert etcd_client.subject.rfc4514_string() == "CN=kube-apiserver"
            assert stat.S_IMODE((secrets_dir / "apiserver.key").stat().st_mode) == 0o600
            assert b"PUBLIC KEY" in (secrets_dir / "service-account.pub").read_bytes()
            encryption = yaml.safe_load((secrets_dir / "encryptionconfig.yaml").read_text())
            assert encryption["kind"] == "EncryptionConfig"
            kubeconfig = yaml.safe_load(
                (tmp_path / "system/secrets/kubernetes/kube-scheduler/kubeconfig").read_text()
            )
            assert kubeconfig["kind"] == "Config" and kubeconfig["users"][0]["user"]["client-key-data"]
            config_dir = tmp_path / "system/config/kubernetes"
            admission = yaml.safe_load(
                (config_dir / "kube-apiserver/admission-control-config.yaml").read_text()
            )
            assert [p["name"] for p in admission["plugins"]] == ["PodSecurity"]
            audit = yaml.safe_load((config_dir / "kube-apiserver/auditpolicy.yaml").read_text())
            assert audit["kind"] == "Policy"
            sched = yaml.safe_load((config_dir / "kube-scheduler/scheduler-config.yaml").read_text())
            assert sched["clientConnection"]["kubeconfig"].endswith("kube-scheduler/kubeconfig")

            # etcd's service gone: every static pod is torn down
            await h.destroy(Pointer(runtime.NAMESPACE, runtime.SERVICE_TYPE, "etcd"))
            for p in PODS:
                await h.assert_no_resource(k8s_pods.STATIC_POD_TYPE, p)

    run(body())


def test_denied_extra_arg_fails_with_the_flag_named(tmp_path: Path) -> None:
    text = generated("controlplane").replace(
        b"kind: KubeAPIServerConfig\n",
        b"kind: KubeAPIServerConfig\nextraArgs:\n    tls-cert-file: /mine.crt\n",
    )
    assert b"tls-cert-file" in text

    async def body() -> None:
        async with harness(*_controllers(tmp_path)) as h:
            await h.create(machine_config(text))
            await h.create(machine_type("controlplane"))
            await h.create(hostname("cp-1"))
            await h.create(node_addresses("accumulative", "10.5.0.2/24"))
            spec = time.TimeStatusSpec(True)
            await h.create(Resource.new(time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, spec))
            await h.create(_etcd(healthy=True))
            error = await failure_of(h, "k8s.ControlPlaneStaticPodController")
            assert "kube-apiserver extraArgs.tls-cert-file: extra arg not allowed" in error
            for pod in PODS:  # like Talos, the failed render stops the whole update
                await h.assert_no_resource(k8s_pods.STATIC_POD_TYPE, pod, timeout=0.1)

    run(body())


def test_worker_has_no_control_plane_resources(tmp_path: Path) -> None:
    async def body() -> None:
        async with harness(*_controllers(tmp_path)) as h:
            await _inputs(h, "worker")
            await h.create(_etcd(healthy=True))
            await h.assert_no_resource(cpres.API_SERVER_CONFIG_TYPE, cpres.API_SERVER_CONFIG_ID, timeout=0.3)
            await h.assert_no_resource(cpres.SCHEDULER_CONFIG_TYPE, cpres.SCHEDULER_CONFIG_ID, timeout=0.1)
            await h.assert_no_resource(k8s_pods.STATIC_POD_TYPE, "kube-apiserver", timeout=0.1)
            assert not (tmp_path / "system").exists()

    run(body())
