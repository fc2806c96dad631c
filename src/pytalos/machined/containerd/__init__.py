"""The node's two containerd instances: ``containerd`` (system services) and ``cri`` (Kubernetes).

Talos runs the real containerd twice with separate roots and sockets
(``system/services/containerd.go``, ``cri.go``). This package renders their configuration
(:mod:`.config`) and checks that a running instance serves (:mod:`.client`); starting and stopping
the processes is the service supervisor's job.
"""
