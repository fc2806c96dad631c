"""``k8s.RenderSecretsStaticPodController``: the control plane's secrets on the node's disk.

From ``KubernetesRootSecrets/k8s`` (CAs, service-account key, encryption secrets),
``KubernetesDynamicCerts/k8s-dynamic-certs`` (apiserver, kubelet client, front-proxy) and
``KubernetesSecrets/k8s-certs`` (controller-manager and scheduler kubeconfigs), plus an etcd client
certificate for kube-apiserver issued from the config's etcd CA (``cluster.etcd.ca``, once per CA),
the files of :func:`pytalos.machinery.kubernetes.podfiles.secret_files` are written below the node
root. Then ``SecretStatuses/static-pods`` records the version (the inputs' versions joined), which
the static pods carry as ``talos.dev/secrets-version``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from pytalos.machined.etcd.pki import issue_client_cert
from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machined.resources import k8s_secrets as ks
from pytalos.machined.runtime import Input, InputKind, Output, Pointer, Reconciler, Runtime
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.kubernetes import podfiles

from .._common import MACHINE_CONFIG_INPUT, config_view, put, remove
from ._files import write_files

ETCD_CLIENT_COMMON_NAME = "kube-apiserver"


class RenderSecretsStaticPodController(Reconciler):
    name = "k8s.RenderSecretsStaticPodController"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._etcd_client: tuple[bytes, CertificateAndKey] | None = None
        self._written: str | None = None

    def inputs(self) -> Sequence[Input]:
        ns = ks.NAMESPACE
        return [
            MACHINE_CONFIG_INPUT,
            Input(ns, ks.KUBERNETES_ROOT_TYPE, ks.KUBERNETES_ROOT_ID, InputKind.WEAK),
            Input(ns, ks.KUBERNETES_DYNAMIC_CERTS_TYPE, ks.KUBERNETES_DYNAMIC_CERTS_ID, InputKind.WEAK),
            Input(ns, ks.KUBERNETES_TYPE, ks.KUBERNETES_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(cpres.SECRETS_STATUS_TYPE)]

    async def _etcd_pair(self, ca: CertificateAndKey) -> CertificateAndKey:
        if self._etcd_client is None or self._etcd_client[0] != ca.crt:
            pair = await asyncio.to_thread(issue_client_cert, ca, ETCD_CLIENT_COMMON_NAME)
            self._etcd_client = (ca.crt, pair)
        return self._etcd_client[1]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        ns = ks.NAMESPACE
        root = await rt.get_or_none(Pointer(ns, ks.KUBERNETES_ROOT_TYPE, ks.KUBERNETES_ROOT_ID))
        dynamic = await rt.get_or_none(
            Pointer(ns, ks.KUBERNETES_DYNAMIC_CERTS_TYPE, ks.KUBERNETES_DYNAMIC_CERTS_ID)
        )
        kubeconfigs = await rt.get_or_none(Pointer(ns, ks.KUBERNETES_TYPE, ks.KUBERNETES_ID))
        view = await config_view(rt)
        status = (cpres.NAMESPACE, cpres.SECRETS_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID)
        if root is None or dynamic is None or kubeconfigs is None or view is None:
            self._written = None
            await remove(rt, *status)
            return
        r: ks.KubernetesRootSpec = root.spec
        d: ks.KubernetesDynamicCertsSpec = dynamic.spec
        k: ks.KubernetesCertsSpec = kubeconfigs.spec
        etcd_ca = view.etcd.root_ca
        if etcd_ca is None or not etcd_ca.crt.data or not etcd_ca.key.data:
            raise ValueError("static pod secrets: the machine config has no etcd CA (cluster.etcd.ca)")
        if r.issuing_ca is None or r.aggregator_ca is None or r.service_account is None:
            raise ValueError(
                "static pod secrets: KubernetesRootSecrets lacks the CA, aggregator CA or SA key"
            )
        if d.api_server is None or d.api_server_kubelet_client is None or d.front_proxy is None:
            raise ValueError("static pod secrets: KubernetesDynamicCerts is incomplete")
        version = f"{root.metadata.version}-{dynamic.metadata.version}-{kubeconfigs.metadata.version}"
        if version == self._written:
            return
        etcd_client = await self._etcd_pair(CertificateAndKey(etcd_ca.crt.data, etcd_ca.key.data))
        files = podfiles.secret_files(
            podfiles.SecretsInput(
                ca_crt=r.issuing_ca.crt,
                ca_key=r.issuing_ca.key,
                accepted_cas=[c.crt for c in r.accepted_cas],
                aggregator_ca_crt=r.aggregator_ca.crt,
                service_account_key=r.service_account.key,
                api_server=d.api_server,
                api_server_kubelet_client=d.api_server_kubelet_client,
                front_proxy=d.front_proxy,
                etcd_ca_crt=etcd_ca.crt.data,
                etcd_client=etcd_client,
                controller_manager_kubeconfig=k.controller_manager_kubeconfig,
                scheduler_kubeconfig=k.scheduler_kubeconfig,
                aescbc_encryption_secret=r.aescbc_encryption_secret,
                secretbox_encryption_secret=r.secretbox_encryption_secret,
            )
        )
        await write_files(self.root, files)
        self._written = version
        await put(rt, *status, cpres.StaticPodFilesStatusSpec(ready=True, version=version))
        log.info("rendered %d control plane secret files (version %s)", len(files), version)
