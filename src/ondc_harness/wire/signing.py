"""ONDC request signing: the ``Authorization: Signature ...`` header.

The digest is BLAKE2b-512 over the *exact bytes sent*, base64 with padding.  The signing string
is three lines joined by ``\\n``::

    (created): {created}
    (expires): {expires}
    digest: BLAKE-512={digest}

signed with Ed25519.  Keys travel as ONDC utilities exchange them: public = raw 32 bytes base64;
private = 64-byte libsodium secret key (seed‖public) base64, whose first 32 bytes are the seed
(a bare 32-byte seed is accepted too).

We are exact when writing and lenient when reading (spaces after commas, any parameter order,
unquoted integers as in draft-cavage), and every rejection carries a short, stable ``reason``
that users can grep for.  A header is checked structurally first (so a garbled header is
reported as such, not as "expired"), then against the key, the clock and finally the bytes.
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
from functools import partial
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ondc_harness.errors import HarnessError

DEFAULT_VALIDITY_S = 3600
DEFAULT_CLOCK_SKEW_S = 5.0
SIGNED_HEADERS = "(created) (expires) digest"
# Unix seconds pass 10**11 in the year 5138; a larger value is almost surely milliseconds.
_MILLISECONDS_THRESHOLD = 10**11


class SignatureError(HarnessError):
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
        """A fresh pair, already in the 64-byte form registries and ONDC utilities expect."""
        key = SigningKey.generate()
        return cls.from_private(base64.b64encode(bytes(key)).decode())

    @classmethod
    def from_private(cls, private_b64: str) -> KeyPair:
        """Normalise any accepted private key form and derive its public key."""
        key = signing_key_from_b64(private_b64)
        secret = bytes(key) + bytes(key.verify_key)
        return cls(
            signing_private_key=base64.b64encode(secret).decode(),
            signing_public_key=base64.b64encode(bytes(key.verify_key)).decode(),
        )

    def __repr__(self) -> str:  # never print a private key by accident
        return f"KeyPair(signing_public_key={self.signing_public_key!r})"


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64: a URL-safe or unpadded key is a user error worth naming."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64") from None


def signing_key_from_b64(private_b64: str) -> SigningKey:
    """Accept the 64-byte libsodium secret key (seed‖public) or a bare 32-byte seed.

    For the 64-byte form the public half must belong to the seed: libsodium signs with the
    stored public half, so a mismatched pair produces signatures nobody can verify.
    """
    raw = _b64decode(private_b64, "private key")
    if len(raw) not in (32, 64):
        raise ValueError(f"private key must be 32 or 64 bytes, got {len(raw)}")
    key = SigningKey(raw[:32])
    if len(raw) == 64 and raw[32:] != bytes(key.verify_key):
        raise ValueError("private key's last 32 bytes are not the public key of its seed")
    return key


def verify_key_from_b64(public_b64: str) -> VerifyKey:
    """Decode a registry-style public key (raw 32 bytes, base64)."""
    raw = _b64decode(public_b64, "public key")
    if len(raw) != 32:
        raise ValueError(f"public key must be 32 bytes, got {len(raw)}")
    return VerifyKey(raw)


def blake2b_digest(body: bytes) -> str:
    """BLAKE2b-512 of ``body``, standard base64 with padding."""
    return base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode()


def signing_string(created: int, expires: int, digest: str) -> str:
    """The exact text that is signed; one place so signer and verifier cannot drift apart."""
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}"


def parse_digest_header(value: str) -> str | None:
    """The BLAKE-512 value of an HTTP ``Digest`` header, or ``None`` when it has none.

    Accepts ``BLAKE-512=<b64>`` (any case, possibly among other algorithms) and a bare 64-byte
    base64 digest, which is what people paste when debugging.
    """
    parts = [part.strip() for part in value.split(",") if part.strip()]
    for part in parts:
        name, sep, digest = part.partition("=")
        if sep and name.strip().upper() == "BLAKE-512":
            return digest.strip()
    if len(parts) == 1 and _is_bare_digest(parts[0]):
        return parts[0]
    return None


def _is_bare_digest(text: str) -> bool:
    try:
        return len(_b64decode(text, "digest")) == 64
    except ValueError:
        return False


def _check_key_id_part(value: str, name: str) -> None:
    """Refuse ids that would make the keyId ambiguous or the header unparseable."""
    if not value or any(ch in value for ch in '|",') or value != value.strip():
        raise ValueError(f"{name} must be non-empty without '|', '\"', ',' or edge spaces")


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
    _check_key_id_part(subscriber_id, "subscriber_id")
    _check_key_id_part(unique_key_id, "unique_key_id")
    created = int(time.time()) if created is None else created
    expires = created + DEFAULT_VALIDITY_S if expires is None else expires
    if expires < created:
        raise ValueError(f"expires={expires} is before created={created}")
    message = signing_string(created, expires, blake2b_digest(body)).encode()
    signature = base64.b64encode(key.sign(message).signature).decode()
    return (
        f'Signature keyId="{subscriber_id}|{unique_key_id}|ed25519",algorithm="ed25519",'
        f'created="{created}",expires="{expires}",headers="{SIGNED_HEADERS}",'
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

    @property
    def key_id(self) -> str:
        """The keyId as written, for messages that must name exactly what the sender sent."""
        return f"{self.subscriber_id}|{self.unique_key_id}|{self.key_algorithm}"


_SCHEME = re.compile(r"Signature\s+", re.IGNORECASE)
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^\s",]+))\s*(?:,|$)')
_UNIX_SECONDS = re.compile(r"[0-9]+")
_REQUIRED = ("keyId", "algorithm", "created", "expires", "signature")


def parse_authorization(header: str | None) -> SignatureHeader:
    """Parse leniently (whitespace, parameter order); raise :class:`SignatureError` if unusable."""
    if header is None or not header.strip():
        raise SignatureError(MISSING_HEADER, "no Authorization header")
    params = _parse_params(header.strip())
    parts = params["keyId"].split("|")
    if len(parts) != 3 or not all(parts):
        raise SignatureError(
            MALFORMED_HEADER, "keyId must be subscriber_id|unique_key_id|algorithm")
    created = _unix_seconds(params, "created")
    expires = _unix_seconds(params, "expires")
    if expires < created:
        raise SignatureError(MALFORMED_HEADER, f"expires={expires} is before created={created}")
    headers = " ".join(params.get("headers", SIGNED_HEADERS).split())
    if headers != SIGNED_HEADERS:
        raise SignatureError(
            MALFORMED_HEADER, f"headers={headers!r}; ONDC signs {SIGNED_HEADERS!r}")
    _check_signature_encoding(params["signature"])
    return SignatureHeader(
        subscriber_id=parts[0],
        unique_key_id=parts[1],
        key_algorithm=parts[2],
        algorithm=params["algorithm"],
        created=created,
        expires=expires,
        headers=headers,
        signature=params["signature"],
    )


def _parse_params(text: str) -> dict[str, str]:
    """``Signature k="v",k2=v2`` → dict; duplicates are refused so no value can be smuggled."""
    scheme = _SCHEME.match(text)
    if scheme is None:
        raise SignatureError(MALFORMED_HEADER, "does not start with 'Signature '")
    params: dict[str, str] = {}
    pos = scheme.end()
    while pos < len(text):
        match = _PARAM.match(text, pos)
        if match is None:
            raise SignatureError(
                MALFORMED_HEADER, f"cannot parse parameters at {text[pos:pos + 20]!r}")
        name = match.group(1)
        if name in params:
            raise SignatureError(MALFORMED_HEADER, f"parameter {name} appears twice")
        params[name] = match.group(2) if match.group(2) is not None else match.group(3)
        pos = match.end()
    for required in _REQUIRED:
        if required not in params:
            raise SignatureError(MALFORMED_HEADER, f"parameter {required} is missing")
    return params


def _unix_seconds(params: dict[str, str], name: str) -> int:
    """ASCII digits only: ``int()`` would also take ``1_0``, ``+1`` and non-ASCII digits."""
    value = params[name]
    if not _UNIX_SECONDS.fullmatch(value):
        raise SignatureError(MALFORMED_HEADER, f"{name}={value!r} must be unix seconds")
    return int(value)


def _check_signature_encoding(signature: str) -> None:
    try:
        raw = _b64decode(signature, "signature")
    except ValueError as exc:
        raise SignatureError(MALFORMED_HEADER, str(exc)) from None
    if len(raw) != 64:
        raise SignatureError(MALFORMED_HEADER, f"an ed25519 signature is 64 bytes, got {len(raw)}")


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
    _check_algorithm(parsed)
    if expected_subscriber is not None and parsed.subscriber_id != expected_subscriber:
        raise SignatureError(
            SUBSCRIBER_MISMATCH,
            f"keyId names {parsed.subscriber_id!r} but the message is from {expected_subscriber!r}",
        )
    verify_key = _resolve_key(parsed, public_key)
    _check_time(parsed, time.time() if now is None else now, clock_skew)
    signature = base64.b64decode(parsed.signature)
    if _verifies(verify_key, signature, parsed, blake2b_digest(body)):
        return parsed
    raise SignatureError(*_explain_failure(verify_key, signature, parsed, body, claimed_digest))


def _check_algorithm(parsed: SignatureHeader) -> None:
    if parsed.key_algorithm != parsed.algorithm:
        raise SignatureError(
            ALGORITHM_MISMATCH,
            f"keyId says {parsed.key_algorithm!r}, algorithm says {parsed.algorithm!r}",
        )
    if parsed.algorithm != "ed25519":
        raise SignatureError(ALGORITHM_MISMATCH, f"unsupported algorithm {parsed.algorithm!r}")


def _resolve_key(parsed: SignatureHeader, public_key: str | KeyResolver) -> VerifyKey:
    """The key for the header's keyId; an unusable registered key is as good as none."""
    key_b64 = (
        public_key(parsed.subscriber_id, parsed.unique_key_id)
        if callable(public_key) else public_key
    )
    if key_b64 is None:
        raise SignatureError(
            UNKNOWN_KEY, f"no key for {parsed.subscriber_id}|{parsed.unique_key_id}")
    try:
        return verify_key_from_b64(key_b64)
    except ValueError as exc:
        raise SignatureError(
            UNKNOWN_KEY,
            f"the key for {parsed.subscriber_id}|{parsed.unique_key_id} is unusable: {exc}",
        ) from None


