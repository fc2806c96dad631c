"""Kubernetes material Talos derives from a machine config without running Kubernetes.

:mod:`.settings` reads the cluster settings from either config shape (the legacy v1alpha1 ``cluster``
section or the ``Kube*Config`` documents); :mod:`.certs` issues the control plane's certificates,
:mod:`.kubeconfig` renders kubeconfigs as Talos's template does and :mod:`.merge` merges one into an
existing file with Talos's (``siderolabs/go-kubeconfig``) conflict rules. Pure: no files, no sockets.
"""
