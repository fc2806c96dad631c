"""The node's gRPC API (grpclib): the maintenance service (TLS, no client certificate, only what
Talos serves there) and the normal Machine API (mTLS with the node's certificate from the OS CA).

Until apid comes (API issue), machined serves port 50000 itself in both modes.
"""
