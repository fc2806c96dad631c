"""Cluster-wide logic shared by talosctl and machined (Talos's ``pkg/cluster``).

Nothing here imports the node side (:mod:`pytalos.machined`) or the CLI (:mod:`pytalos.cli`): both
use it -- ``talosctl health --server=false`` runs the checks of :mod:`.check` in talosctl, the
``ClusterService.HealthCheck`` handler runs the same checks inside machined.
"""
