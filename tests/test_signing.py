"""ONDC Authorization header: the published vectors, round trips, and every rejection reason.

The vectors are restated from PROTOCOL.md ("Signing") so this file runs without the pack.
Each rejection test asserts the exact ``reason``: a verifier that rejected for the wrong
reason would send participants chasing the wrong bug.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from freezegun import freeze_time

from ondc_harness.wire import signing
from ondc_harness.wire.signing import (
    ALGORITHM_MISMATCH,
    BAD_SIGNATURE,
    DIGEST_MISMATCH,
    EXPIRED,
    MALFORMED_HEADER,
    MISSING_HEADER,
    NOT_YET_VALID,
    SUBSCRIBER_MISMATCH,
    UNKNOWN_KEY,
    KeyPair,
    SignatureError,
    blake2b_digest,
    parse_authorization,
    parse_digest_header,
    sign_body,
    signing_string,
    verify_authorization,
)

BODY = (
    b'{"context":{"domain":"nic2004:60212","country":"IND","city":"Kochi","action":"search",'
    b'"core_version":"0.9.1","bap_id":"bap.stayhalo.in",'
    b'"bap_uri":"https://8f9f-49-207-209-131.ngrok.io/protocol/",'
    b'"transaction_id":"e6d9f908-1d26-4ff3-a6d1-3af3d3721054",'
    b'"message_id":"a2fe6d52-9fe4-4d1a-9d0b-dccb8b48522d","timestamp":"2022-01-04T09:17:55.971Z",'
    b'"ttl":"P1M"},"message":{"intent":{"fulfillment":{"start":{"location":'
    b'{"gps":"10.108768, 76.347517"}},"end":{"location":{"gps":"10.102997, 76.353480"}}}}}}'
)
BODY_DIGEST = (
    "b6lf6lRgOweajukcvcLsagQ2T60+85kRh/Rd2bdS+TG/"
    "5ALebOEgDJfyCrre/1+BMu5nA94o4DT3pTFXuUg7sw=="
)
CREATED, EXPIRES = 1641287875, 1641291475
DURING = CREATED + 60  # a "now" inside the vectors' validity window
SUBSCRIBER, UKID = "bap.stayhalo.in", "UK-1"  # keyId is not signed; the vectors leave it open

PRIVATE_A = (
    "lP3sHA+9gileOkXYJXh4Jg8tK0gEEMbf9yCPnFpbldhr"
    "AY+NErqL9WD+Vav7TE5tyVXGXBle9ONZi2W7o144eQ=="
)
PUBLIC_A = "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
SIGNATURE_A = (
    "cjbhP0PFyrlSCNszJM1F/YmHDVAWsZqJUPzojnE/7TJU"
    "3fJ/rmIlgaUHEr5E0/2PIyf0tpSnWtT6cyNNlpmoAQ=="
)
PRIVATE_B = (
    "G0Pme72u8Y1MwxHqvY4iBW+7VPtJ7dsX7SGs6zZ5yvVI"
    "zdRAyHR6YkwHG2ufOE+12lsbJRwBF4Hqd7dUEOZZkg=="
)
PUBLIC_B = "SM3UQMh0emJMBxtrnzhPtdpbGyUcAReB6ne3VBDmWZI="
SIGNATURE_B = (
    "fKQWvXhln4UdyZdL87ViXQObdBme0dHnsclD2LvvnHoN"
    "xIgcvAwUZOmwAnH5QKi9Upg5tRaxpoGhCFGHD+d+Bw=="
)

PARAMS_A = {
    "keyId": f"{SUBSCRIBER}|{UKID}|ed25519",
    "algorithm": "ed25519",
    "created": str(CREATED),
    "expires": str(EXPIRES),
    "headers": "(created) (expires) digest",
    "signature": SIGNATURE_A,
}
HEADER_A = (
    'Signature keyId="bap.stayhalo.in|UK-1|ed25519",algorithm="ed25519",created="1641287875",'
    'expires="1641291475",headers="(created) (expires) digest",'
    f'signature="{SIGNATURE_A}"'
)
HEADER_B = HEADER_A.replace(SIGNATURE_A, SIGNATURE_B)


def header(drop: tuple[str, ...] = (), sep: str = ",", **overrides: str) -> str:
    """Vector A's header with parameters replaced or dropped, to build one defect at a time."""
    params = {**PARAMS_A, **overrides}
    return "Signature " + sep.join(f'{k}="{v}"' for k, v in params.items() if k not in drop)


