"""The verifiers' step for invitations: they draw nothing, so no draw record is ever one (standard library only)."""

from __future__ import annotations

from typing import Any


class InviteReplay:
    """Invitations make no draws (their grants follow from the host's events; reconciliation traces them): a record
    naming the game ``invite`` is refused."""

    game = "invite"
    picks_prize = False
    detail_members: tuple[str, ...] = ()
    missing_config = "has no invitations"

    def config_view(self, config: dict[str, Any]) -> bool | None:
        """Anything: an invitation record is refused whatever the config."""
        return True

    def check(self, view: Any, landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]) -> str | None:
        """Why the record cannot be: invitations never draw."""
        return "invitations make no draws: no record is an invitation's"


replay = InviteReplay()
