"""The ``ondc-harness`` command line.

Each subcommand is one ``cmd_*`` function (parsed arguments → exit code) and one ``_add_*``
function that declares its arguments; :func:`build_parser` wires them together.  To add a
command (``check``, ``serve``), write both and call the ``_add_*`` from :func:`build_parser`.

Exit codes are a contract for CI and scripts: 0 ok, 1 a check failed (e.g. an invalid
signature), 2 the command was used wrongly.  A usage problem is one line on stderr, never a
traceback, and never echoes a private key.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ondc_harness.checks.catalog import load_all
from ondc_harness.report.offline import DEFAULT_FAIL_ON, run_check, severity_argument
from ondc_harness.report.rules_doc import render_rules_markdown, render_rules_text
from ondc_harness.wire.signing import (
    KeyPair,
    SignatureError,
    blake2b_digest,
    parse_authorization,
    parse_digest_header,
    sign_body,
    signing_key_from_b64,
    signing_string,
    verify_authorization,
    verify_key_from_b64,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
PROG = "ondc-harness"
PRIVATE_KEY_ENV = "ONDC_SIGNING_PRIVATE_KEY"
# Unix seconds reach 10**11 in the year 5138: anything larger is a milliseconds mistake.
_MAX_UNIX_SECONDS = 10**11 - 1

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """The command was used wrongly; reported as one line and exit code 2."""


# --- shared argument helpers -----------------------------------------------------------------

def unix_seconds(text: str) -> int:
    """argparse type for ``--created``/``--expires``/``--at``: catches the milliseconds mistake."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer unix time") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    if value > _MAX_UNIX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"{text} looks like milliseconds; ONDC uses unix seconds")
    return value


def _add_body_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "body_file", nargs="?", type=Path, metavar="BODY_FILE",
        help="the request body exactly as sent (default or '-': stdin)")


def read_body(path: Path | None) -> bytes:
    """The exact bytes: any re-encoding or newline change would change the digest."""
    if path is None or str(path) == "-":
        if sys.stdin.isatty():
            print(f"{PROG}: reading the body from stdin (end with Ctrl-D)", file=sys.stderr)
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read body file {path}: {exc.strerror or exc}") from None


def _strip_header_name(value: str, name: str) -> str:
    """Accept ``Authorization: Signature ...`` as pasted from a log, not only the value."""
    head, sep, rest = value.partition(":")
    if sep and head.strip().lower() == name.lower():
        return rest.strip()
    return value.strip()


# --- keys ------------------------------------------------------------------------------------

def _add_keys(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="signing key utilities")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    generate = actions.add_parser(
        "generate", help="print a new Ed25519 key pair as JSON (ONDC's base64 formats)")
    generate.set_defaults(handler=cmd_keys_generate)


def cmd_keys_generate(args: argparse.Namespace) -> int:
    """Print keys in the exact form registries and ONDC utilities exchange them."""
    keys = KeyPair.generate()
    print(json.dumps({
        "signing_private_key": keys.signing_private_key,
        "signing_public_key": keys.signing_public_key,
    }, indent=2))
    return EXIT_OK


# --- sign ------------------------------------------------------------------------------------

