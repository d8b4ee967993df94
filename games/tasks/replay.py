"""The verifiers' step for tasks: tasks draw nothing, so no draw record is ever a task's (standard library only)."""

from __future__ import annotations

from typing import Any


class TasksReplay:
    """Tasks make no draws (their grants follow from the host's events and other games' plays, and reconciliation
    traces them): a record naming the game ``tasks`` is refused."""

    game = "tasks"
    picks_prize = False
    detail_members: tuple[str, ...] = ()
    missing_config = "has no tasks"

    def config_view(self, config: dict[str, Any]) -> bool | None:
        """Anything: a tasks record is refused whatever the config."""
        return True

    def check(self, view: Any, landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]) -> str | None:
        """Why the record cannot be: tasks never draw."""
        return "tasks make no draws: no record is a task's"


replay = TasksReplay()
