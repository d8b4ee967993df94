// Tasks make no draws (games/tasks/replay.py): their grants follow from the host's events and other games'
// plays, and reconciliation traces them. A record naming the game "tasks" is refused.

export const tasks = {
  game: "tasks",
  picksPrize: false,
  detailMembers: [],
  missingConfig: "has no tasks",

  /** Anything: a tasks record is refused whatever the config. */
  configView() {
    return true;
  },

  explainStepId: "tasks",

  /** The auditors' "tasks" step: it never holds. */
  explainStep() {
    return { id: "tasks", ok: false };
  },

  /** Why the record cannot be: tasks never draw. */
  check() {
    return "tasks make no draws: no record is a task's";
  },
};
