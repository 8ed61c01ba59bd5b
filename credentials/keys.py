"""Ed25519 keys as Multikey (Controlled Identifiers v1.0 §2.2.2, vc-di-eddsa §2.1.1).

``publicKeyMultibase`` is ``z`` + base58btc(0xed 0x01 ‖ 32-byte key), always
starting ``z6Mk``; ``secretKeyMultibase`` is ``z`` + base58btc(0x80 0x26 ‖ 32-byte
seed), starting ``z3u2``. Any other header is rejected. The 64-byte seed‖public
form used by the 1EdTech test key is accepted for reading (and checked against
the public key), never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from credentials.encoding import multibase_decode, multibase_encode
from credentials.errors import EncodingError, KeyFormatError

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw


def encode_public_key(public: bytes) -> str:
    """Multikey ``publicKeyMultibase`` for a 32-byte Ed25519 public key."""
    if len(public) != 32:
        raise KeyFormatError("an Ed25519 public key has 32 bytes")
    return multibase_encode(ED25519_PUB_HEADER + public)


def decode_public_key(value: str) -> bytes:
    """The 32 raw bytes of a ``publicKeyMultibase`` value; KeyFormatError otherwise."""
    if not isinstance(value, str) or len(value) > 60:  # 34 bytes are 48 base58 characters
        raise KeyFormatError("publicKeyMultibase is not an Ed25519 Multikey (z6Mk…)")
    try:
        raw = multibase_decode(value)
    except EncodingError as exc:
        raise KeyFormatError(f"publicKeyMultibase: {exc}") from exc
    if value[:1] != "z" or raw[:2] != ED25519_PUB_HEADER or len(raw) != 34:
        raise KeyFormatError("publicKeyMultibase is not an Ed25519 Multikey (z6Mk…)")
    return raw[2:]


def _decode_secret_key(value: str) -> tuple[bytes, bytes | None]:
    try:
        raw = multibase_decode(value)
    except EncodingError as exc:
        raise KeyFormatError(f"secretKeyMultibase: {exc}") from exc
    if value[:1] != "z" or raw[:2] != ED25519_PRIV_HEADER or len(raw) not in (34, 66):
        raise KeyFormatError("secretKeyMultibase is not an Ed25519 Multikey secret (z3u2…)")
    seed = raw[2:34]
    embedded_public = raw[34:] if len(raw) == 66 else None
    return seed, embedded_public


@dataclass(frozen=True)
class Ed25519Multikey:
    """An Ed25519 key pair (or public key alone) with its verification-method id.

    ``id`` is the absolute verification-method URL (``did:…#fragment``) and
    ``controller`` the DID that controls it. Signing needs the private part.
    """

    public_key: bytes
    id: str = ""
    controller: str = ""
    _private: Ed25519PrivateKey | None = field(default=None, repr=False, compare=False)

    @classmethod
    def generate(cls, *, controller: str | None = None, fragment: str | None = None) -> Ed25519Multikey:
        """A new random key. Without ``controller`` it is a did:key (``did:key:z6Mk…#z6Mk…``)."""
        return cls.from_private_key(Ed25519PrivateKey.generate(), controller=controller, fragment=fragment)

    @classmethod
    def from_private_key(
        cls, private: Ed25519PrivateKey, *, controller: str | None = None, fragment: str | None = None
    ) -> Ed25519Multikey:
        public = private.public_key().public_bytes(_RAW, _RAW_PUB)
        multibase = encode_public_key(public)
        ctrl = controller or f"did:key:{multibase}"
        return cls(public_key=public, id=f"{ctrl}#{fragment or multibase}", controller=ctrl, _private=private)

    @classmethod
    def from_seed(cls, seed: bytes, *, controller: str | None = None, fragment: str | None = None) -> Ed25519Multikey:
        if len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed has 32 bytes")
        return cls.from_private_key(
            Ed25519PrivateKey.from_private_bytes(seed), controller=controller, fragment=fragment
        )

    @classmethod
    def from_multikey(cls, data: dict[str, Any]) -> Ed25519Multikey:
        """Read a Multikey JSON object (``publicKeyMultibase``, optional ``secretKeyMultibase``).

        Also accepts the older ``privateKeyMultibase`` name used by the W3C test vectors.
        Raises KeyFormatError when the parts do not belong together.
        """
        if not isinstance(data, dict):
            raise KeyFormatError("a Multikey is a JSON object")
        pub_mb = data.get("publicKeyMultibase")
        if not isinstance(pub_mb, str):
            raise KeyFormatError("Multikey without publicKeyMultibase")
        public = decode_public_key(pub_mb)
        controller = data.get("controller") or f"did:key:{pub_mb}"
        key_id = data.get("id") or f"{controller}#{pub_mb}"
        if not isinstance(controller, str) or not isinstance(key_id, str):
            raise KeyFormatError("Multikey id and controller must be strings")
        if key_id.startswith("#"):
            key_id = controller + key_id
        if key_id.split("#", 1)[0] != controller:
            raise KeyFormatError(f"key id {key_id!r} is not under its controller {controller!r}")
        secret = data.get("secretKeyMultibase", data.get("privateKeyMultibase"))
        private = None
        if secret is not None:
            if not isinstance(secret, str):
                raise KeyFormatError("secretKeyMultibase must be a string")
            seed, embedded_public = _decode_secret_key(secret)
            private = Ed25519PrivateKey.from_private_bytes(seed)
            derived = private.public_key().public_bytes(_RAW, _RAW_PUB)
            if derived != public or (embedded_public is not None and embedded_public != public):
                raise KeyFormatError("secret key does not belong to publicKeyMultibase")
        return cls(public_key=public, id=key_id, controller=controller, _private=private)

    @property
    def public_key_multibase(self) -> str:
        return encode_public_key(self.public_key)

    @property
    def has_private_key(self) -> bool:
        return self._private is not None

    def secret_key_multibase(self) -> str:
        """The seed as ``secretKeyMultibase``; only on explicit request (never in to_json by default)."""
        if self._private is None:
            raise KeyFormatError("this key has no private part")
        seed = self._private.private_bytes(_RAW, _RAW_PRIV, serialization.NoEncryption())
        return multibase_encode(ED25519_PRIV_HEADER + seed)

    def seed(self) -> bytes:
        if self._private is None:
            raise KeyFormatError("this key has no private part")
        return self._private.private_bytes(_RAW, _RAW_PRIV, serialization.NoEncryption())

    def public_only(self) -> Ed25519Multikey:
        return Ed25519Multikey(public_key=self.public_key, id=self.id, controller=self.controller)

    def sign(self, data: bytes) -> bytes:
        if self._private is None:
            raise KeyFormatError("cannot sign with a public key alone")
        return self._private.sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is a valid Ed25519 signature of ``data`` by this key."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_verification_method(self) -> dict[str, Any]:
        """The public verification-method object for a DID document."""
        return {
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }

    def to_json(self, *, include_secret: bool = False) -> dict[str, Any]:
        data = self.to_verification_method()
        if include_secret:
            data["secretKeyMultibase"] = self.secret_key_multibase()
        return data
