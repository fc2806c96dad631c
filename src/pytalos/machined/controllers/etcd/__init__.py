"""etcd controllers: the EtcdSpec a control plane runs etcd with."""
