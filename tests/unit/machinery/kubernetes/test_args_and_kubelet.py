"""Talos's argument merge rules, the deny lists and the kubelet's protected configuration fields."""

from __future__ import annotations

import pytest

from pytalos.machinery.kubernetes import componentargs, kubelet, staticpods
from pytalos.machinery.kubernetes import controlplane as cp
from pytalos.machinery.kubernetes.argsbuilder import Args, ArgsError, MergePolicy

pytestmark = pytest.mark.unit


def test_merge_policies() -> None:
    args = Args({"a": "x,y", "b": "1", "c": "old", "d": "keep"})
    policies = {"a": MergePolicy.ADDITIVE, "b": MergePolicy.APPEND}
    args.merge({"a": "y,z", "b": ["2"], "c": "new", "e": ["p", "q"]}, policies)
    assert args.args() == ["--a=x,y,z", "--b=1", "--b=2", "--c=new", "--d=keep", "--e=p", "--e=q"]


def test_denied_args_are_all_named() -> None:
    settings = cp.APIServerSettings(
        image="registry.k8s.io/kube-apiserver:v1.36.0",
        extra_args={"etcd-servers": ("https://x:2379",), "tls-cert-file": ("/x",), "v": ("4",)},
    )
    with pytest.raises(ArgsError) as err:
        componentargs.api_server_args(settings)
    assert str(err.value) == (
        "kube-apiserver extraArgs.etcd-servers, kube-apiserver extraArgs.tls-cert-file: "
        "extra args not allowed (managed by Talos)"
    )
    with pytest.raises(ArgsError, match=r"kube-scheduler extraArgs.config"):
        componentargs.scheduler_args(cp.SchedulerSettings(image="x:v1.36.0", extra_args={"config": ("/y",)}))


def test_authorization_mode_for_old_kubernetes_or_manual_flags() -> None:
    old = cp.APIServerSettings(
        image="registry.k8s.io/kube-apiserver:v1.29.3", authorizers=(("Node", "node"), ("RBAC", "rbac"))
    )
    assert "--authorization-mode=Node,RBAC" in componentargs.api_server_args(old)
    manual = cp.APIServerSettings(
        image="registry.k8s.io/kube-apiserver:v1.36.0",
        authorizers=(("Node", "node"), ("RBAC", "rbac")),
        extra_args={"authorization-mode": ("Webhook",)},
    )
    args = componentargs.api_server_args(manual)
    assert "--authorization-mode=Node,RBAC,Webhook" in args
    assert not any(a.startswith("--authorization-config") for a in args)


def test_bad_quantity_names_the_field() -> None:
    settings = cp.SchedulerSettings(image="x:v1.36.0", resources=cp.Resources(limits={"memory": "lots"}))
    with pytest.raises(staticpods.QuantityError, match="kube-scheduler memory limit"):
        staticpods.scheduler_pod(settings, "1", "1")


def test_kubelet_args_and_denied_flags() -> None:
    settings = kubelet.KubeletSettings(image="k:v1.36.0", extra_args={"max-pods": ("250",)})
    assert kubelet.kubelet_args(settings, "cp-1", ["10.5.0.2", "fd00::2"]) == [
        "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubeconfig",
        "--cert-dir=/var/lib/kubelet/pki",
        "--config=/etc/kubernetes/kubelet.yaml",
        "--hostname-override=cp-1",
        "--kubeconfig=/etc/kubernetes/kubeconfig-kubelet",
        "--max-pods=250",
        "--node-ip=10.5.0.2,fd00::2",
    ]
    user_ip = kubelet.KubeletSettings(extra_args={"node-ip": ("10.9.9.9",)})
    assert "--node-ip=10.9.9.9" in kubelet.kubelet_args(user_ip, "n", ["10.5.0.2"])
    bad = kubelet.KubeletSettings(extra_args={"config": ("/x",), "cert-dir": ("/y",)})
    with pytest.raises(
        kubelet.KubeletConfigError, match=r"kubelet.extraArgs.config, kubelet.extraArgs.cert-dir"
    ):
        kubelet.kubelet_args(bad, "n", [])


def test_kubelet_protected_fields_are_refused() -> None:
    settings = kubelet.KubeletSettings(extra_config={"port": 1, "authentication": {}, "maxPods": 3})
    with pytest.raises(kubelet.KubeletConfigError) as err:
        kubelet.kubelet_configuration(settings, "worker")
    assert str(err.value) == (
        "kubelet.extraConfig.authentication, kubelet.extraConfig.port: fields can't be overridden"
    )


def test_kubelet_worker_and_skip_registration() -> None:
    worker = kubelet.kubelet_configuration(kubelet.KubeletSettings(), "worker", container_mode=True)
    assert worker["systemReserved"]["memory"] == "384Mi"
    assert worker["protectKernelDefaults"] is False and "registerWithTaints" not in worker
    skip = kubelet.kubelet_configuration(kubelet.KubeletSettings(skip_node_registration=True), "worker")
    assert skip["authorization"] == {"mode": "AlwaysAllow"}
    assert skip["authentication"]["webhook"] == {"enabled": False}
    assert kubelet.kubelet_args(kubelet.KubeletSettings(skip_node_registration=True), "n", []) == [
        "--cert-dir=/var/lib/kubelet/pki",
        "--config=/etc/kubernetes/kubelet.yaml",
        "--hostname-override=n",
        "--node-ip=",
    ]


def test_pick_node_ips() -> None:
    addrs = ["127.0.0.1/8", "fe80::1/64", "192.168.1.5/24", "10.5.0.2/24", "fd00::5/64"]
    assert kubelet.pick_node_ips(addrs) == ["192.168.1.5", "fd00::5"]
    assert kubelet.pick_node_ips(addrs, ["10.0.0.0/8"]) == ["10.5.0.2"]
    assert kubelet.pick_node_ips(addrs, ["!192.168.0.0/16"]) == ["10.5.0.2", "fd00::5"]
