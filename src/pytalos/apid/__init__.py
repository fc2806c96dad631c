"""apid: the node's API gateway on TCP 50000 (Talos ``internal/app/apid``).

Every client request enters here over mutual TLS and is routed (:mod:`.director`): to the local
machined over its unix socket, to one other node, or to many nodes at once with the replies merged
(:mod:`.aggregate`). Forwarded requests carry the caller's roles in ``talos-role`` metadata and are
authenticated with the node's ``os:impersonator`` client certificate (:mod:`.backend`). Mutating calls
are written to the node's audit log (:mod:`.audit`). :class:`~.server.Apid` puts it together.

It runs inside the machined process, started with machined's Machine API by the ``machined`` service
(:mod:`pytalos.machined.node.api`): its own TLS listener, grpclib server and channels, reaching machined
only through the unix socket, like Talos's separate apid process.
"""
