"""Renders a golden case of ``tests/testdata/k8s/<case>/input.yaml`` (see test_golden_renders.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from pytalos.machinery.kubernetes import controlplane as cp
from pytalos.machinery.kubernetes import k8syaml, kubelet, podfiles, staticpods


def _settings(cls: type[Any], raw: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if f.name == "extra_volumes":
            value = tuple(cp.ExtraVolume(**v) for v in value)
        elif f.name == "resources":
            value = cp.Resources(**value)
        elif f.name == "extra_args":
            value = {k: tuple(v) for k, v in value.items()}
        elif f.name == "authorizers":
            value = tuple(tuple(a) for a in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    unknown = set(raw) - set(values)
    assert not unknown, f"unknown settings fields {sorted(unknown)} for {cls.__name__}"
    return cls(**values)


def render(case: dict[str, Any]) -> str:
    kind = case["render"]
    raw = case.get("settings", {})
    secrets, config = str(case.get("secretsVersion", "")), str(case.get("configVersion", ""))
    if kind == "apiserver":
        settings = _settings(cp.APIServerSettings, raw)
        pod = staticpods.api_server_pod(settings, secrets, str(case["configFileVersion"]), config)
    elif kind == "controller-manager":
        pod = staticpods.controller_manager_pod(_settings(cp.ControllerManagerSettings, raw), secrets, config)
    elif kind == "scheduler":
        pod = staticpods.scheduler_pod(_settings(cp.SchedulerSettings, raw), secrets, config)
    elif kind == "kubelet":
        settings = _settings(kubelet.KubeletSettings, raw)
        pod = kubelet.kubelet_configuration(
            settings, case["machineType"], container_mode=bool(case.get("containerMode"))
        )
    elif kind == "encryption":
        pod = podfiles.encryption_config(case.get("aescbc", ""), case.get("secretbox", ""))
    else:
        raise AssertionError(f"unknown render kind {kind!r}")
    return k8syaml.marshal(pod)