def rejection(hdr: str | None, body: bytes = BODY, key: str | signing.KeyResolver = PUBLIC_A,
              **kwargs: object) -> SignatureError:
    """The error ``verify_authorization`` raises; fails the test if it accepts."""
    kwargs.setdefault("now", DURING)
    with pytest.raises(SignatureError) as info:
        verify_authorization(hdr, body, key, **kwargs)  # type: ignore[arg-type]
    return info.value


# --- vectors -------------------------------------------------------------------------------

def test_digest_vector_of_the_quick_brown_fox() -> None:
    assert blake2b_digest(b"The quick brown fox jumps over the lazy dog") == (
        "qK3Uvd39k+SHfSdG5igXsRY2Sh+nvBSNlQkLxzM7NnP4JAHPeqLkyx7NkCluPxTLVBP47Xe+cwRbE5FM3NapGA=="
    )


def test_digest_vector_of_the_body() -> None:
    assert blake2b_digest(BODY) == BODY_DIGEST


def test_signing_string_is_three_lines_without_trailing_newline() -> None:
    assert signing_string(CREATED, EXPIRES, BODY_DIGEST) == (
        f"(created): 1641287875\n(expires): 1641291475\ndigest: BLAKE-512={BODY_DIGEST}"
    )


@pytest.mark.parametrize(("private", "public", "expected_header"), [
    (PRIVATE_A, PUBLIC_A, HEADER_A),
    (PRIVATE_B, PUBLIC_B, HEADER_B),
], ids=["A", "B"])
def test_vector_header_is_reproduced_byte_for_byte(
        private: str, public: str, expected_header: str) -> None:
    assert sign_body(BODY, private, SUBSCRIBER, UKID, CREATED, EXPIRES) == expected_header
    assert KeyPair.from_private(private).signing_public_key == public
    parsed = verify_authorization(expected_header, BODY, public, now=DURING)
    assert parsed.subscriber_id == SUBSCRIBER


def test_a_bare_32_byte_seed_signs_like_the_64_byte_key() -> None:
    seed = base64.b64encode(base64.b64decode(PRIVATE_A)[:32]).decode()
    assert sign_body(BODY, seed, SUBSCRIBER, UKID, CREATED, EXPIRES) == HEADER_A
    assert KeyPair.from_private(seed).signing_private_key == PRIVATE_A


def test_a_64_byte_key_whose_public_half_is_not_its_own_is_refused() -> None:
    mixed = base64.b64encode(base64.b64decode(PRIVATE_A)[:32] + base64.b64decode(PUBLIC_B))
    with pytest.raises(ValueError, match="not the public key of its seed"):
        sign_body(BODY, mixed.decode(), SUBSCRIBER, UKID, CREATED, EXPIRES)


@pytest.mark.parametrize("bad", ["not base64!", "lP3sHA-9", base64.b64encode(b"x" * 48).decode()])
def test_unusable_private_keys_raise_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="private key"):
        KeyPair.from_private(bad)


@pytest.mark.parametrize(("subscriber", "ukid"), [("a|b", UKID), (SUBSCRIBER, 'k"1'), ("", UKID)])
def test_sign_refuses_ids_that_would_break_the_key_id(subscriber: str, ukid: str) -> None:
    with pytest.raises(ValueError):
        sign_body(BODY, PRIVATE_A, subscriber, ukid, CREATED, EXPIRES)


def test_sign_refuses_expires_before_created() -> None:
    with pytest.raises(ValueError, match="before created"):
        sign_body(BODY, PRIVATE_A, SUBSCRIBER, UKID, CREATED, CREATED - 1)


# --- round trips ---------------------------------------------------------------------------

def test_generated_keys_round_trip() -> None:
    keys = KeyPair.generate()
    assert len(base64.b64decode(keys.signing_private_key)) == 64
    assert len(base64.b64decode(keys.signing_public_key)) == 32
    hdr = sign_body(BODY, keys.signing_private_key, "buyer.example", "k9", 1000, 2000)
    parsed = verify_authorization(hdr, BODY, keys.signing_public_key, now=1500)
    assert (parsed.subscriber_id, parsed.unique_key_id, parsed.created, parsed.expires) == (
        "buyer.example", "k9", 1000, 2000)
    assert parsed.key_id == "buyer.example|k9|ed25519"


