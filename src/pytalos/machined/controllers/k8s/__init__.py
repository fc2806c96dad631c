"""k8s controllers that need no Kubernetes yet: the node name."""
