"""A recording stand-in for an opensearch-py client, handed to ``OpenSearchIndex``.

No OpenSearch server runs here, so the adapter's unit tests check what it *sends*: each
call is recorded as ``(name, kwargs)`` and answered from a script (a value, a callable of
the kwargs, or an exception to raise).
"""

from __future__ import annotations

from typing import Any


class FakeOpenSearch:
    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers = dict(answers or {})
        self.indices = _Namespace(self, "indices.")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Namespace(self, "").method(name)

    def called(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for called, kwargs in self.calls if called == name]

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def answer(self, name: str, kwargs: dict[str, Any]) -> Any:
        answer = self.answers.get(name)
        if isinstance(answer, Exception):
            raise answer
        return answer(kwargs) if callable(answer) else answer


class _Namespace:
    def __init__(self, client: FakeOpenSearch, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def method(self, name: str) -> Any:
        full = self.prefix + name

        def call(**kwargs: Any) -> Any:
            self.client.calls.append((full, kwargs))
            return self.client.answer(full, kwargs)

        return call

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.method(name)
