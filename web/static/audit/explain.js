// One draw, step by step (docs/fairness.md sections 3 to 9): the seed against its commitment, the config
// and record hashes, the chain link, the HMAC blocks and their words, each integer by rejection sampling,
// the pick from the weight buckets, the grant, a range red packet's amount and the game's own step (the
// wheel's slot); for a game that picks no prize (a check-in), that the record names none, then the game's
// step over all its integers. Every step says whether it holds (ok: true / false; null when there was
// nothing to check it against).

import {
  below,
  blockMessage,
  blockWords,
  buckets,
  GENESIS,
  hmacBlock,
  hmacKey,
  rejectionLimit,
  sha256Hex,
  toHex,
  WordStream,
} from "./fair.js";
import { GAMES } from "./games/index.js";
import { canonical, fromPlain, PyFloat } from "./pyjson.js";
import { fromhex, utf8 } from "./pyops.js";

/** A value of pyjson.js's model as plain JavaScript (objects, numbers), for reading fields. */
function toPlain(value) {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof PyFloat) return value.value;
  return value;
}

const hashOf = async (model) => sha256Hex(utf8(canonical(model)));

async function commitmentStep(period, record) {
  const seed = period.server_seed;
  const computed = await sha256Hex(fromhex(seed));
  const published = period.commitment ?? record.commitment;
  const ok = computed === published && record.commitment === published;
  return { id: "commitment", ok, seed, computed, published, recorded: record.commitment };
}

async function configStep(configModel, record) {
  const computed = await hashOf(configModel);
  return { id: "config_hash", ok: computed === record.config_hash, computed, recorded: record.config_hash };
}

async function recordStep(recordModel, record) {
  const body = new Map([...recordModel].filter(([key]) => key !== "hash"));
  const text = canonical(body);
  const computed = await sha256Hex(utf8(text));
  return { id: "record_hash", ok: computed === record.hash, canonical: text, computed, recorded: record.hash };
}

function chainStep(record, previousHash) {
  const expected = record.seq === 1 ? GENESIS : (previousHash ?? null);
  const ok = expected === null ? null : record.prev_hash === expected;
  return { id: "chain", ok, seq: record.seq, prevHash: record.prev_hash, expected };
}

/** Every integer of the record's draws recomputed from the stream, with the words each consumed. */
async function replayDraws(period, record) {
  const key = await hmacKey(fromhex(period.server_seed));
  const stream = new WordStream(async (cursor) => {
    const message = blockMessage(record.client_seed, record.nonce, cursor);
    return { message, block: await hmacBlock(key, utf8(message)) };
  });
  const integers = [];
  for (const [n, recorded] of record.draws) {
    const valid = Number.isInteger(n) && n >= 1 && n <= 2 ** 32;
    if (!valid) {
      integers.push({ n, recorded, computed: null, limit: null, words: [], ok: false });
      break;
    }
    const { value, words } = await below(stream, n);
    integers.push({ n, recorded, computed: value, limit: rejectionLimit(n), words, ok: value === recorded });
  }
  return { stream, integers };
}

function streamSteps({ stream, integers }) {
  const blocks = stream.blocks.map(({ cursor, message, block }) => ({ cursor, message, hex: toHex(block) }));
  const owners = integers.flatMap((integer, i) => integer.words.map(({ rejected }) => ({ draw: i, rejected })));
  const words = stream.blocks
    .flatMap(({ block }) => blockWords(block))
    .map((value, index) => ({
      index,
      value,
      hex: value.toString(16).padStart(8, "0"),
      ...(owners[index] ?? { draw: null }),
    }));
  const ok = integers.length > 0 && integers.every((integer) => integer.ok);
  return [
    { id: "hmac", ok: blocks.length > 0 || null, blocks },
    { id: "words", ok: blocks.length > 0 || null, words },
    { id: "integers", ok, integers, count: integers.length },
  ];
}

function pickStep(config, record) {
  const table = buckets(config.pool.prizes.map(({ key, weight }) => ({ key, weight })));
  const total = table.at(-1)?.high ?? 0;
  const [n, value] = record.draws[0] ?? [null, null];
  const chosen = table.find((bucket) => value < bucket.high)?.key ?? null;
  const rows = table.map((bucket) => ({ ...bucket, chosen: bucket.key === chosen }));
  const ok = n === total && chosen !== null && record.prize === chosen;
  return { id: "pick", ok, total, n, value, buckets: rows, picked: chosen, recorded: record.prize };
}

