"""Invitations (邀请有礼), a game plugin that observes invitees' host events with their inviter as partner: its config
(:mod:`~games.invite.config`), the game (:mod:`~games.invite.game`), what is disclosed
(:mod:`~games.invite.disclosure`) and its replay, which refuses any record (:mod:`~games.invite.replay`); invite
links and who arrived through them are in :mod:`~games.invite.models` and :mod:`~games.invite.links`."""
