"""The ``ondc-harness`` command line: keys, sign, verify, rules; exit codes 0 / 1 / 2.

Most tests call ``main([...])`` in-process; a few run the installed console script in a real
subprocess, because the exit code and stdout bytes seen by a shell are the actual contract.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time

from ondc_harness.checks.catalog import load_all
from ondc_harness.cli import PRIVATE_KEY_ENV, build_parser, main
from ondc_harness.report.rules_doc import render_rules_markdown
from ondc_harness.wire.signing import (
    KeyPair,
    blake2b_digest,
    parse_authorization,
    verify_authorization,
)
from test_signing import (
    BODY,
    BODY_DIGEST,
    CREATED,
    DURING,
    EXPIRES,
    HEADER_A,
    PRIVATE_A,
    PUBLIC_A,
    PUBLIC_B,
    SUBSCRIBER,
    UKID,
)

ID_ARGS = ["--subscriber-id", SUBSCRIBER, "--unique-key-id", UKID]
TIMES = ["--created", str(CREATED), "--expires", str(EXPIRES)]


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    return path


@pytest.fixture(autouse=True)
def _no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PRIVATE_KEY_ENV, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(code: int, out: str, err: str, fragment: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr naming the problem, no traceback."""
    assert code == 2
    assert out == ""
    assert fragment in err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("ondc-harness")


# --- keys ------------------------------------------------------------------------------------

def test_keys_generate_prints_a_usable_pair_in_ondc_formats(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "keys", "generate")
    assert code == 0
    keys = json.loads(out)
    assert set(keys) == {"signing_private_key", "signing_public_key"}
    assert len(base64.b64decode(keys["signing_private_key"], validate=True)) == 64
    assert len(base64.b64decode(keys["signing_public_key"], validate=True)) == 32
    assert KeyPair.from_private(keys["signing_private_key"]).signing_public_key == (
        keys["signing_public_key"])
    assert json.loads(run(capsys, "keys", "generate")[1]) != keys


def test_keys_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "keys")
    assert_usage_error(code, out, err, "required")


# --- sign ------------------------------------------------------------------------------------

def test_sign_reproduces_vector_a_from_a_file(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, err = run(capsys, "sign", "--private-key", PRIVATE_A, *ID_ARGS, *TIMES,
                         str(body_file))
    assert (code, out, err) == (0, HEADER_A + "\n", "")


def test_sign_reads_stdin_when_no_file_is_given(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BODY)))
    assert run(capsys, "sign", "--private-key", PRIVATE_A, *ID_ARGS, *TIMES) == (
        0, HEADER_A + "\n", "")


