"""Kubeconfig files as Talos renders them (``pkg/kubeconfig/generate.go``).

The text is Talos's template, byte for byte: one cluster named after the cluster with the endpoint
and every accepted CA (concatenated PEM, base64), one user ``<user>@<cluster>`` with a fresh client
certificate, one context ``<context>@<cluster>`` in namespace ``default``, made current.
:func:`admin_kubeconfig` is ``GenerateAdmin`` (user and context ``admin``, CN ``admin``, O
``system:masters``, the ``cluster.adminKubeconfig.certLifetime`` lifetime) — what ``talosctl
kubeconfig`` downloads.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime, timedelta

from pytalos.machinery.crypto.x509 import CertificateAndKey

from . import certs
from .settings import KubernetesSettings

_TEMPLATE = """\
apiVersion: v1
kind: Config
clusters:
- name: {cluster}
  cluster:
    server: {endpoint}
    certificate-authority-data: {ca}
users:
- name: {user}@{cluster}
  user:
    client-certificate-data: {crt}
    client-key-data: {key}
contexts:
- context:
    cluster: {cluster}
    namespace: default
    user: {user}@{cluster}
  name: {context}@{cluster}
current-context: {context}@{cluster}
"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def render(
    *,
    cluster_name: str,
    endpoint: str,
    accepted_cas: Sequence[bytes],
    client: CertificateAndKey,
    username: str,
    context_name: str,
) -> str:
    """The kubeconfig text for an already issued client certificate."""
    return _TEMPLATE.format(
        cluster=cluster_name,
        endpoint=endpoint,
        ca=_b64(b"".join(accepted_cas)),
        user=username,
        crt=_b64(client.crt),
        key=_b64(client.key),
        context=context_name,
    )


def generate(
    *,
    cluster_name: str,
    issuing_ca: CertificateAndKey | None,
    accepted_cas: Sequence[bytes],
    lifetime: timedelta,
    common_name: str,
    organization: str,
    endpoint: str,
    username: str,
    context_name: str,
    now: datetime | None = None,
) -> str:
    """``kubeconfig.Generate``: issue a client certificate from ``issuing_ca`` and render."""
    client = certs.client_cert(
        issuing_ca, common_name=common_name, organization=organization, lifetime=lifetime, now=now
    )
    return render(
        cluster_name=cluster_name,
        endpoint=endpoint,
        accepted_cas=accepted_cas,
        client=client,
        username=username,
        context_name=context_name,
    )


def admin_kubeconfig(
    settings: KubernetesSettings,
    *,
    endpoint: str | None = None,
    common_name: str = certs.ADMIN_COMMON_NAME,
    lifetime: timedelta | None = None,
    now: datetime | None = None,
) -> str:
    """``kubeconfig.GenerateAdmin``: user/context ``admin@<cluster>``, O ``system:masters``."""
    return generate(
        cluster_name=settings.cluster_name,
        issuing_ca=settings.issuing_ca,
        accepted_cas=settings.accepted_cas,
        lifetime=settings.admin_cert_lifetime if lifetime is None else lifetime,
        common_name=common_name,
        organization=certs.ADMIN_ORGANIZATION,
        endpoint=settings.endpoint if endpoint is None else endpoint,
        username="admin",
        context_name="admin",
        now=now,
    )


def component_kubeconfig(settings: KubernetesSettings, organization: str, now: datetime | None = None) -> str:
    """The controller-manager/scheduler kubeconfig: CN = O = ``organization``, the local endpoint,
    context ``default@<cluster>``."""
    return generate(
        cluster_name=settings.cluster_name,
        issuing_ca=settings.issuing_ca,
        accepted_cas=settings.accepted_cas,
        lifetime=certs.CERT_VALIDITY,
        common_name=organization,
        organization=organization,
        endpoint=settings.local_endpoint,
        username=organization,
        context_name="default",
        now=now,
    )
