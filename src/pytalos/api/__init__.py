"""The Talos Machine API in Python: wire-compatible protobuf definitions and gRPC plumbing.

``proto/`` holds our .proto files (Talos's packages, message and field numbers, and file paths);
``gen/`` the code ``make proto`` generates from them (committed); ``tls``, ``server`` and ``client``
the mTLS transport (grpclib over Python's ssl) that apid, trustd and talosctl build on.
"""
