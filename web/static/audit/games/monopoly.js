// How a Monopoly roll's walk follows from its integers (docs/fairness.md, "The Monopoly board"), as
// games/monopoly/replay.py checks it. A roll picks no pool prize. Without a remote-control die (detail.remote 0)
// its first integers are the dice, [6, v] each, showing v + 1, summing to detail.steps; with one (remote 1) the
// steps were chosen (1 to 6 per die), the dice drawn all the same. The token moves from distance detail.start; a draw tile draws
// [total weight, v] over its pool, a chance tile [total card weight, v] over the cards, a move card moves it
// (never below 0) and the tile reached applies in turn, up to 3 landings. detail.end is the distance reached,
// detail.laps the larger of detail.laps_before and the furthest distance divided by the tile count.

const MAX_CHAIN = 3;
const isInt = (v) => typeof v === "number" || typeof v === "bigint";
const big = (v) => BigInt(v);

/** A Map's value at ``key`` (``fallback`` when absent), as Python's ``dict.get``. */
function get(map, key, fallback) {
  return map instanceof Map && map.has(key) ? map.get(key) : fallback;
}

/** An object with an integer ``weight`` above 0 (a draw tile's prize or a card). */
function weighted(entry) {
  const weight = get(entry, "weight");
  return entry instanceof Map && isInt(weight) && big(weight) > 0n;
}

/** The index whose cumulative weight first exceeds ``value``. */
function pick(weights, value) {
  let total = 0n;
  for (const [index, weight] of weights.entries()) {
    total += weight;
    if (value < total) return index;
  }
  return weights.length - 1;
}

/** The next integer when it is ``[n, v]`` with ``0 <= v < n``, else null. */
function integer(used, n) {
  const drawn = used.next();
  if (drawn.done) return null;
  const [range, value] = drawn.value;
  return big(range) === n && big(value) >= 0n && big(value) < n ? big(value) : null;
}

function steps(view, used, detail) {
  const remote = big(detail.get("remote"));
  const recorded = big(detail.get("steps"));
  if (remote > 1n) return "Monopoly remote is neither 0 nor 1";
  let total = 0n;
  for (let die = 0n; die < view.dice; die += 1n) {
    const value = integer(used, 6n);
    if (value === null) return "a Monopoly die is not an integer below 6";
    total += value + 1n;
  }
  if (remote === 1n) {
    const top = 6n * view.dice;
    return recorded >= 1n && recorded <= top ? recorded : `a remote-control roll is not 1 to ${top}`;
  }
  return total === recorded ? total : `Monopoly steps ${recorded} but the dice show ${total}`;
}

function walk(view, start, used) {
  const landings = [];
  let [distance, furthest] = [start, start];
  const size = BigInt(view.kinds.length);
  for (let chain = 0; chain < MAX_CHAIN; chain += 1) {
    const tile = Number(distance % size);
    if (view.kinds[tile] === "draw") {
      const weights = view.draws[tile];
      const value = integer(used, weights.reduce((a, b) => a + b, 0n));
      if (value === null) return "a Monopoly draw tile's integer is wrong";
      landings.push({ tile, distance, pick: pick(weights, value) });
      return { landings, distance, furthest };
    }
    if (view.kinds[tile] !== "chance") {
      landings.push({ tile, distance });
      return { landings, distance, furthest };
    }
    const value = integer(used, view.cardWeights.reduce((a, b) => a + b, 0n));
    if (value === null) return "a Monopoly chance card's integer is wrong";
    const card = pick(view.cardWeights, value);
    landings.push({ tile, distance, card });
    if (view.moves[card] === 0n) return { landings, distance, furthest };
    distance = distance + view.moves[card] < 0n ? 0n : distance + view.moves[card];
    furthest = distance > furthest ? distance : furthest;
  }
  return { landings, distance, furthest };
}

/** The roll's landings, end and furthest distance, or why its integers do not make a walk. */
function replay(view, draws, at, detail) {
  const used = draws.slice(at)[Symbol.iterator]();
  const rolled = steps(view, used, detail);
  if (typeof rolled === "string") return rolled;
  const walked = walk(view, big(detail.get("start")) + rolled, used);
  if (typeof walked !== "string" && !used.next().done) return "a Monopoly roll has more integers than its walk uses";
  return walked;
}