function grantStep(config, record) {
  const { prize, granted, fallback_reason: reason } = record;
  const fallback = config.pool.fallback;
  const asPicked = granted === prize && reason === null;
  const explained = reason !== null && (granted === fallback || granted === null);
  const outcome = asPicked ? "as_picked" : explained ? (granted === null ? "nothing" : "fallback") : "unexplained";
  return { id: "grant", ok: asPicked || explained, prize, granted, reason, fallback, outcome };
}

function amountStep(config, record) {
  const reward = config.pool.prizes.find((prize) => prize.key === record.prize)?.reward ?? {};
  const recorded = record.detail?.amount_fen ?? null;
  if (!("max_fen" in reward)) {
    return { id: "amount", ok: !("amount_fen" in (record.detail ?? {})), range: false, recorded };
  }
  const [min, max] = [reward.min_fen, reward.max_fen];
  const [n, u] = record.draws[1] ?? [null, null];
  const amount = u === null ? null : min + u;
  const ok = n === max - min + 1 && amount === recorded;
  return { id: "amount", ok, range: true, min, max, n, expectedN: max - min + 1, u, amount, recorded };
}

/** A game that draws no pool pick records none: no prize, grant, fallback reason or amount. */
function noPickStep(record) {
  const { game, prize, granted, fallback_reason: reason } = record;
  const hasAmount = "amount_fen" in (record.detail ?? {});
  const named = prize !== "" || granted !== null || reason !== null;
  const amount = hasAmount ? record.detail.amount_fen : null;
  return { id: "no_pick", ok: !named && !hasAmount, game, prize, granted, reason, amount, named, hasAmount };
}

/** The game's own step (games/index.js), or a failing "game" step for a game this verifier does not know. */
async function gameStep(config, record, at) {
  const game = GAMES.get(record.game);
  if (!game) return { id: "game", ok: false, game: record.game, known: [...GAMES.keys()].sort() };
  return attempt(game.explainStepId, () => game.explainStep(config, record, at));
}

async function attempt(id, build) {
  try {
    return await build();
  } catch (error) {
    return { id, ok: false, error: error.message };
  }
}

/** The steps from the integers to the outcome: the pick, the grant, the amount and the game's step; or, for a
 * game that picks no prize, that the record names none and the game's step over all its integers. */
async function outcomeSteps(config, record) {
  if (GAMES.get(record?.game)?.picksPrize === false) {
    return [await attempt("no_pick", () => noPickStep(record)), await gameStep(config, record, 0)];
  }
  const steps = [
    await attempt("pick", () => pickStep(config, record)),
    await attempt("grant", () => grantStep(config, record)),
  ];
  const amount = await attempt("amount", () => amountStep(config, record));
  return [...steps, amount, await gameStep(config, record, amount.range ? 2 : 1)];
}

/**
 * The steps that verify one draw record against its config and its period (``{server_seed, commitment}``;
 * without a commitment the seed is checked against the record's). Records, configs and periods may be plain
 * objects (JSON.parse) or pyjson.js values (exact hashes, floats kept). ``previousHash`` is the hash of the
 * record before it, for the chain link (seq 1 links to 64 zeros without it).
 * Resolves to ``{ok, steps: [{id, ok, ...}]}``; ``ok`` when no step failed.
 */
export async function explainDraw(record, config, period, { previousHash } = {}) {
  const [recordModel, configModel] = [fromPlain(record), fromPlain(config)];
  const [r, c, p] = [toPlain(recordModel), toPlain(configModel), toPlain(fromPlain(period))];
  const steps = [
    await attempt("commitment", () => commitmentStep(p, r)),
    await attempt("config_hash", () => configStep(configModel, r)),
    await attempt("record_hash", () => recordStep(recordModel, r)),
    await attempt("chain", () => chainStep(r, previousHash)),
  ];
  const replay = await attempt("integers", () => replayDraws(p, r));
  steps.push(...(replay.error ? [replay] : streamSteps(replay)));
  steps.push(...(await outcomeSteps(c, r)));
  return { ok: steps.every((step) => step.ok !== false), steps };
}