def _check_time(parsed: SignatureHeader, now: float, clock_skew: float) -> None:
    if parsed.created > now + clock_skew:
        hint = (" (it looks like milliseconds; ONDC uses unix seconds)"
                if parsed.created >= _MILLISECONDS_THRESHOLD else "")
        raise SignatureError(
            NOT_YET_VALID,
            f"created={parsed.created} is after now={int(now)} + {clock_skew:g}s skew{hint}",
        )
    if parsed.expires < now:
        raise SignatureError(EXPIRED, f"expires={parsed.expires} is before now={int(now)}")


def _verifies(key: VerifyKey, signature: bytes, parsed: SignatureHeader, digest: str) -> bool:
    message = signing_string(parsed.created, parsed.expires, digest).encode()
    try:
        key.verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True


_Dump = Callable[[Any], str]
_RESERIALISATIONS: tuple[tuple[str, _Dump], ...] = (
    ("re-serialised as compact JSON",
     partial(json.dumps, separators=(",", ":"), ensure_ascii=False)),
    ("re-serialised as compact ASCII-escaped JSON", partial(json.dumps, separators=(",", ":"))),
    ("re-serialised with spaces after separators", partial(json.dumps, ensure_ascii=False)),
    ("re-serialised with ASCII escapes and spaces", json.dumps),
    ("re-serialised as pretty JSON (indent 2)", partial(json.dumps, indent=2, ensure_ascii=False)),
    ("re-serialised as pretty ASCII-escaped JSON (indent 2)", partial(json.dumps, indent=2)),
)


def _body_variants(body: bytes) -> list[tuple[str, bytes]]:
    """Bytes a sender commonly hashes instead of what it sent (PROTOCOL.md, "Pitfall")."""
    variants: list[tuple[str, bytes]] = [
        ("with its trailing newline removed", body.rstrip(b"\r\n")),
        ("with a trailing newline added", body + b"\n"),
    ]
    try:
        parsed = json.loads(body)
        variants += [(label, dump(parsed).encode()) for label, dump in _RESERIALISATIONS]
    except (ValueError, RecursionError):
        pass  # not JSON (or too deep to re-serialise): only the newline variants apply
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
    claimed = parse_digest_header(claimed_digest) if claimed_digest is not None else None
    if claimed is not None and claimed != actual:
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
