"""Plugin state in typed :class:`pytest.StashKey` s (the pattern of pytest's own plugins)."""

from __future__ import annotations

import pytest

from ondc_harness.config import HarnessSettings, ParticipantConfig
from ondc_harness.interrupts import CtrlCGuard
from ondc_harness.session import HarnessSession

settings_key = pytest.StashKey[HarnessSettings]()
participant_key = pytest.StashKey[ParticipantConfig | None]()
session_key = pytest.StashKey[HarnessSession]()
ctrl_c_key = pytest.StashKey[CtrlCGuard | None]()


def get_session(config: pytest.Config) -> HarnessSession:
    """The run's session, started on first use (so collection-only runs start nothing)."""
    session = config.stash.get(session_key, None)
    if session is None:
        session = HarnessSession(config.stash[settings_key], config.stash[participant_key])
        config.stash[session_key] = session
    if not session.started and not session.closed:
        session.start()
        # From now on steps wait on the network: a Ctrl-C must not be lost (interrupts.py).
        guard = config.stash[ctrl_c_key] = CtrlCGuard.install()
        if guard is not None:  # its pytest_keyboard_interrupt tells it pytest saw the Ctrl-C
            config.pluginmanager.register(guard, "ondc-harness-ctrl-c-guard")
    return session
