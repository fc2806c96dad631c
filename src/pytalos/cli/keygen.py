"""The RSA-4096 service-account key of ``gen config``, generated in a forked child while we work.

A new secrets bundle for contracts newer than v1.6 needs an RSA-4096 key (as in Talos). Generating it
takes 0.1 to 1 s and holds the GIL, so a thread does not overlap it with importing and building the
configs; a child process forked before the heavy imports does, on a second core. Where ``fork`` is
not available the key is generated in-process when asked for.
"""

from __future__ import annotations

import os
from typing import Any


def _generate_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


class ServiceAccountKeygen:
    """A pending RSA-4096 private key: :meth:`start` forks, :meth:`result` collects."""

    def __init__(self, pid: int = 0, fd: int = -1) -> None:
        self._pid = pid
        self._fd = fd
        self._key: Any = None

    @classmethod
    def start(cls, talos_version: str) -> ServiceAccountKeygen | None:
        """Start generating when the contract needs an RSA key; None when it does not (or is invalid)."""
        from pytalos.machinery.config.contract import CURRENT, VersionContract

        try:
            contract = VersionContract.parse(talos_version) if talos_version else CURRENT
        except ValueError:
            return None  # reported later, with the other flag errors
        if not contract.use_rsa_service_account_key():
            return None
        if not hasattr(os, "fork"):
            return cls()
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: generate, hand the PEM over, leave without running any cleanup
            status = 1
            try:
                os.close(read_fd)
                data = _generate_pem()
                view = memoryview(data)
                while view:
                    view = view[os.write(write_fd, view) :]
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        return cls(pid, read_fd)

    def result(self) -> Any:
        """The RSA private key (waits for the child; generates in-process if the child failed)."""
        if self._key is not None:
            return self._key
        from cryptography.hazmat.primitives import serialization

        pem = b""
        if self._fd >= 0:
            chunks = []
            while chunk := os.read(self._fd, 65536):
                chunks.append(chunk)
            os.close(self._fd)
            _, status = os.waitpid(self._pid, 0)
            self._fd = -1
            if os.waitstatus_to_exitcode(status) == 0:
                pem = b"".join(chunks)
        if not pem:
            pem = _generate_pem()
        self._key = serialization.load_pem_private_key(
            pem, password=None, unsafe_skip_rsa_key_validation=True
        )
        return self._key
