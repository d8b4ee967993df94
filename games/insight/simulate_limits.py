"""How much work a cost simulation may take (:mod:`games.insight.simulate`), so that no request runs for minutes.

The simulator's time grows with *steps*: runs x days x prizes (one multinomial per run and day; the number
of players and draws a day costs nothing more). Per-user daily caps add a sample of 20,000 shopper-days,
each drawing ``draws_per_player`` times under every daily cap: *cap draws* = draws per player x daily caps.
A simulation over :data:`MAX_STEPS` or :data:`MAX_CAP_DRAWS` is refused; one within
:data:`INTERACTIVE_STEPS` and :data:`INTERACTIVE_CAP_DRAWS` is quick enough to answer at once, a bigger
one runs as a background job.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_STEPS = 100_000_000
"""The most runs x days x prizes one simulation may take (about a minute on one core)."""
INTERACTIVE_STEPS = 5_000_000
"""The most runs x days x prizes answered within the request (a few seconds at most)."""
MAX_CAP_DRAWS = 2_000
"""The most draws per player x daily caps (each over 20,000 sampled shopper-days)."""
INTERACTIVE_CAP_DRAWS = 200
"""The most draws per player x daily caps answered within the request."""


class SimulationTooLarge(ValueError):
    """A simulation over the maximum; ``field`` is the request field to lower, ``message`` says by how much."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SimulationSize:
    """What a simulation's time depends on."""

    runs: int
    days: int
    prizes: int
    draws_per_player: int
    daily_caps: int

    @property
    def steps(self) -> int:
        """Runs x days x prizes."""
        return self.runs * self.days * self.prizes

    @property
    def cap_draws(self) -> int:
        """Draws per player x daily caps (0 without daily caps: nothing is sampled)."""
        return self.draws_per_player * self.daily_caps

    @property
    def interactive(self) -> bool:
        """Small enough to answer within the request."""
        return self.steps <= INTERACTIVE_STEPS and self.cap_draws <= INTERACTIVE_CAP_DRAWS


def check_size(size: SimulationSize, max_steps: int | None = None, max_cap_draws: int | None = None) -> None:
    """Refuse a simulation over the limits (default :data:`MAX_STEPS`, :data:`MAX_CAP_DRAWS`), saying the
    limit and how to come under it.

    :raises SimulationTooLarge: naming ``runs`` or ``draws_per_player``.
    """
    max_steps = MAX_STEPS if max_steps is None else max_steps
    max_cap_draws = MAX_CAP_DRAWS if max_cap_draws is None else max_cap_draws
    if size.steps > max_steps:
        fit = max(max_steps // (size.days * size.prizes), 1)
        raise SimulationTooLarge(
            "runs",
            f"this simulation needs {size.runs:,} runs x {size.days:,} days x {size.prizes:,} prizes ="
            f" {size.steps:,} steps; at most {max_steps:,} are allowed: use at most {fit:,} runs, or fewer days",
        )
    if size.cap_draws > max_cap_draws:
        fit = max(max_cap_draws // size.daily_caps, 1)
        raise SimulationTooLarge(
            "draws_per_player",
            f"the daily caps need {size.draws_per_player:,} draws per player x {size.daily_caps:,} daily caps ="
            f" {size.cap_draws:,} sampled draws; at most {max_cap_draws:,} are allowed: use at most {fit:,}"
            " draws per player, or fewer daily caps",
        )
