"""etcd on a control-plane node: PKI, command line, and an async client for the running member.

Talos runs etcd itself (``internal/app/machined/pkg/system/services/etcd.go``); this package holds
the parts that talk to or configure the *real* etcd binary so that the service supervisor and the
resource controllers can wire them up: :mod:`.layout` (where files live under the node root),
:mod:`.pki` (server/peer/admin certificates from the cluster's etcd CA), :mod:`.spec` (which
addresses etcd advertises and listens on), :mod:`.args` (the command line), :mod:`.client`
(mTLS client over ``etcd3aio``), :mod:`.join` (joining as a learner, promotion), :mod:`.recover`
(restoring a snapshot for ``bootstrap --recover-from``) and :mod:`.verify` (``etcd snapshot --verify``
in a scratch etcd).
"""
