"""trustd: the control planes' CSR signing service (Talos ``internal/app/trustd``), and its client.

Workers hold only the OS CA certificate, not its key, so they cannot mint apid's server certificate
themselves. trustd runs on every control plane on TCP 50001 and signs a worker's CSR with the OS CA
once the caller proves it belongs to the cluster with the machine token (gRPC metadata ``token``).

* :mod:`.auth`: the token check (Talos ``pkg/grpc/middleware/auth/basic``);
* :mod:`.signing`: what a signed certificate looks like (usages, validity, SANs from the CSR);
* :mod:`.server`: ``securityapi.SecurityService`` over TLS (no client certificates);
* :mod:`.client`: the worker side, one call to one endpoint, errors naming the endpoint.

Where it runs: in the machined process, as the supervised ``trustd`` service
(:mod:`pytalos.machined.services.trustd`), like apid -- one Python process per node keeps memory low.
"""
