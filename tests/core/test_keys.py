"""Key rings and the rotation rule (pure): who signs, who verifies, for how long."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.core.keys import INITIAL_KID, Keyring, MalformedKeyring, SigningKey, rotate

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
WINDOW = timedelta(days=1)
SECRET = "s" * 64


def _ring() -> Keyring:
    return Keyring.parse({"kid": INITIAL_KID, "secret": SECRET, "previous": []})


def test_a_generated_ring_has_one_current_key() -> None:
    ring = _ring()
    assert ring.current == SigningKey(INITIAL_KID, SECRET)
    assert ring.previous == ()
    assert ring.verifying_key(INITIAL_KID, NOW, WINDOW) == ring.current


def test_a_rotation_signs_with_a_new_key_and_keeps_the_old_one_for_the_window() -> None:
    rotated = rotate(_ring(), NOW, WINDOW)
    assert rotated.current.kid != INITIAL_KID and rotated.current.secret != SECRET
    old = rotated.verifying_key(INITIAL_KID, NOW + WINDOW - timedelta(seconds=1), WINDOW)
    assert old is not None and old.secret == SECRET and old.retired_at == NOW
    assert rotated.verifying_key(INITIAL_KID, NOW + WINDOW, WINDOW) is None
    assert rotated.verifying_key(rotated.current.kid, NOW + 10 * WINDOW, WINDOW) is not None


def test_keys_past_their_window_are_dropped_at_the_next_rotation() -> None:
    twice = rotate(rotate(_ring(), NOW, WINDOW), NOW + timedelta(hours=1), WINDOW)
    assert [k.kid for k in twice.previous][1] == INITIAL_KID  # both still verify
    later = rotate(twice, NOW + WINDOW + timedelta(hours=2), WINDOW)
    assert [k.kid for k in later.previous] == [twice.current.kid]


def test_revoking_drops_every_old_key_at_once() -> None:
    rotated = rotate(rotate(_ring(), NOW, WINDOW), NOW, WINDOW, revoke_previous=True)
    assert rotated.previous == ()
    assert rotated.verifying_key(INITIAL_KID, NOW, WINDOW) is None


def test_a_ring_survives_its_json_form() -> None:
    rotated = rotate(_ring(), NOW, WINDOW)
    assert Keyring.parse(rotated.to_json()) == rotated


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"kid": "k", "secret": "short"},
        {"kid": "bad kid!", "secret": SECRET},
        {"secret": SECRET},
        {"kid": "k", "secret": SECRET, "previous": [{"kid": "k", "secret": SECRET}]},
        {"kid": "k", "secret": SECRET, "previous": [{"kid": "o", "secret": SECRET}]},
        {
            "kid": "k",
            "secret": SECRET,
            "previous": [{"kid": "o", "secret": SECRET, "retired_at": "2025-06-01T10:00:00"}],
        },
    ],
)
def test_a_malformed_ring_is_refused(data: object) -> None:
    with pytest.raises(MalformedKeyring):
        Keyring.parse(data)


def test_a_new_kid_must_be_new_to_the_ring() -> None:
    with pytest.raises(MalformedKeyring):
        rotate(_ring(), NOW, WINDOW, fresh=SigningKey(INITIAL_KID, SECRET))
