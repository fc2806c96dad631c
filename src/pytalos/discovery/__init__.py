"""Cluster discovery through a discovery service (Talos's ``discovery.talos.dev``), wire-compatible.

Nodes of a cluster find each other by publishing an *affiliate* (who they are: node id, hostname,
node name, addresses, machine type, OS) to a discovery service and watching the cluster's other
affiliates there. The service only stores opaque blobs: every affiliate is encrypted with the
cluster secret before it leaves the node, so the service never learns anything but ids and sizes.

* :mod:`.crypto` -- Talos's encryption of affiliate data (AES-GCM, random 12-byte nonce prepended);
* :mod:`.client` -- the client loop (Hello, AffiliateUpdate refreshed at TTL/2, Watch) of
  ``siderolabs/discovery-client``, over a small :class:`~.client.Transport` Protocol whose real
  implementation is grpclib (the node's ``cluster.DiscoveryServiceController`` drives it and turns
  the ``sidero.discovery.client.Affiliate`` messages into ``Affiliates`` resources);
* :mod:`.store` and :mod:`.server` -- the service itself (``python -m pytalos.discovery --listen``):
  an in-memory cluster → affiliate store with TTLs and watches behind the
  ``sidero.discovery.server.Cluster`` gRPC service.
"""
