// How a helper's prize follows from its integer (docs/fairness.md, "Share-to-unlock"), as games/share/replay.py
// checks it: an assist picks no pool prize; draws[0] is [W, v] over the helper prizes' total weight W, and
// detail.pick is the index of the prize whose cumulative weight first exceeds v. detail.sharer and detail.share
// name the other player of the assist.

const isInt = (v) => typeof v === "number" || typeof v === "bigint";

/** The index whose cumulative weight first exceeds ``value`` (BigInts). */
function pick(weights, value) {
  let total = 0n;
  for (const [index, weight] of weights.entries()) {
    total += weight;
    if (value < total) return index;
  }
  return weights.length - 1;
}

export const share = {
  game: "share",
  picksPrize: false,
  detailMembers: ["pick", "share", "sharer"],
  missingConfig: "has no helper prizes (games.share.helper_prizes: objects with integer weight above 0)",

  /** The helper prizes' weights (BigInts), when ``games.share.helper_prizes`` is a non-empty weighted list. */
  configView(config) {
    const games = config.get("games");
    const own = games instanceof Map ? games.get("share") : undefined;
    const prizes = own instanceof Map ? own.get("helper_prizes") : undefined;
    if (!Array.isArray(prizes) || !prizes.length) return null;
    const weights = prizes.map((prize) => (prize instanceof Map ? prize.get("weight") : undefined));
    return weights.every((w) => isInt(w) && BigInt(w) > 0n) ? weights.map(BigInt) : null;
  },

  explainStepId: "share",

  /** The auditors' "share" step of one record (plain objects): the draw, the prize it picks and the other player. */
  explainStep(config, record, at) {
    const prizes = config.games?.share?.helper_prizes ?? [];
    const weights = prizes.map((prize) => BigInt(prize.weight));
    const [n, value] = record.draws[at] ?? [null, null];
    const picked = value === null ? null : pick(weights, BigInt(value));
    const detail = record.detail ?? {};
    const ok = record.draws.length === at + 1 && picked === detail.pick && BigInt(n ?? -1) === weights.reduce((a, b) => a + b, 0n);
    const prize = picked === null ? null : (prizes[picked]?.prize ?? null);
    return { id: "share", ok, at, n, value, picked, prize, recorded: detail.pick, sharer: detail.sharer, share: detail.share };
  },

  /** Why the helper's prize does not follow from ``draws[at]``, or null. */
  check(weights, landed, draws, at, detail) {
    if (draws.length !== at + 1) return `an assist has ${at + 1} draw, not ${draws.length}`;
    const [n, value] = draws[at];
    const total = weights.reduce((a, b) => a + b, 0n);
    if (BigInt(n) !== total) return `an assist's draw range ${n} is not the helper prizes' total weight ${total}`;
    const picked = pick(weights, BigInt(value));
    const recorded = detail.get("pick");
    if (BigInt(recorded) !== BigInt(picked)) return `an assist's helper prize ${recorded} but the draw picks ${picked}`;
    return null;
  },
};
