"""What a verification is given and what it says: the :class:`Checkpoint` an export must extend, the
:class:`Report` of an export that passed, the :class:`VerificationError` naming the first line that did not."""

from __future__ import annotations

from dataclasses import dataclass, field

from games.fairness.verify.scheme import GENESIS


class VerificationError(Exception):
    """The first thing in an export that does not hold, with its line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Report:
    """What a successful verification covered."""

    draws: int = 0
    periods: dict[str, int] = field(default_factory=dict)
    head_hash: str = GENESIS


@dataclass(frozen=True)
class Checkpoint:
    """A chain head someone saw published: after ``count`` records the head was ``head_hash``."""

    period: str
    count: int
    head_hash: str
    source: str  # "line N" of the export, or "published" for one saved from the rules page
