"""machined's service definitions for the supervisor (:mod:`pytalos.machined.system`): the system
containerd (:mod:`.containerd`), etcd on control planes (:mod:`.etcd`), machined's own API server
(:mod:`.machined`) and kubelet (:mod:`.kubelet`). Each runs the real daemon; apid and trustd come
with the API issue."""
