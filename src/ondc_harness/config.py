"""Configuration: who the participant under test is, and how the harness behaves.

``participant.yaml`` describes the user's own server; :class:`HarnessSettings` gathers the
command-line options.  Both are validated up front with messages that name the file and key,
because a typo here should not surface as a mysterious timeout three steps later.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ondc_harness.checks.findings import Severity
from ondc_harness.errors import HarnessError
from ondc_harness.wire.signing import KeyPair

ROLES = ("seller", "buyer", "logistics-provider", "logistics-buyer")
HARNESS_SUBSCRIBER_ID = "harness.ondc-harness.local"
HARNESS_UNIQUE_KEY_ID = "harness-key-1"
PRIVATE_KEY_ENV = "ONDC_HARNESS_PRIVATE_KEY"


class ConfigError(HarnessError):
    """A configuration file or option is wrong; the message names the file and key."""


@dataclass(frozen=True)
class ParticipantConfig:
    """The participant under test (``--participant participant.yaml``)."""

    role: str
    subscriber_id: str
    unique_key_id: str
    base_url: str
    signing_public_key: str | None = None
    registry_url: str | None = None
    domain: str | None = None
    city: str | None = None
    core_version: str | None = None
    callback_url: str | None = None

    @classmethod
    def load(cls, path: Path) -> ParticipantConfig:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read participant file: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping of keys (role, subscriber_id, ...)")
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "participant") -> ParticipantConfig:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; "
                              f"known: {', '.join(sorted(known))}")
        for key in ("role", "subscriber_id", "unique_key_id", "base_url"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise ConfigError(f"{source}: {key} is required (a non-empty string)")
        if data["role"] not in ROLES:
            raise ConfigError(f"{source}: role must be one of {', '.join(ROLES)}, "
                              f"not {data['role']!r}")
        if not data.get("signing_public_key") and not data.get("registry_url"):
            raise ConfigError(f"{source}: give signing_public_key, or registry_url to look it up")
        if not str(data["base_url"]).startswith(("http://", "https://")):
            raise ConfigError(f"{source}: base_url must start with http:// or https://")
        values = {k: (str(v) if v is not None else None) for k, v in data.items()}
        values["base_url"] = str(data["base_url"]).rstrip("/")
        return cls(**values)  # type: ignore[arg-type]


def load_harness_keys(path: Path | None) -> KeyPair:
    """The harness's own signing keys: ``--harness-keys FILE``, the env var, or fresh ones.

    The file is JSON or YAML with ``signing_private_key`` (as printed by ``ondc-harness keys
    generate``).  The key is never echoed back in errors.
    """
    if path is not None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read harness keys: {type(exc).__name__}") from None
        private = data.get("signing_private_key") if isinstance(data, dict) else None
        if not isinstance(private, str):
            raise ConfigError(f"{path}: signing_private_key is missing")
        try:
            return KeyPair.from_private(private)
        except ValueError as exc:
            raise ConfigError(f"{path}: signing_private_key is unusable: {exc}") from None
    from_env = os.environ.get(PRIVATE_KEY_ENV)
    if from_env:
        try:
            return KeyPair.from_private(from_env)
        except ValueError as exc:
            raise ConfigError(f"${PRIVATE_KEY_ENV} is unusable: {exc}") from None
    return KeyPair.generate()


@dataclass
class HarnessSettings:
    """Behaviour of one run, from the pytest options (see ``plugin.py``)."""

    callback_grace_s: float = 5.0
    callback_timeout_s: float | None = None
    request_timeout_s: float = 10.0
    max_body: int = 20 * 1024 * 1024
    host: str = "127.0.0.1"
    port: int = 0
    callback_url: str | None = None
    faults: tuple[str, ...] = ()
    fail_on: Severity = Severity.MAJOR
    report_root: Path = Path("reports")
    harness_keys: Path | None = None
    subscriber_id: str = HARNESS_SUBSCRIBER_ID
    unique_key_id: str = HARNESS_UNIQUE_KEY_ID
    max_duration_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the terminal header (no secrets)."""
        wait = (f"{self.callback_timeout_s:g}s" if self.callback_timeout_s is not None
                else f"ttl + {self.callback_grace_s:g}s")
        return json.dumps({"callback_wait": wait, "request_timeout": self.request_timeout_s,
                           "fail_on": str(self.fail_on), "faults": list(self.faults)})