def test_sign_reads_the_key_from_a_file(
        capsys: pytest.CaptureFixture[str], body_file: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "key.b64"
    key_file.write_text(PRIVATE_A + "\n")
    code, out, _ = run(capsys, "sign", "--private-key-file", str(key_file), *ID_ARGS, *TIMES,
                       str(body_file))
    assert (code, out) == (0, HEADER_A + "\n")


def test_sign_reads_the_json_that_keys_generate_prints(
        capsys: pytest.CaptureFixture[str], body_file: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "keys.json"
    key_file.write_text(json.dumps({"signing_private_key": PRIVATE_A,
                                    "signing_public_key": PUBLIC_A}))
    code, out, _ = run(capsys, "sign", "--private-key-file", str(key_file), *ID_ARGS, *TIMES,
                       str(body_file))
    assert (code, out) == (0, HEADER_A + "\n")


def test_sign_reads_the_key_from_the_environment(
        capsys: pytest.CaptureFixture[str], body_file: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PRIVATE_KEY_ENV, PRIVATE_A)
    code, out, _ = run(capsys, "sign", *ID_ARGS, *TIMES, str(body_file))
    assert (code, out) == (0, HEADER_A + "\n")


def test_sign_flag_wins_over_the_environment(
        capsys: pytest.CaptureFixture[str], body_file: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PRIVATE_KEY_ENV, KeyPair.generate().signing_private_key)
    code, out, _ = run(capsys, "sign", "--private-key", PRIVATE_A, *ID_ARGS, *TIMES,
                       str(body_file))
    assert (code, out) == (0, HEADER_A + "\n")


def test_sign_signs_the_exact_bytes_of_the_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = '{"message":{"item":"पनीर ₹"}}\r\n'.encode()
    path = tmp_path / "raw.json"
    path.write_bytes(raw)
    code, out, _ = run(capsys, "sign", "--private-key", PRIVATE_A, *ID_ARGS, *TIMES, str(path))
    assert code == 0
    verify_authorization(out.strip(), raw, PUBLIC_A, now=DURING)


@freeze_time("2024-05-01 10:00:00")
def test_sign_defaults_to_now_and_one_hour(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, _ = run(capsys, "sign", "--private-key", PRIVATE_A, *ID_ARGS, str(body_file))
    parsed = parse_authorization(out.strip())
    assert (code, parsed.created, parsed.expires) == (0, 1714557600, 1714557600 + 3600)


def test_sign_verbose_shows_the_digest_and_signing_string_on_stderr(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, err = run(capsys, "sign", "-v", "--private-key", PRIVATE_A, *ID_ARGS, *TIMES,
                         str(body_file))
    assert (code, out) == (0, HEADER_A + "\n")
    assert f"(created): {CREATED}\n(expires): {EXPIRES}\ndigest: BLAKE-512={BODY_DIGEST}\n" in err


@pytest.mark.parametrize(("extra", "fragment"), [
    ([], f"give --private-key, --private-key-file or ${PRIVATE_KEY_ENV}"),
    (["--private-key", "not base64!"], "private key is not valid base64"),
    (["--private-key", base64.b64encode(b"k" * 40).decode()], "must be 32 or 64 bytes"),
    (["--private-key-file", "/nonexistent/key"], "cannot read private key file"),
    (["--private-key", PRIVATE_A, "--created", str(CREATED * 1000)], "looks like milliseconds"),
    (["--private-key", PRIVATE_A, "--created", "soon"], "not an integer"),
    (["--private-key", PRIVATE_A, "--created", str(CREATED), "--expires", str(CREATED - 1)],
     "before created"),
], ids=["no-key", "bad-base64", "bad-length", "missing-key-file", "milliseconds", "not-int",
        "expires-before-created"])
def test_sign_usage_errors(capsys: pytest.CaptureFixture[str], body_file: Path,
                           extra: list[str], fragment: str) -> None:
    code, out, err = run(capsys, "sign", *extra, *ID_ARGS, str(body_file))
    assert_usage_error(code, out, err, fragment)


def test_sign_never_echoes_a_bad_private_key(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    almost = PRIVATE_A[:-4] + "AA=="  # valid base64, 64 bytes, wrong public half
    code, out, err = run(capsys, "sign", "--private-key", almost, *ID_ARGS, str(body_file))
    assert_usage_error(code, out, err, "not the public key of its seed")
    assert almost not in err and PRIVATE_A[:20] not in err


def test_sign_key_file_json_without_the_key_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], body_file: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "keys.json"
    key_file.write_text('{"signing_public_key": "x"}')
    code, out, err = run(capsys, "sign", "--private-key-file", str(key_file), *ID_ARGS,
                         str(body_file))
    assert_usage_error(code, out, err, "no signing_private_key")


def test_sign_missing_body_file_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "sign", "--private-key", PRIVATE_A, *ID_ARGS,
                         str(tmp_path / "absent.json"))
    assert_usage_error(code, out, err, "cannot read body file")


def test_sign_refuses_both_key_flags(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, err = run(capsys, "sign", "--private-key", PRIVATE_A, "--private-key-file", "k",
                         *ID_ARGS, str(body_file))
    assert_usage_error(code, out, err, "not allowed with")


def test_sign_refuses_a_subscriber_id_that_breaks_the_key_id(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, err = run(capsys, "sign", "--private-key", PRIVATE_A, "--subscriber-id", "a|b",
                         "--unique-key-id", UKID, str(body_file))
    assert_usage_error(code, out, err, "subscriber_id")


# --- verify ----------------------------------------------------------------------------------

def verify(capsys: pytest.CaptureFixture[str], body: Path, *extra: str,
           key: str = PUBLIC_A, header: str = HEADER_A) -> tuple[int, str, str]:
    return run(capsys, "verify", "--public-key", key, "--header", header, *extra, str(body))


def test_verify_valid(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    assert verify(capsys, body_file, "--at", str(DURING)) == (
        0, f"valid: keyId={SUBSCRIBER}|{UKID}|ed25519\n", "")


def test_verify_accepts_a_header_pasted_with_its_name(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, _ = verify(capsys, body_file, "--at", str(DURING),
                          header=f"Authorization: {HEADER_A}")
    assert (code, out) == (0, f"valid: keyId={SUBSCRIBER}|{UKID}|ed25519\n")


def test_verify_reads_stdin(capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BODY)))
    code, out, _ = run(capsys, "verify", "--public-key", PUBLIC_A, "--header", HEADER_A,
                       "--at", str(DURING))
    assert (code, out) == (0, f"valid: keyId={SUBSCRIBER}|{UKID}|ed25519\n")


def test_verify_uses_the_clock_without_at(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    with freeze_time("2022-01-04 09:30:00"):
        assert verify(capsys, body_file)[0] == 0
    with freeze_time("2022-01-04 11:00:00"):
        code, out, _ = verify(capsys, body_file)
    assert code == 1
    assert out.startswith("invalid: expired: ")


def test_verify_expired(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, _ = verify(capsys, body_file, "--at", str(EXPIRES + 1))
    assert (code, out) == (1, f"invalid: expired: expires={EXPIRES} is before now={EXPIRES + 1}\n")


def test_verify_digest_mismatch_with_the_senders_digest(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    altered = tmp_path / "altered.json"
    altered.write_bytes(BODY.replace(b"Kochi", b"Kochu"))
    code, out, _ = verify(capsys, altered, "--at", str(DURING),
                          "--digest", f"Digest: BLAKE-512={BODY_DIGEST}")
    assert code == 1
    assert out.startswith("invalid: digest mismatch: ")
    assert "changed after signing" in out


def test_verify_digest_mismatch_from_a_trailing_newline(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with_newline = tmp_path / "newline.json"
    with_newline.write_bytes(BODY + b"\n")  # what `echo` or an editor adds
    code, out, _ = verify(capsys, with_newline, "--at", str(DURING))
    assert code == 1
    assert out.startswith("invalid: digest mismatch: ")
    assert "trailing newline" in out


def test_verify_wrong_key_is_a_bad_signature(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, _ = verify(capsys, body_file, "--at", str(DURING), key=PUBLIC_B)
    assert code == 1
    assert out.startswith("invalid: bad signature: ")


def test_verify_sender_must_match_the_key_id(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, _ = verify(capsys, body_file, "--at", str(DURING), "--sender", "bpp.example")
    assert code == 1
    assert out.startswith("invalid: subscriber mismatch: ")
    assert verify(capsys, body_file, "--at", str(DURING), "--sender", SUBSCRIBER)[0] == 0


def test_verify_a_malformed_header_is_a_failed_check_not_a_usage_error(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, _ = verify(capsys, body_file, header='Signature keyId="a|b"')
    assert code == 1
    assert out.startswith("invalid: malformed header: ")


def test_verify_verbose_shows_the_expected_signing_string(
        capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, _, err = verify(capsys, body_file, "-v", "--at", str(DURING))
    assert code == 0
    assert f"digest: BLAKE-512={BODY_DIGEST}" in err


@pytest.mark.parametrize(("extra", "key", "fragment"), [
    ([], "not base64!", "public key is not valid base64"),
    ([], PRIVATE_A, "public key must be 32 bytes"),
    (["--digest", "SHA-256=abc="], PUBLIC_A, "--digest must look like"),
    (["--at", "yesterday"], PUBLIC_A, "not an integer"),
], ids=["bad-base64", "private-key-given", "digest-not-blake", "at-not-int"])
def test_verify_usage_errors(capsys: pytest.CaptureFixture[str], body_file: Path,
                             extra: list[str], key: str, fragment: str) -> None:
    code, out, err = verify(capsys, body_file, *extra, key=key)
    assert_usage_error(code, out, err, fragment)


def test_verify_requires_a_header(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, err = run(capsys, "verify", "--public-key", PUBLIC_A, str(body_file))
    assert_usage_error(code, out, err, "--header")


def test_verify_missing_body_file_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = verify(capsys, tmp_path / "absent.json")
    assert_usage_error(code, out, err, "cannot read body file")


# --- rules -----------------------------------------------------------------------------------

def test_rules_plain_text_lists_every_rule_with_severity_and_title(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    catalog = load_all()
    lines = out.splitlines()
    assert code == 0
    assert len(lines) == len(catalog)
    for line, rule_id in zip(lines, sorted(catalog), strict=True):
        rule = catalog[rule_id]
        assert line.startswith(rule_id)
        assert f" {rule.severity!s} " in line and " ".join(rule.title.split()) in line


def test_rules_json_is_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--json")
    catalog = load_all()
    assert code == 0
    assert json.loads(out) == [catalog[rule_id].to_dict() for rule_id in sorted(catalog)]


def test_rules_markdown_is_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--markdown")
    assert (code, out) == (0, render_rules_markdown(load_all()))


def test_rules_json_and_markdown_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "--json", "--markdown")
    assert_usage_error(code, out, err, "not allowed with")


# --- the parser itself -----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["sign", "--no-such-flag"]],
                         ids=["no-command", "unknown-command", "unknown-flag"])
def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert_usage_error(code, out, err, "error:")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("keys", "sign", "verify", "rules"):
        assert command in out


def test_parser_names_the_chosen_command() -> None:
    assert build_parser().parse_args(["rules", "--json"]).command == "rules"


# --- the installed console script ------------------------------------------------------------

def console_script() -> str:
    """The ``ondc-harness`` executable next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("ondc-harness")
    found = str(beside) if beside.is_file() else shutil.which("ondc-harness")
    if found is None:
        pytest.skip("the ondc-harness console script is not installed (pip install -e .)")
    return found


def script(*argv: str, env_key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent)}
    if env_key is not None:
        env[PRIVATE_KEY_ENV] = env_key
    return subprocess.run([console_script(), *argv], capture_output=True, text=True,
                          timeout=60, check=False, env=env)


def test_script_sign_reproduces_vector_a(body_file: Path) -> None:
    done = script("sign", *ID_ARGS, *TIMES, str(body_file), env_key=PRIVATE_A)
    assert (done.returncode, done.stdout, done.stderr) == (0, HEADER_A + "\n", "")


def test_script_verify_reports_a_one_byte_change_as_digest_mismatch(tmp_path: Path) -> None:
    altered = tmp_path / "altered.json"
    altered.write_bytes(BODY[:-2] + b" }")  # one byte changed
    assert blake2b_digest(altered.read_bytes()) != BODY_DIGEST
    done = script("verify", "--public-key", PUBLIC_A, "--header", HEADER_A, "--at", str(DURING),
                  "--digest", f"BLAKE-512={BODY_DIGEST}", str(altered))
    assert done.returncode == 1
    assert done.stdout.startswith("invalid: digest mismatch: ")


def test_script_verify_reports_the_wrong_key_as_bad_signature(body_file: Path) -> None:
    done = script("verify", "--public-key", PUBLIC_B, "--header", HEADER_A, "--at", str(DURING),
                  "--digest", f"BLAKE-512={BODY_DIGEST}", str(body_file))
    assert done.returncode == 1
    assert done.stdout.startswith("invalid: bad signature: ")


def test_script_verify_valid(body_file: Path) -> None:
    done = script("verify", "--public-key", PUBLIC_A, "--header", HEADER_A, "--at", str(DURING),
                  str(body_file))
    assert (done.returncode, done.stdout) == (0, f"valid: keyId={SUBSCRIBER}|{UKID}|ed25519\n")


@pytest.mark.parametrize("argv", [
    ("sign", "--private-key", "%%%", *ID_ARGS),
    ("verify", "--header", HEADER_A),
    ("nonsense",),
], ids=["bad-key", "missing-option", "unknown-command"])
def test_script_usage_errors_exit_2_without_a_traceback(argv: tuple[str, ...]) -> None:
    done = script(*argv)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "error:" in done.stderr
