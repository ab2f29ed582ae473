"""Security defaults: the inbound server listens on loopback only, the harness's private key
never leaves its file or environment variable, YAML cannot construct Python objects, and a
template cannot run code.

(Request size limits applying before parsing are tested where they live: tests/wire/
test_server_and_mailbox.py::test_declared_oversized_body_is_refused_before_reading_it, and at
the flow level in tests/test_robustness.py.)
"""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ondc_harness.config import (
    PRIVATE_KEY_ENV,
    ConfigError,
    HarnessSettings,
    ParticipantConfig,
    load_harness_keys,
)
from ondc_harness.flow import Outcome
from ondc_harness.reference.seller import ReferenceSellerConfig
from ondc_harness.scenario import ScenarioError, load_scenario
from ondc_harness.session import HarnessSession
from ondc_harness.wire.signing import KeyPair, verify_authorization

REPO = Path(__file__).resolve().parents[1]


# -- loopback by default ------------------------------------------------------------------------

def _outward_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing decision only
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_defaults_bind_loopback(pytester: pytest.Pytester) -> None:
    assert HarnessSettings().host == "127.0.0.1"
    assert ReferenceSellerConfig().host == "127.0.0.1"
    config = pytester.parseconfig()
    assert config.option.harness_host == "127.0.0.1"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[HarnessSession]:
    started = HarnessSession(HarnessSettings(report_root=tmp_path), None).start()
    yield started
    started.close()


