"""Local clusters on one machine (Talos's ``pkg/provision``): what ``talosctl cluster create|show|
destroy`` stand on.

The ``netns`` provisioner puts every node -- a real ``python -m pytalos.machined`` process -- in its
own network namespace, all joined by one Linux bridge that carries the gateway address:

* :mod:`.network` -- the address plan (gateway ``.1``, control planes from ``.2``, then workers) and
  the bridge/namespace names derived from the cluster and node names;
* :mod:`.state` -- the cluster's state file (written atomically before anything starts, so that
  ``cluster destroy`` can always find and remove what exists);
* :mod:`.nodes` -- node roots (checked against the unix socket path limit) and their processes;
* :mod:`.provisioner` -- create, reflect and destroy with every OS action behind
  :class:`~pytalos.machined.netns.IpRunner` and :class:`~pytalos.machined.launcher.NodeProcess`;
* :mod:`.configs` -- the machine configs of a new cluster; :mod:`.access` -- the API steps after the
  nodes run (maintenance-mode apply, bootstrap).
"""

from __future__ import annotations


class ProvisionError(RuntimeError):
    """A cluster cannot be planned, created, found or destroyed; the message names what and why."""


__all__ = ["ProvisionError"]
