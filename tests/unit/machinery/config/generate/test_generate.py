"""Config generation beyond the fixtures: every contract round-trips, options land where Talos puts them."""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machinery.config.contract import VersionContract
from pytalos.machinery.config.generate import GenerateError, Input, document_data, generate, talosconfig
from pytalos.machinery.config.loader import load
from pytalos.machinery.secrets.bundle import SecretsBundle
from tests._shared import config_testdata

pytestmark = pytest.mark.unit

CONTRACTS = [f"v1.{minor}" for minor in range(3, 16)]


@pytest.fixture(scope="module")
def bundle() -> SecretsBundle:
    path = config_testdata("types", "v1alpha1", "testdata", "stability", "secrets.yaml")
    return SecretsBundle.from_yaml(path.read_bytes(), str(path))


def _input(bundle: SecretsBundle, version: str = "v1.15", **options: Any) -> Input:
    return Input(
        "demo",
        "https://10.0.0.1:6443",
        "1.30.1",
        secrets_bundle=bundle,
        version_contract=VersionContract.parse(version),
        **options,
    )


def _kinds(inp: Input, machine_type: str) -> list[str]:
    return [d.get("kind", "v1alpha1") for d in document_data(inp, machine_type)]


@pytest.mark.parametrize("machine_type", ["init", "controlplane", "worker"])
@pytest.mark.parametrize("version", CONTRACTS)
def test_every_contract_decodes_back(bundle: SecretsBundle, version: str, machine_type: str) -> None:
    text = generate(_input(bundle, version), machine_type).encode()
    reloaded = load(text, f"{version}-{machine_type}.yaml")
    assert reloaded.encode() == text
    assert reloaded.v1alpha1() is not None
    assert f"type: {machine_type}" in text


@pytest.mark.parametrize("version", CONTRACTS)
def test_every_contract_validates(bundle: SecretsBundle, version: str) -> None:
    for machine_type in ("controlplane", "worker"):
        generate(_input(bundle, version, install_disk="/dev/sda"), machine_type).validate("metal")


def test_unknown_machine_type(bundle: SecretsBundle) -> None:
    with pytest.raises(GenerateError, match="failed to determine config type to generate"):
        generate(_input(bundle), "join")


def test_init_differs_from_controlplane_only_in_type(bundle: SecretsBundle) -> None:
    inp = _input(bundle)
    init = generate(inp, "init").encode()
    controlplane = generate(inp, "controlplane").encode()
    assert init.replace("type: init", "type: controlplane", 1) == controlplane


def test_kubespan_legacy_and_multidoc(bundle: SecretsBundle) -> None:
    legacy = generate(_input(bundle, "v1.12", kubespan_enabled=True), "worker").encode()
    assert "network:\n        kubespan:\n            enabled: true\n" in legacy
    assert "KubeSpanConfig" not in legacy
    kinds = _kinds(_input(bundle, "v1.13", kubespan_enabled=True), "worker")
    assert kinds[kinds.index("HostnameConfig") + 1] == "KubeSpanConfig"


def test_discovery_disabled(bundle: SecretsBundle) -> None:
    legacy = generate(_input(bundle, "v1.13", discovery_enabled=False), "worker").encode()
    assert "discovery:\n        enabled: false\n" in legacy
    kinds = _kinds(_input(bundle, "v1.15", discovery_enabled=False), "worker")
    assert "DiscoveryServiceConfig" not in kinds
    assert "DiscoveryIdentityConfig" in kinds


def test_custom_cni_replaces_flannel(bundle: SecretsBundle) -> None:
    assert "KubeFlannelCNIConfig" in _kinds(_input(bundle), "controlplane")
    kinds = _kinds(_input(bundle, custom_cni_url="https://example.com/cni.yaml"), "controlplane")
    assert "KubeFlannelCNIConfig" not in kinds
    assert kinds[-1] == "KubeExternalManifestConfig"


def test_control_plane_taint_follows_scheduling_option(bundle: SecretsBundle) -> None:
    tainted = generate(_input(bundle), "controlplane").encode()
    assert "taints:\n    node-role.kubernetes.io/control-plane: NoSchedule\n" in tainted
    allowed = generate(_input(bundle, allow_scheduling_on_control_planes=True), "controlplane").encode()
    assert "taints:" not in allowed


def test_kubeprism_can_be_disabled(bundle: SecretsBundle) -> None:
    assert "KubePrismConfig" not in _kinds(_input(bundle, kubeprism_port=0), "worker")
    legacy = generate(_input(bundle, "v1.10", kubeprism_port=0), "worker").encode()
    assert "kubePrism" not in legacy


