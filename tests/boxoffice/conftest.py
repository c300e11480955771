"""Fixtures of the box-office tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def no_stranded_rule(settings_env: Any) -> None:
    """Overlapping random choices would mostly be refused by the stranded-seat rule before
    they race; switch it off (it is configuration) so they all reach the transaction."""
    settings_env(STRANDED_SEAT_RULE="false")
