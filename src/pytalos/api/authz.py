"""Who may call what on the Machine API: Talos's authorization rules, role injection and enforcement.

Talos splits this in two (``pkg/grpc/middleware/authz``): an *injector* decides the caller's roles,
an *authorizer* checks them against the rules table of ``internal/app/machined/pkg/system/services/
machined.go`` (unlisted methods need ``os:admin``; a refusal is ``PermissionDenied "not authorized"``).
Here both are one grpclib ``RecvRequest`` listener (:func:`install`) running before the handler:

* ``ENABLED`` (apid on :50000, machined's own mTLS server): roles are the Organizations of the verified
  client certificate (unknown roles kept, empty strings ignored); a certificate with
  ``os:impersonator`` (another node's apid) carries the original caller's roles in ``talos-role``
  metadata instead. The certificate is checked again in Python, beyond what OpenSSL did in the
  handshake: it must chain to one of the accepted CAs, be within its validity window, and have an
  ExtKeyUsage of exactly ``[clientAuth]`` (apid's ``verifyExtKeyUsage``); otherwise
  ``Unauthenticated``.
* ``METADATA_ONLY`` (machined behind apid): roles only from ``talos-role``, and only from a peer on a
  unix socket run by our own user (``SO_PEERCRED``); anything else is ``PermissionDenied``.
* ``READ_ONLY`` (maintenance mode): every caller is ``os:reader``.

The listener replaces any ``talos-role`` values the client sent with the roles it decided (so a
spoofed header from a non-impersonator is dropped), and records them for the handler
(:func:`caller_roles`). With ``rules=None`` it only injects (apid forwards; the node's machined decides).
"""

from __future__ import annotations

import contextvars
import enum
import os
import socket
import struct
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpclib.const import Status
from grpclib.events import RecvRequest, listen
from grpclib.exceptions import GRPCError
from multidict import MultiDict

from pytalos.machinery import role
from pytalos.machinery.role import RoleSet

if TYPE_CHECKING:
    from grpclib.server import Server, Stream

ROLE_METADATA_KEY: Final = "talos-role"
PROXY_FROM_METADATA_KEY: Final = "proxyfrom"
NOT_AUTHORIZED: Final = "not authorized"


class Mode(enum.Enum):
    ENABLED = "enabled"
    METADATA_ONLY = "metadata-only"
    READ_ONLY = "read-only"


# --- the rules table -------------------------------------------------------------------------------

_A, _O, _R = role.ADMIN, role.OPERATOR, role.READER
_ADMIN = RoleSet([_A])
_ADMIN_READER = RoleSet([_A, _R])  # reader only matters in maintenance (checked by the handler)
_ADMIN_OPERATOR = RoleSet([_A, _O])
_READ = RoleSet([_A, _O, _R])
_ETCD_READ = RoleSet([_A, _O, _R, role.ETCD_BACKUP])
_ETCD_BACKUP = RoleSet([_A, _O, role.ETCD_BACKUP])
_META = RoleSet([_A, role.META_WRITER])
_VERIFY = RoleSet([_A, _O, _R, role.IMAGE_VERIFIER])


def _group(prefix: str, roles: RoleSet, *methods: str) -> dict[str, RoleSet]:
    return {f"/{prefix}/{m}": roles for m in methods}


