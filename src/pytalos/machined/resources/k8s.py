"""Resources of the ``k8s`` namespace that exist before Kubernetes does: the node name.

``Nodenames.kubernetes.talos.dev/nodename`` is the name the kubelet registers the node with: the
hostname (or FQDN with ``registerWithFQDN``), lowercased; ``hostnameVersion`` records which
``HostnameStatus`` version it was derived from, as in Talos.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "k8s"

NODENAME_TYPE = "Nodenames.kubernetes.talos.dev"
NODENAME_ID = "nodename"

DEFINITIONS = (define(NODENAME_TYPE, NAMESPACE, print_columns=(("Nodename", "{.nodename}"),)),)


@dataclasses.dataclass(frozen=True)
class NodenameSpec(Spec):
    """``k8s.NodenameSpec``."""

    nodename: str = field(default="", metadata=yaml("nodename"))
    hostname_version: str = field(default="", metadata=yaml("hostnameVersion"))
    skip_node_registration: bool = field(default=False, metadata=yaml("skipNodeRegistration"))
