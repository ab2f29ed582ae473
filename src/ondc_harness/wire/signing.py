"""ONDC request signing: the ``Authorization: Signature ...`` header.

The digest is BLAKE2b-512 over the *exact bytes sent*, base64 with padding.  The signing string
is three lines joined by ``\\n``::

    (created): {created}
    (expires): {expires}
    digest: BLAKE-512={digest}

signed with Ed25519.  Keys travel as ONDC utilities exchange them: public = raw 32 bytes base64;
private = 64-byte libsodium secret key (seed‖public) base64, whose first 32 bytes are the seed
(a bare 32-byte seed is accepted too).

We are exact when writing and lenient when reading (spaces after commas, any parameter order),
and every rejection carries a short, stable ``reason`` that users can grep for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

DEFAULT_VALIDITY_S = 3600
DEFAULT_CLOCK_SKEW_S = 5.0


class SignatureError(Exception):
    """A signature was rejected.  ``reason`` is one of the constants below, ``detail`` explains."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


MISSING_HEADER = "missing header"
MALFORMED_HEADER = "malformed header"
ALGORITHM_MISMATCH = "algorithm mismatch"
UNKNOWN_KEY = "unknown key"
NOT_YET_VALID = "created in the future"
EXPIRED = "expired"
DIGEST_MISMATCH = "digest mismatch"
BAD_SIGNATURE = "bad signature"
SUBSCRIBER_MISMATCH = "subscriber mismatch"


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 signing key pair in ONDC's base64 exchange format."""

    signing_private_key: str
    signing_public_key: str

    @classmethod
    def generate(cls) -> KeyPair:
        key = SigningKey.generate()
        return cls.from_private(base64.b64encode(bytes(key)).decode())

    @classmethod
    def from_private(cls, private_b64: str) -> KeyPair:
        key = signing_key_from_b64(private_b64)
        secret = bytes(key) + bytes(key.verify_key)
        return cls(
            signing_private_key=base64.b64encode(secret).decode(),
            signing_public_key=base64.b64encode(bytes(key.verify_key)).decode(),
        )

    def __repr__(self) -> str:  # never print a private key by accident
        return f"KeyPair(signing_public_key={self.signing_public_key!r})"


