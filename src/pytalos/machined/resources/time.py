"""``TimeStatuses.v1alpha1.talos.dev/node``: whether the node's clock can be trusted.

Services that issue or check certificates (trustd, etcd, kubelet) wait for ``synced``. The type
lives in the ``runtime`` namespace, like Talos's ``time.StatusType``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "runtime"

TIME_STATUS_TYPE = "TimeStatuses.v1alpha1.talos.dev"
TIME_STATUS_ID = "node"

DEFINITIONS = (define(TIME_STATUS_TYPE, NAMESPACE, print_columns=(("Synced", "{.synced}"),)),)


@dataclasses.dataclass(frozen=True)
class TimeStatusSpec(Spec):
    """``time.StatusSpec``: ``epoch`` counts clock jumps of more than 15 minutes."""

    synced: bool = field(default=False, metadata=yaml("synced"))
    epoch: int = field(default=0, metadata=yaml("epoch"))
    sync_disabled: bool = field(default=False, metadata=yaml("syncDisabled"))