_M = "machine.MachineService"
RULES: Final[Mapping[str, RoleSet]] = {
    **_group(
        _M,
        _ADMIN,
        "Bootstrap",
        "Copy",
        "EtcdForfeitLeadership",
        "EtcdLeaveCluster",
        "EtcdRecover",
        "EtcdRemoveMemberByID",
        "EtcdDowngradeCancel",
        "EtcdDowngradeEnable",
        "EtcdDowngradeValidate",
        "GenerateClientConfiguration",
        "Kubeconfig",
        "Read",
        "Reset",
        "Rollback",
        "Upgrade",
    ),
    **_group("machine.LifecycleService", _ADMIN, "Install", "Upgrade"),
    **_group("machine.DebugService", _ADMIN, "ContainerRun"),
    **_group("machine.ImageService", _ADMIN, "Import", "Remove"),
    **_group("cosi.resource.State", _ADMIN, "Create", "Update", "Destroy", "Teardown", "TeardownAndDestroy"),
    **_group(_M, _ADMIN_READER, "ApplyConfiguration"),
    **_group("storage.StorageService", _ADMIN_READER, "BlockDeviceWipe"),
    **_group(
        "machine.LVMService",
        _ADMIN_READER,
        "LogicalVolumeRemove",
        "VolumeGroupRemove",
        "PhysicalVolumeRemove",
    ),
    **_group("machine.MDService", _ADMIN_READER, "Destroy"),
    **_group(
        _M,
        _ADMIN_OPERATOR,
        "EtcdAlarmDisarm",
        "EtcdDefragment",
        "ImagePull",
        "PacketCapture",
        "Reboot",
        "Restart",
        "ServiceRestart",
        "ServiceStart",
        "ServiceStop",
        "Shutdown",
    ),
    **_group("machine.ImageService", _ADMIN_OPERATOR, "Pull"),
    **_group(_M, _ETCD_BACKUP, "EtcdSnapshot"),
    **_group(_M, _ETCD_READ, "EtcdAlarmList", "EtcdMemberList", "EtcdStatus"),
    **_group(_M, _META, "MetaWrite", "MetaDelete"),
    **_group("machine.ImageService", _VERIFY, "Verify"),
    **_group(
        _M,
        _READ,
        "CPUInfo",
        "CPUFreqStats",
        "Containers",
        "DiskStats",
        "DiskUsage",
        "Dmesg",
        "Events",
        "Hostname",
        "ImageList",
        "List",
        "LoadAvg",
        "Logs",
        "LogsContainers",
        "Memory",
        "Mounts",
        "NetworkDeviceStats",
        "Netstat",
        "Processes",
        "ServiceList",
        "Stats",
        "SystemStat",
        "Version",
    ),
    **_group("machine.ImageService", _READ, "List"),
    **_group("machine.StorageService", _READ, "Statfs"),
    **_group("cluster.ClusterService", _READ, "HealthCheck"),
    **_group("inspect.InspectService", _READ, "ControllerRuntimeDependencies"),
    **_group("storage.StorageService", _READ, "Disks"),
    **_group("time.TimeService", _READ, "Time", "TimeCheck"),
    **_group("cosi.resource.State", _READ, "Get", "List", "Watch"),
}


def allowed_roles(method: str, rules: Mapping[str, RoleSet] = RULES) -> RoleSet:
    """The roles that may call ``method`` (a full path); unlisted methods are admin only."""
    return rules.get(method, _ADMIN)


def is_allowed(method: str, roles: RoleSet, rules: Mapping[str, RoleSet] = RULES) -> bool:
    return roles.includes_any(allowed_roles(method, rules))


# --- client certificates ---------------------------------------------------------------------------


_TS = "%Y-%m-%dT%H:%M:%SZ"


class CertificateRejectedError(ValueError):
    """A client certificate apid does not accept; the message says why."""


def _verify_signature(cert: cx509.Certificate, issuer: cx509.Certificate) -> bool:
    key = issuer.public_key()
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            assert cert.signature_hash_algorithm is not None
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            assert cert.signature_hash_algorithm is not None
            key.verify(
                cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm
            )
        else:
            return False
    except InvalidSignature:
        return False
    return True


def load_cas(pems: Iterable[bytes]) -> list[cx509.Certificate]:
    """Every certificate of the PEM bundles (the OS CA plus ``machine.acceptedCAs``)."""
    return [c for pem in pems if pem for c in cx509.load_pem_x509_certificates(pem)]


def verify_client_certificate(
    der: bytes, cas: Sequence[cx509.Certificate], now: datetime | None = None
) -> cx509.Certificate:
    """apid's checks of a client leaf certificate; :class:`CertificateRejectedError` says what failed."""
    cert = _verified_chain(der, tuple(cas))
    _check_validity(cert, now)
    return cert


@lru_cache(maxsize=256)
def _verified_chain(der: bytes, cas: tuple[cx509.Certificate, ...]) -> cx509.Certificate:
    """Parsing, signature and key-usage checks, cached per certificate (a connection sends many
    requests with the same one); the validity window is checked on every call."""
    try:
        cert = cx509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise CertificateRejectedError(f"client certificate cannot be parsed: {exc}") from None
    subject = cert.subject.rfc4514_string()
    if not any(ca.subject == cert.issuer and _verify_signature(cert, ca) for ca in cas):
        raise CertificateRejectedError(f"client certificate {subject}: not signed by an accepted CA")
    try:
        usages = list(cert.extensions.get_extension_for_class(cx509.ExtendedKeyUsage).value)
    except cx509.ExtensionNotFound:
        usages = []
    if usages != [ExtendedKeyUsageOID.CLIENT_AUTH]:
        names = ", ".join(getattr(u, "_name", u.dotted_string) for u in usages) or "none"
        raise CertificateRejectedError(
            f"client certificate {subject}: extended key usage must be exactly [clientAuth], got [{names}]"
        )
    return cert


