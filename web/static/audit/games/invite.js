// Invitations make no draws (games/invite/replay.py): their grants follow from the invitees' host events, and
// reconciliation traces them. A record naming the game "invite" is refused.

export const invite = {
  game: "invite",
  picksPrize: false,
  detailMembers: [],
  missingConfig: "has no invitations",

  /** Anything: an invitation record is refused whatever the config. */
  configView() {
    return true;
  },

  explainStepId: "invite",

  /** The auditors' "invite" step: it never holds. */
  explainStep() {
    return { id: "invite", ok: false };
  },

  /** Why the record cannot be: invitations never draw. */
  check() {
    return "invitations make no draws: no record is an invitation's";
  },
};