def test_key_pair_repr_never_shows_the_private_key() -> None:
    keys = KeyPair.generate()
    assert keys.signing_private_key not in repr(keys)


@freeze_time("2024-05-01 10:00:00")
def test_default_validity_starts_now_and_lasts_an_hour() -> None:
    now = 1714557600
    parsed = parse_authorization(sign_body(BODY, PRIVATE_A, SUBSCRIBER, UKID))
    assert (parsed.created, parsed.expires) == (now, now + 3600)


def test_verify_uses_the_clock_when_now_is_not_given() -> None:
    with freeze_time("2022-01-04 09:30:00"):  # inside the vector window
        verify_authorization(HEADER_A, BODY, PUBLIC_A)
    with freeze_time("2022-01-04 11:00:00"), pytest.raises(SignatureError) as info:
        verify_authorization(HEADER_A, BODY, PUBLIC_A)
    assert info.value.reason == EXPIRED


def test_a_resolver_is_asked_with_the_key_ids_subscriber_and_unique_key() -> None:
    asked: list[tuple[str, str]] = []

    def resolver(subscriber: str, ukid: str) -> str | None:
        asked.append((subscriber, ukid))
        return PUBLIC_A

    verify_authorization(HEADER_A, BODY, resolver, now=DURING)
    assert asked == [(SUBSCRIBER, UKID)]


# --- lenient reading -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    header(sep=", "),
    header(sep=" ,  "),
    "Signature " + ",".join(f'{k}="{v}"' for k, v in reversed(PARAMS_A.items())),
    header(drop=("headers",)),
    HEADER_A.replace('created="1641287875"', "created=1641287875").replace(
        'expires="1641291475"', "expires=1641291475"),
    "signature" + HEADER_A[len("Signature"):],
    f"  {HEADER_A}  ",
    header(headers="(created)  (expires)   digest"),
], ids=["space-after-comma", "spaces-around-comma", "reordered", "no-headers-param",
        "unquoted-integers", "lowercase-scheme", "surrounding-space", "headers-extra-space"])
def test_lenient_parsing_accepts_what_parsers_in_the_wild_accept(text: str) -> None:
    parsed = verify_authorization(text, BODY, PUBLIC_A, now=DURING)
    assert (parsed.subscriber_id, parsed.created, parsed.signature) == (
        SUBSCRIBER, CREATED, SIGNATURE_A)


# --- rejections ----------------------------------------------------------------------------

@pytest.mark.parametrize("missing", [None, "", "   "])
def test_missing_header(missing: str | None) -> None:
    assert rejection(missing).reason == MISSING_HEADER


@pytest.mark.parametrize(("text", "detail"), [
    (HEADER_A[len("Signature "):], "does not start with 'Signature '"),
    ("Bearer abc.def", "does not start with 'Signature '"),
    ("SignaturekeyId=\"x\"", "does not start with 'Signature '"),
    (header(drop=("keyId",)), "keyId is missing"),
    (header(drop=("signature",)), "signature is missing"),
    (header(keyId=f"{SUBSCRIBER}|ed25519"), "keyId must be"),
    (header(keyId=f"{SUBSCRIBER}||ed25519"), "keyId must be"),
    (header(created="yesterday"), "created='yesterday' must be unix seconds"),
    (header(created="1641287875.5"), "must be unix seconds"),
    (header(created="1_641_287_875"), "must be unix seconds"),
    (header(expires="-1"), "must be unix seconds"),
    (header(signature="not*base64"), "signature is not valid base64"),
    (header(signature=base64.b64encode(b"short").decode()), "64 bytes, got 5"),
    (header() + f',signature="{SIGNATURE_B}"', "signature appears twice"),
    (header(expires=str(CREATED - 1)), "is before created"),
    (header(headers="(created) (expires)"), "ONDC signs"),
    (header().replace('algorithm="ed25519"', "algorithm=ed25519 x"), "cannot parse"),
], ids=["no-scheme", "bearer", "no-space", "no-keyId", "no-signature", "keyId-2-parts",
        "keyId-empty-part", "created-word", "created-float", "created-underscores",
        "expires-negative", "signature-not-base64", "signature-short", "duplicate-param",
        "expires-before-created", "headers-without-digest", "garbage-between-params"])
