"""k8s.NodenameController: node name from the hostname (lowercased, FQDN on request)."""

from __future__ import annotations

import pytest

from pytalos.machined.controllers.k8s.nodename import NodenameController
from pytalos.machined.resources import k8s
from pytalos.machined.runtime.testing import run

from .._helpers import harness, hostname, legacy, machine_config

pytestmark = pytest.mark.unit


def test_nodename_is_lowercased_hostname() -> None:
    async def body() -> None:
        async with harness(NodenameController()) as h:
            await h.create(hostname("Worker-1", "Example.org"))
            await h.assert_no_resource(k8s.NODENAME_TYPE, k8s.NODENAME_ID)
            await h.create(machine_config(legacy()))
            res = await h.assert_resource(k8s.NODENAME_TYPE, k8s.NODENAME_ID)
            status = await h.state.get(h.pointer("HostnameStatuses.net.talos.dev", "hostname"))
            assert res.spec.to_yaml() == {
                "nodename": "worker-1",
                "hostnameVersion": str(status.metadata.version),
                "skipNodeRegistration": False,
            }

    run(body())


def test_register_with_fqdn_and_skip_registration() -> None:
    async def body() -> None:
        text = legacy() + (
            "---\napiVersion: v1alpha1\nkind: KubeNodeConfig\n"
            "registerWithFQDN: true\nskipNodeRegistration: true\n"
            "nodeIP: {}\n"
        )
        async with harness(NodenameController()) as h:
            await h.create(hostname("Worker-1", "Example.org"))
            await h.create(machine_config(text))
            res = await h.assert_resource(k8s.NODENAME_TYPE, k8s.NODENAME_ID)
            assert res.spec.nodename == "worker-1.example.org"
            assert res.spec.skip_node_registration

    run(body())