def _check_validity(cert: cx509.Certificate, now: datetime | None) -> None:
    moment = now or datetime.now(UTC)
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        raise CertificateRejectedError(
            f"client certificate {cert.subject.rfc4514_string()}: not valid at {moment:{_TS}} "
            f"(valid {cert.not_valid_before_utc:{_TS}}..{cert.not_valid_after_utc:{_TS}})"
        )


def certificate_roles(cert: cx509.Certificate) -> RoleSet:
    """Roles = the subject's Organization values (unknown kept, empty ignored)."""
    return role.parse(str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME))


def common_name(cert: cx509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


# --- the caller, as the handler sees it --------------------------------------------------------------


class Caller:
    """Who made the current request: roles as decided by the listener, and the certificate's CN."""

    __slots__ = ("common_name", "roles")

    def __init__(self, roles: RoleSet, common_name: str = "") -> None:
        self.roles = roles
        self.common_name = common_name


_CALLER: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("pytalos_authz_caller", default=None)


def current_caller() -> Caller | None:
    """The caller of the request being handled, when an authz listener ran for it (else ``None``)."""
    return _CALLER.get()


def caller_roles(stream: Stream[Any, Any]) -> RoleSet:
    """The roles of ``stream``'s caller: the listener's decision; on a server without one, the client
    certificate's Organizations (never ``talos-role`` metadata, which anyone can send)."""
    caller = _CALLER.get()
    if caller is not None:
        return caller.roles
    cert = stream.peer.cert()
    orgs = [v for rdn in (cert or {}).get("subject", ()) for k, v in rdn if k == "organizationName"]
    return role.parse(orgs)


# --- the listener ----------------------------------------------------------------------------------


def _transport(event: RecvRequest) -> Any:
    return event.peer._transport


def _peer_is_local_user(event: RecvRequest) -> bool:
    sock = _transport(event).get_extra_info("socket")
    if sock is None or sock.family != socket.AF_UNIX:
        return False
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid in (0, os.getuid()))


class Authorizer:
    """The ``RecvRequest`` listener; see the module docstring."""

    def __init__(
        self,
        mode: Mode,
        *,
        rules: Mapping[str, RoleSet] | None = RULES,
        client_cas: Iterable[bytes] = (),
    ) -> None:
        self.mode = mode
        self.rules = rules
        self.cas = tuple(load_cas(client_cas))
        if mode is Mode.ENABLED and not self.cas:
            raise ValueError("authz: ENABLED mode needs the CA(s) client certificates must chain to")

    def caller(self, event: RecvRequest) -> Caller:
        if self.mode is Mode.READ_ONLY:
            return Caller(RoleSet([role.READER]))
        metadata_roles = role.parse(str(v) for v in event.metadata.getall(ROLE_METADATA_KEY, []))
        if self.mode is Mode.METADATA_ONLY:
            if not _peer_is_local_user(event):
                raise GRPCError(Status.PERMISSION_DENIED, "role metadata is only trusted on the local socket")
            return Caller(metadata_roles)
        ssl_object = _transport(event).get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if not der:
            raise GRPCError(Status.UNAUTHENTICATED, "client certificate required")
        try:
            cert = verify_client_certificate(der, self.cas)
        except CertificateRejectedError as err:
            raise GRPCError(Status.UNAUTHENTICATED, str(err)) from None
        roles = certificate_roles(cert)
        if role.IMPERSONATOR in roles:
            roles = metadata_roles
        return Caller(roles, common_name(cert))

    async def __call__(self, event: RecvRequest) -> None:
        caller = self.caller(event)
        _CALLER.set(caller)
        metadata: MultiDict[Any] = MultiDict(
            (k, v) for k, v in event.metadata.items() if k != ROLE_METADATA_KEY
        )
        for name in caller.roles:
            metadata.add(ROLE_METADATA_KEY, name)
        event.metadata = metadata  # type: ignore[assignment]
        if self.rules is not None and not is_allowed(event.method_name, caller.roles, self.rules):
            raise GRPCError(Status.PERMISSION_DENIED, NOT_AUTHORIZED)


def install(
    server: Server,
    mode: Mode,
    *,
    rules: Mapping[str, RoleSet] | None = RULES,
    client_cas: Iterable[bytes] = (),
) -> Authorizer:
    """Attach an :class:`Authorizer` to ``server`` (before it starts serving)."""
    authorizer = Authorizer(mode, rules=rules, client_cas=client_cas)
    listen(server, RecvRequest, authorizer)
    return authorizer
