// How a wheel spin's slot follows from its integers (docs/fairness.md, "The wheel"), as games/wheel/replay.py
// checks it: draws[at] is [candidates.length, v] over the slots showing the landed prize, detail.slot is
// candidates[v], and no integer follows.
import { eq } from "../pyops.js";

export const wheel = {
  game: "wheel",
  picksPrize: true,
  detailMembers: ["slot"],
  missingConfig: "has no wheel slots (a list of prize keys)",

  /** The slots (a list of prize keys) of ``games.wheel.slots`` when it is a list of strings, else null. */
  configView(config) {
    const games = config.get("games");
    const own = games instanceof Map ? games.get("wheel") : undefined;
    const slots = own instanceof Map ? own.get("slots") : undefined;
    return Array.isArray(slots) && slots.every((key) => typeof key === "string") ? slots : null;
  },

  explainStepId: "slot",

  /** The auditors' "slot" step of one record (plain objects): what the explanation shows, and whether it holds. */
  explainStep(config, record, at) {
    const slots = config.games.wheel.slots;
    const landed = record.granted || config.pool.fallback;
    const candidates = slots.flatMap((key, i) => (key === landed ? [i] : []));
    const [n, value] = record.draws[at] ?? [null, null];
    const slot = value === null ? null : (candidates[value] ?? null);
    const ok = record.draws.length === at + 1 && n === candidates.length && record.detail?.slot === slot;
    const draws = record.draws.length;
    return { id: "slot", ok, landed, slots, candidates, at, n, value, slot, recorded: record.detail?.slot, draws };
  },

  /** Why the slot does not follow from ``draws[at]``, or null. */
  check(slots, landed, draws, at, detail) {
    if (draws.length !== at + 1) return `a wheel spin has ${at + 1} draws, not ${draws.length}`;
    const candidates = slots.flatMap((key, i) => (key === landed ? [i] : []));
    const [n, value] = draws[at];
    if (!eq(n, candidates.length) || !eq(detail.get("slot"), candidates[value])) {
      return "wheel slot does not follow from the draw";
    }
    return null;
  },
};
