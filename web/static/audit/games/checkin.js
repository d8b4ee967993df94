// How a check-in's points follow from its integer (docs/fairness.md, "The check-in calendar"), as
// games/checkin/replay.py checks it. A check-in picks no pool prize: its one integer draws[0] is
// [max - min + 1, v] over the daily points of the tier detail.tier (an index into games.checkin.tiers), and
// detail.points is min + v. detail.day (days since 1970-01-01) and detail.makeup (1 for a make-up) say which
// day it rewarded; detail.paid is 1 when the points reached the ledger.
import { arithmetic, eq, less } from "../pyops.js";

const isInt = (v) => typeof v === "number" || typeof v === "bigint";
const DAY_MS = 86400000;

/** ``[points_min, points_max]`` of a tier (a config Map), or null when they are not integers 0 <= min <= max. */
function pointsRange(tier) {
  const low = tier instanceof Map ? tier.get("points_min") : undefined;
  const high = tier instanceof Map ? tier.get("points_max") : undefined;
  return isInt(low) && isInt(high) && !less(low, 0) && !less(high, low) ? [low, high] : null;
}

/** ``YYYY-MM-DD`` of ``day`` days since 1970-01-01, or null when it is not a day a date can show. */
function dayText(day) {
  const date = new Date(Number(day) * DAY_MS);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

/** Whether a tier (a plain object) has integer points 0 <= points_min <= points_max. */
function plainRange(tier) {
  const [low, high] = [tier?.points_min, tier?.points_max];
  return Number.isInteger(low) && Number.isInteger(high) && low >= 0 && low <= high;
}

/** The first of ``check``'s checks an explained step fails: "config", "count", "tier", "makeup", "paid",
 * "range", "points", or null. */
function explainFault(step, usable, detail) {
  if (!usable) return "config";
  if (step.draws !== step.at + 1) return "count";
  if (step.min === null) return "tier";
  if (detail.makeup !== 0 && detail.makeup !== 1) return "makeup";
  if ((detail.paid !== 0 && detail.paid !== 1) || (detail.paid === 1 && detail.points === 0)) return "paid";
  if (step.n !== step.expectedN) return "range";
  return step.recorded === step.points ? null : "points";
}

export const checkin = {
  game: "checkin",
  picksPrize: false,
  detailMembers: ["day", "makeup", "paid", "points", "tier"],
  missingConfig: "has no check-in tiers (a list of objects with integer points_min and points_max)",

  /** Each tier's ``[points_min, points_max]``, in order, when ``games.checkin.tiers`` holds them, else null. */
  configView(config) {
    const games = config.get("games");
    const own = games instanceof Map ? games.get("checkin") : undefined;
    const tiers = own instanceof Map ? own.get("tiers") : undefined;
    if (!Array.isArray(tiers) || !tiers.length) return null;
    const ranges = tiers.map(pointsRange);
    return ranges.includes(null) ? null : ranges;
  },

  explainStepId: "checkin",

  /** The auditors' "checkin" step of one record (plain objects): what the explanation shows, and whether it
   * holds; ``fault`` names the first of ``check``'s checks that fails (null when none does). */
  explainStep(config, record, at) {
    const tiers = config.games?.checkin?.tiers;
    const usable = Array.isArray(tiers) && tiers.length > 0 && tiers.every(plainRange);
    const detail = record.detail ?? {};
    const tier = usable && Number.isInteger(detail.tier) ? (tiers[detail.tier] ?? null) : null;
    const [min, max] = tier ? [tier.points_min, tier.points_max] : [null, null];
    const [n, value] = record.draws[at] ?? [null, null];
    const step = {
      id: "checkin",
      tier: detail.tier,
      tiers: usable ? tiers.length : null,
      tierName: tier && { code: tier.code, name: tier.name, name_en: tier.name_en },
      min,
      max,
      expectedN: tier ? max - min + 1 : null,
      at,
      n,
      value,
      points: tier && Number.isInteger(value) ? min + value : null,
      recorded: detail.points,
      makeup: detail.makeup,
      paid: detail.paid,
      day: detail.day,
      date: Number.isInteger(detail.day) ? dayText(detail.day) : null,
      draws: record.draws.length,
    };
    const fault = explainFault(step, usable, detail);
    return { ...step, ok: fault === null, fault };
  },

  /** Why the points do not follow from ``draws[at]`` for the recorded tier, or null. */
  check(ranges, landed, draws, at, detail) {
    if (draws.length !== at + 1) return `a check-in has ${at + 1} draw, not ${draws.length}`;
    const tier = detail.get("tier");
    if (!less(tier, ranges.length)) return `check-in tier ${tier} is not one of the config's ${ranges.length} tiers`;
    if (less(1, detail.get("makeup"))) return "check-in makeup is neither 0 nor 1";
    const paid = detail.get("paid");
    if (less(1, paid) || (eq(paid, 1) && eq(detail.get("points"), 0))) {
      return "check-in paid is neither 0 nor 1, or pays 0 points";
    }
    const [low, high] = ranges[Number(tier)];
    const size = arithmetic(arithmetic(high, low, "-"), 1, "+");
    const [n, value] = draws[at];
    if (!eq(n, size)) return `check-in draw range ${n} is not the ${size} daily points of tier ${tier}`;
    const [points, recorded] = [arithmetic(low, value, "+"), detail.get("points")];
    if (!eq(recorded, points)) return `check-in points ${recorded} but the draw gives ${points}`;
    return null;
  },
};
