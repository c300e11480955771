"""The per-container cache: bounded, least recently used out first, loads a miss once."""

from __future__ import annotations

from chalicelib.core.cache import ContainerCache


def test_a_miss_is_loaded_once_and_kept() -> None:
    loads: list[str] = []
    cache: ContainerCache[str, str] = ContainerCache(2)

    def load(key: str) -> str:
        loads.append(key)
        return key.upper()

    assert cache.get("a", load) == "A"
    assert cache.get("a", load) == "A"
    assert loads == ["a"]


def test_the_least_recently_used_entry_goes_first_and_forget_drops_one() -> None:
    cache: ContainerCache[str, int] = ContainerCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a", lambda _: 0)  # a is used: b is now the oldest
    cache.put("c", 3)
    assert cache.get("a", lambda _: 0) == 1  # kept
    assert cache.get("b", lambda _: -1) == -1  # dropped, so loaded again
    cache.forget("b")
    assert cache.get("b", lambda _: 7) == 7