def test_inbound_server_is_not_reachable_from_outside(session: HarnessSession) -> None:
    assert session.callback_base_url.startswith("http://127.0.0.1:")
    port = int(session.callback_base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # reachable on loopback
    outward = _outward_address()
    if outward is None:
        pytest.skip("no non-loopback address to try from")
    with pytest.raises(OSError):
        socket.create_connection((outward, port), timeout=5).close()


# -- private keys stay secret ---------------------------------------------------------------

def _forms(keys: KeyPair) -> list[str]:
    """The private key as the user gave it, and the other ways it could be spelled."""
    secret = base64.b64decode(keys.signing_private_key)
    return [keys.signing_private_key, base64.b64encode(secret[:32]).decode(),
            secret.hex(), secret[:32].hex(), base64.urlsafe_b64encode(secret).decode()]


def _run_suite(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """The forward flow up to on_select, with a failure (so the failure report is printed too),
    reports and Allure results under the pytester folder."""
    (pytester.path / "scenarios").symlink_to(REPO / "scenarios", target_is_directory=True)
    (pytester.path / "suites").mkdir()
    (pytester.path / "suites" / "forward.yaml").write_text(
        "suite: forward\nscenarios: [retail/forward.yaml]\n")
    return pytester.runpytest_subprocess(
        "suites", "-p", "no:cacheprovider", "-k", "search or select", "-l", "-vv",
        "--reference-faults", "bad_signature@on_select", "--report-dir", "reports",
        "--alluredir", "allure", *args)


def _assert_nowhere(pytester: pytest.Pytester, result: pytest.RunResult, keys: KeyPair) -> None:
    haystacks = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    files = [p for d in ("reports", "allure") for p in (pytester.path / d).rglob("*")
             if p.is_file()]
    assert any(p.name == "transcript.jsonl" for p in files)
    assert any(p.name.endswith("-result.json") for p in files)
    haystacks.update({str(p): p.read_text(encoding="utf-8", errors="replace") for p in files})
    for where, text in haystacks.items():
        for form in _forms(keys):
            assert form not in text, f"private key ({form[:6]}…) found in {where}"


def _signed_with(pytester: pytest.Pytester, keys: KeyPair) -> None:
    """The run really used these keys: its requests verify with their public key."""
    (transcript,) = (pytester.path / "reports").glob("*/transcript.jsonl")
    requests = [json.loads(line) for line in transcript.read_text().splitlines()
                if '"kind": "request"' in line]
    assert requests
    for request in requests:
        verify_authorization(request["headers"]["Authorization"], request["body"].encode(),
                             keys.signing_public_key)


def test_private_key_from_the_environment_is_never_written(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = KeyPair.generate()
    monkeypatch.setenv(PRIVATE_KEY_ENV, keys.signing_private_key)
    result = _run_suite(pytester)
    assert result.parseoutcomes()["failed"] >= 1  # on_select at least: the bad signature
    _signed_with(pytester, keys)
    _assert_nowhere(pytester, result, keys)


def test_private_key_from_a_file_is_never_written(pytester: pytest.Pytester) -> None:
    keys = KeyPair.generate()
    (pytester.path / "keys.yaml").write_text(
        f"signing_private_key: {keys.signing_private_key}\n"
        f"signing_public_key: {keys.signing_public_key}\n")
    result = _run_suite(pytester, "--harness-keys", "keys.yaml")
    assert result.parseoutcomes()["failed"] >= 1
    _signed_with(pytester, keys)
    _assert_nowhere(pytester, result, keys)


def test_an_unusable_key_is_refused_without_echoing_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    almost = KeyPair.generate().signing_private_key[:-4] + "AAA="  # right length, wrong pair
    monkeypatch.setenv(PRIVATE_KEY_ENV, almost)
    with pytest.raises(ConfigError) as caught:
        load_harness_keys(None)
    assert almost not in str(caught.value)
    (tmp_path / "keys.json").write_text(json.dumps({"signing_private_key": almost}))
    with pytest.raises(ConfigError) as caught:
        load_harness_keys(tmp_path / "keys.json")
    assert almost not in str(caught.value)


# -- YAML is data ---------------------------------------------------------------------------

def _evil(canary: Path) -> str:
    return f"!!python/object/apply:os.system ['touch {canary}']"


def test_scenario_with_python_tags_is_refused(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    scenario = tmp_path / "scenarios" / "evil.yaml"
    scenario.parent.mkdir()
    scenario.write_text(f"id: evil\ntitle: {_evil(canary)}\ndomain: ONDC:RET11\n"
                        "version: '1.2.5'\nunder_test: seller\nsteps: []\n")
    with pytest.raises(ScenarioError, match="could not determine a constructor"):
        load_scenario(scenario)
    assert not canary.exists()


def test_participant_and_key_files_with_python_tags_are_refused(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    participant = tmp_path / "participant.yaml"
    participant.write_text(f"role: {_evil(canary)}\n")
    with pytest.raises(ConfigError):
        ParticipantConfig.load(participant)
    keys = tmp_path / "keys.yaml"
    keys.write_text(f"signing_private_key: {_evil(canary)}\n")
    with pytest.raises(ConfigError):
        load_harness_keys(keys)
    assert not canary.exists()


def _flow_with_template(tmp_path: Path, template: str, name: str) -> Path:
    """A one-request scenario whose search template is ``template`` (own folder per ``name``:
    templates are cached by path)."""
    root = tmp_path / "scenarios"
    (root / name).mkdir(parents=True)
    (root / name / "search.yaml").write_text(template)
    flow = root / name / "flow.yaml"
    flow.write_text("id: evil.flow\ntitle: t\ndomain: ONDC:RET11\nversion: '1.2.5'\n"
                    f"under_test: seller\nsteps:\n  - send: search\n"
                    f"    payload: {name}/search.yaml\n")
    return flow


def test_payload_template_with_python_tags_breaks_its_step_without_running(
        tmp_path: Path, session: HarnessSession) -> None:
    canary = tmp_path / "pwned"
    flow = session.flow_for(load_scenario(_flow_with_template(
        tmp_path, f"message:\n  intent: {_evil(canary)}\n", "tagged")), "evil")
    flow.run_through(0)
    (search,) = flow.results
    assert search.outcome is Outcome.BROKEN
    assert search.note.startswith("cannot build search:") and "constructor" in search.note
    assert search.answer is None, "nothing was sent"
    assert not canary.exists()


def test_templates_substitute_values_and_never_evaluate(
        tmp_path: Path, session: HarnessSession) -> None:
    canary = tmp_path / "pwned"
    literal = f"{{{{__import__('os').system('touch {canary}')}}}}"
    flow = session.flow_for(load_scenario(_flow_with_template(
        tmp_path, f"message:\n  intent:\n    code: \"{literal}\"\n", "code")), "literal")
    flow.run_through(0)
    (search,) = flow.results
    assert search.request is not None
    assert search.request.payload["message"]["intent"]["code"] == literal  # sent as text
    assert not canary.exists()

    flow = session.flow_for(load_scenario(_flow_with_template(
        tmp_path, "message:\n  intent:\n    code: '{{transaction_id.__class__}}'\n", "dunder")),
        "dunder")
    flow.run_through(0)
    (search,) = flow.results
    assert search.outcome is Outcome.BROKEN
    assert "{{transaction_id.__class__}}: unknown variable" in search.note