def test_malformed_headers(text: str, detail: str) -> None:
    error = rejection(text)
    assert error.reason == MALFORMED_HEADER
    assert detail in error.detail


def test_a_garbled_signature_is_malformed_even_when_the_header_is_also_expired() -> None:
    assert rejection(header(signature="!!!"), now=EXPIRES + 10**6).reason == MALFORMED_HEADER


@pytest.mark.parametrize("text", [
    header(keyId=f"{SUBSCRIBER}|{UKID}|rsa"),
    header(algorithm="hs2019"),
    header(keyId=f"{SUBSCRIBER}|{UKID}|rsa", algorithm="rsa"),
], ids=["keyId-differs", "algorithm-differs", "both-unsupported"])
def test_algorithm_mismatch(text: str) -> None:
    assert rejection(text).reason == ALGORITHM_MISMATCH


def test_unknown_key_when_the_resolver_knows_nobody() -> None:
    error = rejection(HEADER_A, key=lambda subscriber, ukid: None)
    assert error.reason == UNKNOWN_KEY
    assert f"{SUBSCRIBER}|{UKID}" in error.detail


def test_an_unusable_registered_key_is_an_unknown_key() -> None:
    assert rejection(HEADER_A, key=lambda subscriber, ukid: "c2hvcnQ=").reason == UNKNOWN_KEY


def test_expired_one_second_after_expires_but_valid_at_expires() -> None:
    verify_authorization(HEADER_A, BODY, PUBLIC_A, now=EXPIRES)
    error = rejection(HEADER_A, now=EXPIRES + 1)
    assert error.reason == EXPIRED
    assert f"expires={EXPIRES}" in error.detail


def test_created_in_the_future_is_accepted_within_the_skew_and_rejected_beyond() -> None:
    verify_authorization(HEADER_A, BODY, PUBLIC_A, now=CREATED - 5, clock_skew=5)
    assert rejection(HEADER_A, now=CREATED - 6, clock_skew=5).reason == NOT_YET_VALID
    assert rejection(HEADER_A, now=CREATED - 1, clock_skew=0).reason == NOT_YET_VALID


def test_created_in_milliseconds_is_rejected_with_a_hint() -> None:
    millis = CREATED * 1000
    hdr = sign_body(BODY, PRIVATE_A, SUBSCRIBER, UKID, millis, millis + 3_600_000)
    error = rejection(hdr, now=DURING)
    assert error.reason == NOT_YET_VALID
    assert "milliseconds" in error.detail


@pytest.mark.parametrize("claimed", [
    f"BLAKE-512={BODY_DIGEST}",
    f"blake-512={BODY_DIGEST}",
    BODY_DIGEST,
    f"SHA-256=abc, BLAKE-512={BODY_DIGEST}",
])
def test_digest_mismatch_when_the_body_changed_after_signing(claimed: str) -> None:
    altered = BODY.replace(b"Kochi", b"Kochu")
    error = rejection(HEADER_A, body=altered, claimed_digest=claimed)
    assert error.reason == DIGEST_MISMATCH
    assert "changed after signing" in error.detail
    assert blake2b_digest(altered) in error.detail


def test_a_changed_body_without_a_claimed_digest_looks_like_a_bad_signature() -> None:
    # The header does not carry the digest: without the sender's claim the cause is unknown.
    assert rejection(HEADER_A, body=BODY.replace(b"Kochi", b"Kochu")).reason == BAD_SIGNATURE


def test_a_claimed_digest_the_signature_does_not_cover_is_still_a_digest_mismatch() -> None:
    error = rejection(HEADER_A, body=BODY + b" ", claimed_digest=blake2b_digest(b"other"))
    assert error.reason == DIGEST_MISMATCH
    assert "claimed digest" in error.detail


def test_digest_mismatch_when_the_sender_hashed_without_the_trailing_newline_it_sent() -> None:
    error = rejection(HEADER_A, body=BODY + b"\n")
    assert error.reason == DIGEST_MISMATCH
    assert "trailing newline removed" in error.detail


def test_digest_mismatch_when_the_sender_hashed_a_reserialisation() -> None:
    hashed = json.dumps(json.loads(BODY)).encode()  # ", " and ": " separators
    hdr = sign_body(hashed, PRIVATE_A, SUBSCRIBER, UKID, CREATED, EXPIRES)
    error = rejection(hdr, body=BODY)
    assert error.reason == DIGEST_MISMATCH
    assert "re-serialised with spaces" in error.detail


