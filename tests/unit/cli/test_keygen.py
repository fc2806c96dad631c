"""The forked RSA service-account key generator used by ``gen config``."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import rsa

from pytalos.cli.keygen import ServiceAccountKeygen


def test_forked_keygen_returns_an_rsa_4096_key_once() -> None:
    job = ServiceAccountKeygen.start("v1.10")
    assert job is not None
    key = job.result()
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 4096
    assert job.result() is key


def test_old_contracts_and_bad_versions_need_no_rsa_key() -> None:
    assert ServiceAccountKeygen.start("v1.6") is None
    assert ServiceAccountKeygen.start("not-a-version") is None


def test_falls_back_to_in_process_generation_when_the_child_fails() -> None:
    job = ServiceAccountKeygen()  # no child: result() generates in-process
    assert job.result().key_size == 4096
