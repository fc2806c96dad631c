"""Kube* documents: ``validate`` warnings and errors, worded like Talos's ``Validate`` methods."""

from __future__ import annotations

import textwrap

import pytest

from pytalos.machinery.config.document import Document
from pytalos.machinery.config.schema import decode_struct
from pytalos.machinery.config.types import k8s
from pytalos.machinery.config.types.common.labels import (
    validate_annotations,
    validate_labels,
    validate_qualified_name,
    validate_taints,
)
from pytalos.machinery.crypto.x509 import (
    KeyAlgorithm,
    encode_private_key,
    generate_private_key,
    new_self_signed_ca,
)
from pytalos.machinery.yamlx import Mapping, parse_document

pytestmark = pytest.mark.unit


def doc(kind: str, body: str = "") -> Document:
    text = f"apiVersion: v1alpha1\nkind: {kind}\n" + textwrap.dedent(body)
    node = parse_document(text)
    assert isinstance(node, Mapping)
    return decode_struct(getattr(k8s, f"{kind}V1Alpha1"), node)


def _indent(pem: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in pem.strip().splitlines())


CASES: list[tuple[str, str, str, list[str], list[str]]] = [
    # (id, kind, body, warnings, errors)
    ("admission-ok", "KubeAdmissionControlConfig", "name: PodSecurity\nconfiguration: {}\n", [], []),
    (
        "admission-no-name",
        "KubeAdmissionControlConfig",
        "configuration: {a: 1}\n",
        [],
        ["admission control plugin name is required"],
    ),
    (
        "authorizer-empty",
        "KubeAuthorizerConfig",
        "",
        [],
        [
            "authorizer name is required",
            "authorizer type is required",
            "authorizer type  is not allowed, allowed types are [Node RBAC Webhook]",
        ],
    ),
    (
        "authorizer-webhook-missing",
        "KubeAuthorizerConfig",
        "name: w\ntype: Webhook\n",
        [],
        ["authorizer webhook configuration is required for Webhook authorizer type"],
    ),
    (
        "authorizer-webhook-on-rbac",
        "KubeAuthorizerConfig",
        "name: r\ntype: RBAC\nwebhook: {timeout: 3s}\n",
        ["authorizer webhook configuration is not allowed non-Webhook authorizer types"],
        [],
    ),
    (
        "etcd-encryption-empty",
        "KubeEtcdEncryptionConfig",
        "config: {}\n",
        [],
        ["etcd encryption config is required"],
    ),
    ("apiserver-empty", "KubeAPIServerConfig", "", [], ["kube-apiserver image cannot be empty"]),
    (
        "apiserver-denied-args",
        "KubeAPIServerConfig",
        "image: i:v1.30.0\nextraArgs:\n  oidc-issuer-url: x\n  authorization-mode: RBAC\n  v: '2'\n"
        "resources: {requests: {gpu: 1}}\n",
        [],
        [
            'kube-apiserver extra argument "authorization-mode" is not allowed: use KubeAuthorizationConfig',
            'kube-apiserver extra argument "oidc-issuer-url" is not allowed: use KubeAuthenticationConfig',
            'unsupported pod resource "gpu"',
        ],
    ),
    (
        "controller-manager-empty",
        "KubeControllerManagerConfig",
        "",
        [],
        ["kube-controller-manager image cannot be empty"],
    ),
    ("controller-manager-disabled", "KubeControllerManagerConfig", "enabled: false\n", [], []),
    (
        "scheduler-bad-limits",
        "KubeSchedulerConfig",
        "image: x\nresources: {limits: {storage: 1Gi}}\n",
        [],
        ['unsupported pod resource "storage"'],
    ),
    (
        "proxy-modes",
        "KubeProxyConfig",
        "image: x\nmode: ipvs\nextraArgs: {v: '1'}\n",
        [
            'proxy mode "ipvs" is not recommended, please switch to nftables if possible',
            "extra arguments for kube-proxy may not work as expected, please use configuration instead",
        ],
        [],
    ),
    (
        "proxy-bad-mode",
        "KubeProxyConfig",
        "mode: userspace\n",
        [],
        [
            "proxy image cannot be empty",
            'invalid proxy mode "userspace": supported modes are iptables, ipvs and nftables',
        ],
    ),
    ("proxy-disabled", "KubeProxyConfig", "enabled: false\nmode: userspace\n", [], []),
    (
        "kubelet-protected",
        "KubeletConfig",
        "image: x\nconfig: {port: 1, staticPodPath: /x, maxPods: 3}\n",
        [],
        [
            'kubelet configuration field "port" can\'t be overridden',
            'kubelet configuration field "staticPodPath" can\'t be overridden',
        ],
    ),
    (
        "cluster-empty",
        "KubeClusterConfig",
        "",
        [],
        ["clusterName must be specified", "endpoint must be specified"],
    ),
    (
        "cluster-bad-port",
        "KubeClusterConfig",
        "clusterName: c\nendpoint: https://h:70000\n",
        [],
        ["cluster endpoint is invalid: port number must be between 1 and 65535"],
    ),
    (
        "cluster-ipv6-brackets",
        "KubeClusterConfig",
        "clusterName: c\nendpoint: https://fd00::1:6443\n",
        [],
        ["cluster endpoint is invalid: IPv6 addresses MUST be enclosed by square brackets"],
    ),
    (
        "cluster-no-host",
        "KubeClusterConfig",
        "clusterName: c\nendpoint: https:///x\n",
        [],
        ["cluster endpoint is invalid: hostname must not be blank"],
    ),
    ("cluster-ipv6-ok", "KubeClusterConfig", "clusterName: c\nendpoint: https://[fd00::1]:6443\n", [], []),
    (
        "network-empty",
        "KubeNetworkConfig",
        "",
        [],
        [
            "pod subnets: at least one subnets must be specified",
            "service subnets: at least one subnets must be specified",
        ],
    ),
    (
        "network-bad",
        "KubeNetworkConfig",
        "podSubnets: [10.0.0.1/8, 10.1.0.0/16]\nserviceSubnets: [10.96.0.0/30, fd00::/64, 10.0.0.0/8]\n",
        [],
        [
            "pod subnets: invalid subnet: 10.0.0.1/8 is not a valid CIDR",
            "service subnets: at most two subnets can be specified for dual-stack clusters",
            "the number of pod subnets must match the number of service subnets",
        ],
    ),
    (
        "network-small-and-double-v4",
        "KubeNetworkConfig",
        "podSubnets: [10.0.0.0/8, 10.1.0.0/16]\nserviceSubnets: [10.96.0.0/29, fd00::/64]\n",
        [],
        [
            "pod subnets: at most one IPv4 and one IPv6 subnet can be specified for dual-stack clusters",
            "service subnets: invalid subnet: 10.96.0.0/29 is too small, it must be at least /4 IPs",
        ],
    ),
    ("flannel-empty", "KubeFlannelCNIConfig", "", [], ["flannel backend type must be specified"]),
    (
        "kubeprism-port",
        "KubePrismConfig",
        "port: 70000\n",
        [],
        ["invalid port 70000: must be in range 1-65535"],
    ),
    ("kubeprism-zero", "KubePrismConfig", "", [], ["invalid port 0: must be in range 1-65535"]),
    (
        "talos-api-roles",
        "KubeTalosAPIAccessConfig",
        "allowedRoles: [os:reader, os:root]\n",
        [],
        ['invalid role "os:root" in .allowedRoles'],
    ),
    (
        "node-bad",
        "KubeNodeConfig",
        "nodeIP: {validSubnets: ['!10.0.0.0/8', 'nope/8', '::1']}\nlabels: {'-bad': ok}\n"
        "annotations: {talos.dev/owned-labels: x}\ntaints: {t: 'v:Sometimes'}\n",
        [],
        [
            'nodeIP subnet is not valid: "nope/8"',
            'invalid node labels: 1 error occurred:\n\t* name "-bad" is invalid\n\n',
            "invalid node annotations: 1 error occurred:\n"
            '\t* annotation "talos.dev/owned-labels" is reserved\n\n',
            'invalid node taints: 1 error occurred:\n\t* invalid taint effect: "Sometimes"\n\n',
        ],
    ),
    (
        "static-pod-bad",
        "KubeStaticPodConfig",
        "name: Bad_Name\npod: {}\n",
        [],
        [
            'static pod name is invalid: domain doesn\'t match required format: "Bad_Name"',
            "static pod spec is required",
        ],
    ),
    ("static-pod-no-name", "KubeStaticPodConfig", "pod: {kind: Pod}\n", [], ["static pod name is required"]),
    (
        "inline-manifest-no-name",
        "KubeInlineManifestConfig",
        "manifest: x\n",
        [],
        ["manifest name is required"],
    ),
    (
        "external-manifest-bad",
        "KubeExternalManifestConfig",
        "name: m\nurl: ftp://x/y\n",
        [],
        ['manifest URL scheme must be http or https: "ftp"'],
    ),
    (
        "external-manifest-empty",
        "KubeExternalManifestConfig",
        "",
        [],
        ["manifest name is required", "manifest URL is required"],
    ),
    (
        "service-account-empty",
        "KubeServiceAccountConfig",
        "",
        [],
        ["service issuer private key is required", "service issuer URL is required"],
    ),
    (
        "service-account-bad-key",
        "KubeServiceAccountConfig",
        "issuer: {privateKey: PRIVATE-KEY, issuerURL: 'https://x'}\n",
        [],
        ["service issuer private key is invalid: failed to parse PEM block"],
    ),
    (
        "aggregator-ca-missing",
        "KubeAggregatorCAConfig",
        "acceptedCAs: [nope]\n",
        [],
        ["issuing CA is not set", "accepted CA #0: no PEM blocks found"],
    ),
    ("apiserver-ca-empty-is-ok", "KubeAPIServerCAConfig", "", [], []),
    (
        "apiserver-ca-no-key",
        "KubeAPIServerCAConfig",
        "issuingCA: {cert: x}\n",
        [],
        ["issuing CA: key is required"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "body", "warnings", "errors"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_validate(kind: str, body: str, warnings: list[str], errors: list[str]) -> None:
    assert doc(kind, body).validate("metal") == (warnings, errors)


def test_valid_pki_documents() -> None:
    ca = new_self_signed_ca(algorithm=KeyAlgorithm.ECDSA)
    other = new_self_signed_ca(algorithm=KeyAlgorithm.ED25519)
    body = (
        f"issuingCA:\n  cert: |\n{_indent(ca.crt.decode(), 4)}\n  key: |\n{_indent(ca.key.decode(), 4)}\n"
        f"acceptedCAs:\n  - |\n{_indent(other.crt.decode(), 4)}\n"
    )
    for kind in ("KubeAPIServerCAConfig", "KubeAggregatorCAConfig"):
        assert doc(kind, body).validate("metal") == ([], [])
    mismatched = body.replace(_indent(ca.key.decode(), 4), _indent(ca.crt.decode(), 4))
    _, errors = doc("KubeAPIServerCAConfig", mismatched).validate("metal")
    assert errors == ['issuing CA: key is invalid: unsupported key type: "CERTIFICATE"']
    key = encode_private_key(generate_private_key(KeyAlgorithm.ECDSA)).decode()
    sa_body = f"issuer:\n  privateKey: |\n{_indent(key, 4)}\n  issuerURL: https://cp:6443\n"
    assert doc("KubeServiceAccountConfig", sa_body).validate("metal") == ([], [])


def test_label_helpers() -> None:
    assert validate_qualified_name("example.com/name") is None
    assert validate_qualified_name("/name") == 'prefix cannot be empty: "/name"'
    assert validate_qualified_name("a/b/c") == 'invalid format: too many slashes: "a/b/c"'
    assert validate_qualified_name("Bad_Prefix/x") == (
        'prefix "Bad_Prefix" is invalid: domain doesn\'t match required format: "Bad_Prefix"'
    )
    assert validate_qualified_name("x" * 64) == f'name is too long: "{"x" * 64}" (limit is 63)'
    assert validate_labels({"a": "b", "c": "-"}) == '1 error occurred:\n\t* label value "-" is invalid\n\n'
    assert validate_annotations({"a": "x" * (256 * 1024)}).endswith(
        "total annotation size exceeds limit of 262144 bytes\n\n"
    )
    assert validate_taints({"a": "NoSchedule", "b": "v:NoExecute"}) is None
    assert validate_taints({"a": "bad value:NoSchedule"}) == (
        '1 error occurred:\n\t* label value "bad value" is invalid\n\n'
    )