/** A plain record's detail as the Map ``check`` reads. */
const detailMap = (detail) => new Map(Object.entries(detail ?? {}));

export const monopoly = {
  game: "monopoly",
  picksPrize: false,
  detailMembers: ["doubled", "end", "laps", "laps_before", "pending", "remote", "start", "steps"],
  missingConfig: "has no Monopoly board (games.monopoly: tiles, dice, cards)",

  /** The board as the check needs it (tile kinds, draw weights, card weights and moves, dice), or null. */
  configView(config) {
    const games = config.get("games");
    const board = games instanceof Map ? games.get("monopoly") : undefined;
    if (!(board instanceof Map)) return null;
    const [tiles, cards, dice] = [get(board, "tiles"), get(board, "cards", []), get(board, "dice", 1)];
    if (!Array.isArray(tiles) || !tiles.length || !Array.isArray(cards)) return null;
    if (!isInt(dice) || (big(dice) !== 1n && big(dice) !== 2n)) return null;
    if (!tiles.every((tile) => tile instanceof Map)) return null;
    if (!cards.every((card) => weighted(card) && isInt(get(card, "steps", 0)))) return null;
    const draws = tiles.map((tile) => get(tile, "draws", []));
    if (!draws.every((pool) => Array.isArray(pool) && pool.every(weighted))) return null;
    return {
      kinds: tiles.map((tile) => get(tile, "kind")),
      draws: draws.map((pool) => pool.map((entry) => big(entry.get("weight")))),
      cardWeights: cards.map((card) => big(card.get("weight"))),
      moves: cards.map((card) => (get(card, "kind") === "move" ? big(get(card, "steps", 0)) : 0n)),
      names: tiles.map((tile) => get(tile, "name")),
      dice: big(dice),
    };
  },

  explainStepId: "monopoly",

  /** The auditors' "monopoly" step of one record (plain objects): the dice, every landing and the end. */
  explainStep(config, record, at) {
    const view = this.configView(toMaps(config));
    const detail = record.detail ?? {};
    const base = { id: "monopoly", at, start: detail.start, steps: detail.steps, end: detail.end, laps: detail.laps };
    if (view === null) return { ...base, ok: false, fault: "config" };
    const problem = this.check(view, "", record.draws, at, detailMap(detail));
    const walked = replay(view, record.draws, at, detailMap(detail));
    const landings =
      typeof walked === "string"
        ? []
        : walked.landings.map((l) => ({ ...l, distance: String(l.distance), name: view.names[l.tile] ?? null }));
    const dice = record.draws.slice(at, at + Number(view.dice)).map(([, v]) => v + 1);
    return { ...base, ok: problem === null, problem, dice, remote: detail.remote, landings };
  },

  /** Why the walk does not follow from ``draws[at:]``, or null. */
  check(view, landed, draws, at, detail) {
    const walked = replay(view, draws, at, detail);
    if (typeof walked === "string") return walked;
    const [end, laps, before] = ["end", "laps", "laps_before"].map((name) => big(detail.get(name)));
    if (walked.distance !== end) return `Monopoly roll ends at distance ${end} but the walk reaches ${walked.distance}`;
    const reached = walked.furthest / BigInt(view.kinds.length);
    if (laps !== (before > reached ? before : reached)) return `Monopoly laps ${laps} do not follow from the walk`;
    if (big(detail.get("doubled")) > 1n || big(detail.get("pending")) > 1n) {
      return "Monopoly doubled or pending is neither 0 nor 1";
    }
    return null;
  },
};

/** A plain JSON value with its objects as Maps (the form ``configView`` reads). */
function toMaps(value) {
  if (Array.isArray(value)) return value.map(toMaps);
  if (value !== null && typeof value === "object") {
    return new Map(Object.entries(value).map(([key, inner]) => [key, toMaps(inner)]));
  }
  return value;
}