def test_registry_documents_sorted(bundle: SecretsBundle) -> None:
    inp = _input(
        bundle,
        registry_mirrors={"quay.io": ["https://q.example"], "docker.io": ["https://d.example"]},
        registry_insecure=["a.example"],
    )
    docs = [d for d in document_data(inp, "worker") if d.get("kind", "").startswith("Registry")]
    assert [(d["kind"], d["name"]) for d in docs] == [
        ("RegistryMirrorConfig", "docker.io"),
        ("RegistryMirrorConfig", "quay.io"),
        ("RegistryTLSConfig", "a.example"),
    ]
    text = generate(inp, "worker").encode()
    assert "insecureSkipVerify: true" in text


def test_legacy_registry_tls(bundle: SecretsBundle) -> None:
    inp = _input(
        bundle, "v1.10", registry_insecure=["a.example"], registry_mirrors={"a.example": ["https://m"]}
    )
    text = generate(inp, "worker").encode()
    assert "registries:\n        mirrors:\n            a.example:" in text
    assert "insecureSkipVerify: true" in text


def test_install_image_in_unattended_install(bundle: SecretsBundle) -> None:
    inp = _input(bundle, install_disk="/dev/nvme0n1", install_image="ghcr.io/siderolabs/installer:v1.15.0")
    text = generate(inp, "worker").encode()
    assert "installer:\n    image: ghcr.io/siderolabs/installer:v1.15.0\n" in text
    assert 'match: disk.dev_path == "/dev/nvme0n1"' in text
    assert "UnattendedInstallConfig" not in generate(_input(bundle), "worker").encode()


def test_ipv6_endpoint_uses_ipv6_subnets(bundle: SecretsBundle) -> None:
    inp = Input("v6", "fd00::1", "1.30.0", secrets_bundle=bundle)
    assert inp.pod_subnets == ["fc00:db8:10::/56"]
    assert inp.service_subnets == ["fc00:db8:20::/112"]


def test_kubernetes_version_prefix_is_stripped(bundle: SecretsBundle) -> None:
    inp = Input("demo", "https://a:6443", "v1.31.2", secrets_bundle=bundle)
    assert "image: ghcr.io/siderolabs/kubelet:v1.31.2" in generate(inp, "worker").encode()


def test_api_server_sans_per_contract(bundle: SecretsBundle) -> None:
    assert _input(bundle, "v1.11", additional_subject_alt_names=["x"]).api_server_sans == ["10.0.0.1", "x"]
    assert _input(bundle, "v1.12", additional_subject_alt_names=["x"]).api_server_sans == ["x"]


def test_secrets_generated_when_absent() -> None:
    inp = Input("fresh", "https://a:6443", version_contract=VersionContract(1, 6))
    assert inp.bundle.certs is not None and inp.bundle.certs.os is not None
    assert b"EC PRIVATE KEY" in inp.bundle.certs.k8s_service_account.key  # type: ignore[union-attr]
    assert generate(inp, "worker").v1alpha1() is not None


def test_talosconfig(bundle: SecretsBundle) -> None:
    cfg = talosconfig(_input(bundle), ["10.0.0.1", "10.0.0.2"])
    assert cfg.context == "demo"
    ctx = cfg.contexts["demo"]
    assert ctx.endpoints == ["10.0.0.1", "10.0.0.2"]
    assert bundle.certs is not None and bundle.certs.os is not None
    assert ctx.ca == bundle.certs.os.crt_b64
    empty = talosconfig(_input(bundle)).to_yaml()
    assert "endpoints: []" in empty


def test_bundle_generates_init_only_on_demand_with_control_plane_patches() -> None:
    from pytalos.machinery.config.generate.bundle import ConfigBundle
    from pytalos.machinery.config.patch import load_patch

    inp = Input("lazy", "https://10.5.0.2:6443", "1.28.0", version_contract=VersionContract.parse("v1.10"))
    patch = load_patch(b"machine:\n    certSANs: [cp.example]\n")
    bundle = ConfigBundle.generate(inp, control_plane_patches=[patch])
    assert bundle._init is None
    init = bundle.init.v1alpha1()
    assert init is not None and init.machine_config is not None
    assert init.machine_config.machine_type == "init"
    assert init.machine_config.machine_cert_sans == ["cp.example"]
    assert bundle.init is bundle.init  # generated once
