"""Types of the compiled twins in _speedups.pyx (see there and retriever.py)."""

from collections.abc import Mapping

from bot.knowledge.retriever import Tuning, _Feature

class TermFinder:
    def __init__(
        self,
        words: dict[str, bool],
        singles: dict[str, bool],
        pairs: dict[str, tuple[tuple[int, ...], bool | None]],
    ) -> None: ...
    def __call__(self, text: str, pairs: list[str]) -> tuple[set[str], int]: ...

class Ranker:
    def __init__(
        self,
        terms: Mapping[str, _Feature],
        bigrams: Mapping[str, _Feature],
        questions: tuple[tuple[str, ...], ...],
        tuning: Tuning,
        unseen: float,
    ) -> None: ...
    def rank(
        self, text: str, terms: frozenset[str], bigrams: frozenset[str], unknown: int, k: int
    ) -> list[tuple[float, int]]: ...