def signing_key_from_b64(private_b64: str) -> SigningKey:
    """Accept the 64-byte libsodium secret key (seed‖public) or a bare 32-byte seed."""
    try:
        raw = base64.b64decode(private_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("private key is not valid base64") from exc
    if len(raw) not in (32, 64):
        raise ValueError(f"private key must be 32 or 64 bytes, got {len(raw)}")
    return SigningKey(raw[:32])


def verify_key_from_b64(public_b64: str) -> VerifyKey:
    try:
        raw = base64.b64decode(public_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("public key is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError(f"public key must be 32 bytes, got {len(raw)}")
    return VerifyKey(raw)


def blake2b_digest(body: bytes) -> str:
    """BLAKE2b-512 of ``body``, standard base64 with padding."""
    return base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode()


def signing_string(created: int, expires: int, digest: str) -> str:
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}"


def sign_body(
    body: bytes,
    private_key_b64: str,
    subscriber_id: str,
    unique_key_id: str,
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """The ``Authorization`` header value for ``body``, exactly as ONDC writes it."""
    key = signing_key_from_b64(private_key_b64)
    created = int(time.time()) if created is None else created
    expires = created + DEFAULT_VALIDITY_S if expires is None else expires
    message = signing_string(created, expires, blake2b_digest(body)).encode()
    signature = base64.b64encode(key.sign(message).signature).decode()
    return (
        f'Signature keyId="{subscriber_id}|{unique_key_id}|ed25519",algorithm="ed25519",'
        f'created="{created}",expires="{expires}",headers="(created) (expires) digest",'
        f'signature="{signature}"'
    )


@dataclass(frozen=True)
class SignatureHeader:
    """A parsed ``Authorization`` header."""

    subscriber_id: str
    unique_key_id: str
    key_algorithm: str
    algorithm: str
    created: int
    expires: int
    headers: str
    signature: str


_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def parse_authorization(header: str | None) -> SignatureHeader:
    """Parse leniently (whitespace, parameter order); raise :class:`SignatureError` if unusable."""
    if header is None or not header.strip():
        raise SignatureError(MISSING_HEADER, "no Authorization header")
    text = header.strip()
    if not text.startswith("Signature "):
        raise SignatureError(MALFORMED_HEADER, "does not start with 'Signature '")
    text = text[len("Signature "):].strip()
    params: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        match = _PARAM.match(text, pos)
        if match is None:
            raise SignatureError(MALFORMED_HEADER, f"cannot parse parameters at {text[pos:pos+20]!r}")
        params[match.group(1)] = match.group(2)
        pos = match.end()
    for required in ("keyId", "algorithm", "created", "expires", "signature"):
        if required not in params:
            raise SignatureError(MALFORMED_HEADER, f"parameter {required} is missing")
    parts = params["keyId"].split("|")
    if len(parts) != 3 or not all(parts):
        raise SignatureError(MALFORMED_HEADER, "keyId must be subscriber_id|unique_key_id|algorithm")
    try:
        created = int(params["created"])
        expires = int(params["expires"])
    except ValueError:
        raise SignatureError(MALFORMED_HEADER, "created/expires must be unix seconds") from None
    return SignatureHeader(
        subscriber_id=parts[0],
        unique_key_id=parts[1],
        key_algorithm=parts[2],
        algorithm=params["algorithm"],
        created=created,
        expires=expires,
        headers=params.get("headers", "(created) (expires) digest"),
        signature=params["signature"],
    )


KeyResolver = Callable[[str, str], str | None]
"""``(subscriber_id, unique_key_id) → public key base64`` or ``None`` when unknown."""


def verify_authorization(
    header: str | None,
    body: bytes,
    public_key: str | KeyResolver,
    *,
    now: float | None = None,
    clock_skew: float = DEFAULT_CLOCK_SKEW_S,
    expected_subscriber: str | None = None,
    claimed_digest: str | None = None,
) -> SignatureHeader:
    """Verify ``header`` over ``body``; return the parsed header or raise :class:`SignatureError`.

    ``public_key`` is a base64 key, or a resolver looked up with the header's keyId.
    ``expected_subscriber`` is the context's sender (``bap_id`` for requests, ``bpp_id`` for
    callbacks); the keyId must name it.  ``claimed_digest`` is the sender's own digest when it is
    known (an HTTP ``Digest: BLAKE-512=...`` header, or ``verify --digest``): with it a changed
    body is told apart from a wrong key.
    """
    parsed = parse_authorization(header)
    if parsed.key_algorithm != parsed.algorithm:
        raise SignatureError(
            ALGORITHM_MISMATCH,
            f"keyId says {parsed.key_algorithm!r}, algorithm says {parsed.algorithm!r}",
        )
    if parsed.algorithm != "ed25519":
        raise SignatureError(ALGORITHM_MISMATCH, f"unsupported algorithm {parsed.algorithm!r}")
    if expected_subscriber is not None and parsed.subscriber_id != expected_subscriber:
        raise SignatureError(
            SUBSCRIBER_MISMATCH,
            f"keyId names {parsed.subscriber_id!r} but the message is from {expected_subscriber!r}",
        )
    key_b64 = (
        public_key(parsed.subscriber_id, parsed.unique_key_id)
        if callable(public_key) else public_key
    )
    if key_b64 is None:
        raise SignatureError(
            UNKNOWN_KEY, f"no key for {parsed.subscriber_id}|{parsed.unique_key_id}")
    now = time.time() if now is None else now
    if parsed.created > now + clock_skew:
        raise SignatureError(NOT_YET_VALID, f"created={parsed.created} is after now={int(now)}")
    if parsed.expires < now:
        raise SignatureError(EXPIRED, f"expires={parsed.expires} is before now={int(now)}")
    try:
        verify_key = verify_key_from_b64(key_b64)
        signature = base64.b64decode(parsed.signature, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise SignatureError(MALFORMED_HEADER, str(exc)) from None
    digest = blake2b_digest(body)
    if _verifies(verify_key, signature, parsed, digest):
        return parsed
    raise SignatureError(*_explain_failure(verify_key, signature, parsed, body, claimed_digest))


def _verifies(key: VerifyKey, signature: bytes, parsed: SignatureHeader, digest: str) -> bool:
    message = signing_string(parsed.created, parsed.expires, digest).encode()
    try:
        key.verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True


def _body_variants(body: bytes) -> list[tuple[str, bytes]]:
    """Bytes a sender commonly hashes instead of what it sent (PROTOCOL.md, "Pitfall")."""
    variants: list[tuple[str, bytes]] = [
        ("with its trailing newline removed", body.rstrip(b"\r\n")),
        ("with a trailing newline added", body + b"\n"),
    ]
    try:
        parsed = json.loads(body)
    except ValueError:
        return [(label, data) for label, data in variants if data != body]
    for label, kwargs in (
        ("re-serialised as compact JSON", {"separators": (",", ":"), "ensure_ascii": False}),
        ("re-serialised as compact ASCII-escaped JSON", {"separators": (",", ":")}),
        ("re-serialised with spaces after separators", {"ensure_ascii": False}),
        ("re-serialised with ASCII escapes and spaces", {}),
    ):
        variants.append((label, json.dumps(parsed, **kwargs).encode()))  # type: ignore[arg-type]
    return [(label, data) for label, data in variants if data != body]


def _explain_failure(
    key: VerifyKey,
    signature: bytes,
    parsed: SignatureHeader,
    body: bytes,
    claimed_digest: str | None,
) -> tuple[str, str]:
    """Name the cause of a failed verification as precisely as the evidence allows.

    ONDC headers do not carry the digest, so on their own a changed body and a wrong key look
    the same to Ed25519.  We narrow it down with the sender's claimed digest when we have one,
    and by trying the bytes senders commonly hash by mistake.
    """
    actual = blake2b_digest(body)
    if claimed_digest is not None:
        claimed = claimed_digest.strip().removeprefix("BLAKE-512=")
        if claimed != actual:
            if _verifies(key, signature, parsed, claimed):
                return DIGEST_MISMATCH, (
                    f"the signature is valid for digest {claimed}, but the body hashes to "
                    f"{actual}: the body was changed after signing"
                )
            return DIGEST_MISMATCH, f"claimed digest {claimed} but the body hashes to {actual}"
    for label, variant in _body_variants(body):
        if _verifies(key, signature, parsed, blake2b_digest(variant)):
            return DIGEST_MISMATCH, (
                f"the signature is valid for the body {label}: the sender hashed different "
                "bytes than it sent"
            )
    return BAD_SIGNATURE, (
        f"signature does not verify with the key of {parsed.subscriber_id}|"
        f"{parsed.unique_key_id} over digest {actual} (wrong key, or body changed)"
    )