def test_wrong_key_is_a_bad_signature() -> None:
    error = rejection(HEADER_A, key=PUBLIC_B)
    assert error.reason == BAD_SIGNATURE
    assert BODY_DIGEST in error.detail


def test_matching_claimed_digest_with_the_wrong_key_is_a_bad_signature() -> None:
    assert rejection(HEADER_A, key=PUBLIC_B, claimed_digest=f"BLAKE-512={BODY_DIGEST}").reason == (
        BAD_SIGNATURE)


def test_subscriber_mismatch_is_reported_before_the_key_is_looked_up() -> None:
    def resolver(subscriber: str, ukid: str) -> str | None:
        raise AssertionError("the key of an impostor must not be looked up")

    error = rejection(HEADER_A, key=resolver, expected_subscriber="bpp.example")
    assert error.reason == SUBSCRIBER_MISMATCH
    assert SUBSCRIBER in error.detail and "bpp.example" in error.detail
    verify_authorization(HEADER_A, BODY, PUBLIC_A, now=DURING, expected_subscriber=SUBSCRIBER)


def test_signature_error_carries_reason_and_detail() -> None:
    error = SignatureError(EXPIRED, "expires=1 is before now=2")
    assert (error.reason, error.detail, str(error)) == (
        EXPIRED, "expires=1 is before now=2", "expired: expires=1 is before now=2")
    assert str(SignatureError(EXPIRED)) == EXPIRED


# --- bytes, not re-serialisations ----------------------------------------------------------

NON_ASCII = {"context": {"action": "on_search"},
             "message": {"item": "पनीर टिक्का", "price": "₹ 250", "note": "crème brûlée"}}


def test_non_ascii_body_is_hashed_as_sent() -> None:
    sent = json.dumps(NON_ASCII, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    escaped = json.dumps(NON_ASCII, separators=(",", ":")).encode("ascii")
    assert blake2b_digest(sent) == base64.b64encode(
        hashlib.blake2b(sent, digest_size=64).digest()).decode()
    assert blake2b_digest(sent) != blake2b_digest(escaped)
    hdr = sign_body(sent, PRIVATE_A, SUBSCRIBER, UKID, CREATED, EXPIRES)
    verify_authorization(hdr, sent, PUBLIC_A, now=DURING)
    error = rejection(hdr, body=escaped)  # a proxy that re-serialised with ensure_ascii
    assert error.reason == DIGEST_MISMATCH
    assert "re-serialised as compact JSON" in error.detail


def test_a_deeply_nested_body_with_a_bad_signature_is_a_bad_signature_not_a_crash() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    assert rejection(HEADER_A, body=deep).reason == BAD_SIGNATURE


def test_a_binary_body_is_signed_and_verified_as_bytes() -> None:
    blob = bytes(range(256))
    hdr = sign_body(blob, PRIVATE_B, SUBSCRIBER, UKID, CREATED, EXPIRES)
    verify_authorization(hdr, blob, PUBLIC_B, now=DURING)
    assert rejection(hdr, body=blob[:-1], key=PUBLIC_B).reason == BAD_SIGNATURE


# --- the Digest header ---------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (f"BLAKE-512={BODY_DIGEST}", BODY_DIGEST),
    (f" Blake-512 = {BODY_DIGEST} ", BODY_DIGEST),
    (f"SHA-256=abc=,BLAKE-512={BODY_DIGEST}", BODY_DIGEST),
    (BODY_DIGEST, BODY_DIGEST),
    ("SHA-256=abc=", None),
    ("not a digest", None),
    ("", None),
])
def test_parse_digest_header(value: str, expected: str | None) -> None:
    assert parse_digest_header(value) == expected


def test_reasons_are_distinct_and_stable() -> None:
    """Users grep logs and NACK messages for these strings; changing one is a breaking change."""
    assert [
        MISSING_HEADER, MALFORMED_HEADER, ALGORITHM_MISMATCH, UNKNOWN_KEY, NOT_YET_VALID,
        EXPIRED, DIGEST_MISMATCH, BAD_SIGNATURE, SUBSCRIBER_MISMATCH,
    ] == [
        "missing header", "malformed header", "algorithm mismatch", "unknown key",
        "created in the future", "expired", "digest mismatch", "bad signature",
        "subscriber mismatch",
    ]
