"""Registry emulation and key resolution.

The harness needs the participant's public key to verify callbacks, and the participant needs
the harness's.  :class:`Registry` holds known subscribers in memory (the harness itself, the
embedded reference participants, and a participant whose key is given in participant.yaml) and
can fall back to a real ONDC registry's ``/v2.0/lookup``.  The inbound server also answers
``/lookup`` and ``/v2.0/lookup`` from it, so a participant can point its registry URL at the
harness during a test run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Subscriber:
    """One registry entry (the fields ONDC's lookup answers with, reduced to what we use)."""

    subscriber_id: str
    unique_key_id: str
    signing_public_key: str
    type: str = "BPP"
    subscriber_url: str = ""
    domain: str = ""
    city: str = "*"
    country: str = "IND"

    def to_lookup(self) -> dict[str, Any]:
        return {
            "subscriber_id": self.subscriber_id,
            "unique_key_id": self.unique_key_id,
            "ukId": self.unique_key_id,
            "signing_public_key": self.signing_public_key,
            "subscriber_url": self.subscriber_url,
            "type": self.type,
            "domain": self.domain,
            "city": self.city,
            "country": self.country,
            "status": "SUBSCRIBED",
            "network_participant": [{"subscriber_url": self.subscriber_url,
                                     "domain": self.domain, "type": self.type.lower(),
                                     "city_code": [self.city]}],
        }


class Registry:
    """Known subscribers, plus an optional remote registry consulted for unknown keys."""

    def __init__(self, remote_url: str | None = None, timeout_s: float = 5.0) -> None:
        self._entries: dict[tuple[str, str], Subscriber] = {}
        self._lock = threading.Lock()
        self.remote_url = remote_url.rstrip("/") if remote_url else None
        self.timeout_s = timeout_s

    def add(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._entries[(subscriber.subscriber_id, subscriber.unique_key_id)] = subscriber

    def lookup(self, query: dict[str, Any]) -> list[Subscriber]:
        """Entries matching every given field of an ONDC lookup request."""
        wanted_id = query.get("subscriber_id")
        wanted_uk = query.get("ukId") or query.get("unique_key_id")
        wanted_type = str(query.get("type", "")).upper()
        with self._lock:
            entries = list(self._entries.values())
        return [
            e for e in entries
            if (not wanted_id or e.subscriber_id == wanted_id)
            and (not wanted_uk or e.unique_key_id == wanted_uk)
            and (not wanted_type or e.type.upper() == wanted_type)
        ]

    def public_key(self, subscriber_id: str, unique_key_id: str) -> str | None:
        """The key resolver the signature check uses: local entries first, then the remote."""
        with self._lock:
            entry = self._entries.get((subscriber_id, unique_key_id))
        if entry is not None:
            return entry.signing_public_key
        if self.remote_url is None:
            return None
        remote = self._remote_lookup(subscriber_id, unique_key_id)
        if remote is not None:
            self.add(remote)
            return remote.signing_public_key
        return None

    def _remote_lookup(self, subscriber_id: str, unique_key_id: str) -> Subscriber | None:
        assert self.remote_url is not None
        try:
            response = httpx.post(
                f"{self.remote_url}/v2.0/lookup",
                json={"subscriber_id": subscriber_id, "ukId": unique_key_id},
                timeout=self.timeout_s,
            )
            entries = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        if not isinstance(entries, list):
            return None
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            key = entry.get("signing_public_key")
            uk = entry.get("unique_key_id") or entry.get("ukId")
            owner = entry.get("subscriber_id")
            if isinstance(key, str) and uk == unique_key_id and owner == subscriber_id:
                return Subscriber(subscriber_id=subscriber_id, unique_key_id=unique_key_id,
                                  signing_public_key=key)
        return None