def _add_sign(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = commands.add_parser(
        "sign", help="print the Authorization header for a body",
        description="Sign BODY_FILE (or stdin) and print the Authorization header value. "
                    f"The private key comes from --private-key, --private-key-file or "
                    f"${PRIVATE_KEY_ENV}.")
    source = sign.add_mutually_exclusive_group()
    source.add_argument("--private-key", metavar="B64",
                        help="64-byte seed‖public key (or 32-byte seed), base64")
    source.add_argument("--private-key-file", type=Path, metavar="PATH",
                        help="file with the base64 key, or the JSON from `keys generate`")
    sign.add_argument("--subscriber-id", required=True, metavar="ID")
    sign.add_argument("--unique-key-id", required=True, metavar="UK")
    sign.add_argument("--created", type=unix_seconds, metavar="UNIX", help="default: now")
    sign.add_argument("--expires", type=unix_seconds, metavar="UNIX",
                      help="default: created + 3600")
    sign.add_argument("-v", "--verbose", action="store_true",
                      help="also print the digest and the signing string to stderr")
    _add_body_argument(sign)
    sign.set_defaults(handler=cmd_sign)


def _private_key_text(args: argparse.Namespace) -> str:
    """Flag, file or environment: the last two keep keys out of shell history."""
    if args.private_key is not None:
        return str(args.private_key)
    if args.private_key_file is not None:
        return _read_private_key_file(args.private_key_file)
    from_env = os.environ.get(PRIVATE_KEY_ENV)
    if from_env:
        return from_env
    raise UsageError(f"give --private-key, --private-key-file or ${PRIVATE_KEY_ENV}")


def _read_private_key_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UsageError(f"cannot read private key file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"private key file {path} is not UTF-8 text") from None
    if not text.startswith("{"):
        return text
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise UsageError(f"{path}: not valid JSON") from None
    key = data.get("signing_private_key") if isinstance(data, dict) else None
    if not isinstance(key, str):
        raise UsageError(f"{path}: no signing_private_key")
    return key


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign exactly the bytes given, so the output can be pasted next to a real request."""
    private_key = _private_key_text(args)
    try:
        signing_key_from_b64(private_key)
    except ValueError as exc:
        raise UsageError(str(exc)) from None  # the message never contains the key itself
    body = read_body(args.body_file)
    try:
        header = sign_body(body, private_key, args.subscriber_id, args.unique_key_id,
                           created=args.created, expires=args.expires)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.verbose:
        _explain(header, body)
    print(header)
    return EXIT_OK


def _explain(header: str, body: bytes) -> None:
    """Show the intermediate values participants compare against their own implementation."""
    try:
        parsed = parse_authorization(header)
    except SignatureError:
        return  # nothing sensible to show; the verdict explains the header itself
    digest = blake2b_digest(body)
    print(f"body: {len(body)} bytes", file=sys.stderr)
    print(f"digest: BLAKE-512={digest}", file=sys.stderr)
    print("signing string:", file=sys.stderr)
    print(signing_string(parsed.created, parsed.expires, digest), file=sys.stderr)


# --- verify ----------------------------------------------------------------------------------

def _add_verify(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser(
        "verify", help="check an Authorization header against a body and a public key",
        description="Exit 0 and print 'valid: keyId=...' when the header verifies; exit 1 and "
                    "print 'invalid: <reason>: <detail>' when it does not.")
    verify.add_argument("--public-key", required=True, metavar="B64",
                        help="the sender's signing_public_key (32 bytes, base64)")
    verify.add_argument("--header", required=True, metavar="VALUE",
                        help="the Authorization header value ('Signature keyId=...')")
    verify.add_argument("--at", type=unix_seconds, metavar="UNIX",
                        help="verify as of this time (default: now)")
    verify.add_argument("--digest", metavar="'BLAKE-512=...'",
                        help="the sender's Digest header: tells a changed body from a wrong key")
    verify.add_argument("--sender", metavar="SUBSCRIBER_ID",
                        help="bap_id (requests) or bpp_id (callbacks) the keyId must name")
    verify.add_argument("-v", "--verbose", action="store_true",
                        help="also print the digest and the signing string to stderr")
    _add_body_argument(verify)
    verify.set_defaults(handler=cmd_verify)


def _claimed_digest(value: str | None) -> str | None:
    if value is None:
        return None
    digest = parse_digest_header(_strip_header_name(value, "Digest"))
    if digest is None:
        raise UsageError("--digest must look like 'BLAKE-512=<base64 of 64 bytes>'")
    return digest


def cmd_verify(args: argparse.Namespace) -> int:
    """Give the same verdict, with the same reason, as the harness's inbound server."""
    try:
        verify_key_from_b64(args.public_key)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    claimed = _claimed_digest(args.digest)
    header = _strip_header_name(args.header, "Authorization")
    body = read_body(args.body_file)
    if args.verbose:
        _explain(header, body)
    try:
        parsed = verify_authorization(
            header, body, args.public_key, now=args.at, expected_subscriber=args.sender,
            claimed_digest=claimed)
    except SignatureError as exc:
        print(f"invalid: {exc.reason}: {exc.detail}")
        return EXIT_FAILED
    print(f"valid: keyId={parsed.key_id}")
    return EXIT_OK


# --- rules -----------------------------------------------------------------------------------

def _add_rules(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = commands.add_parser("rules", help="list the rule catalogue")
    form = rules.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_const", dest="format", const="json",
                      help="a JSON array of rules")
    form.add_argument("--markdown", action="store_const", dest="format", const="markdown",
                      help="the full document (docs/rules.md)")
    rules.set_defaults(handler=cmd_rules, format="text")


def cmd_rules(args: argparse.Namespace) -> int:
    """Publish the catalogue from the code itself, so the docs cannot drift from it."""
    catalog = load_all()
    if args.format == "json":
        rules = [catalog[rule_id].to_dict() for rule_id in sorted(catalog)]
        print(json.dumps(rules, indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        sys.stdout.write(render_rules_markdown(catalog))
    else:
        sys.stdout.write(render_rules_text(catalog))
    return EXIT_OK


# --- check ------------------------------------------------------------------------------------

def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check", help="check recorded logs offline (a payload file, a flow folder or a tree)",
        description="Run the live checks on recorded payloads; see docs/offline.md.")
    check.add_argument("path", type=Path, metavar="PATH")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--fail-on", type=severity_argument, default=DEFAULT_FAIL_ON,
                       metavar="SEVERITY",
                       help="exit 1 when a finding is at or above this (default: major)")
    check.set_defaults(handler=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    """Offline checks; the logic lives in report/offline.py and logs.py."""
    try:
        return run_check(args.path, as_json=args.json, fail_on=args.fail_on, out=sys.stdout)
    except FileNotFoundError:
        raise UsageError(f"no such file or directory: {args.path}") from None


# --- wiring ----------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each ``_add_*`` registers one subcommand and its handler."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="ONDC conformance harness: signatures, rules, checks.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_keys(commands)
    _add_sign(commands)
    _add_verify(commands)
    _add_rules(commands)
    _add_check(commands)
    return parser


def _parse(argv: list[str] | None) -> argparse.Namespace | int:
    """Parsed arguments, or the exit code argparse chose (2 for errors, 0 for --help)."""
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exc:
        if exc.code is None:
            return EXIT_OK
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ondc-harness`` console script; returns the exit code."""
    args = _parse(argv)
    if isinstance(args, int):
        return args
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
