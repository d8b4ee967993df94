// The checks of docs/fairness.md sections 9 to 11, one export line at a time, as games/fairness/verify/reference.py's _Verifier
// makes them: same order, same first error, same message. Every line's shape (its members and their types)
// is checked first, so the checks after it read values of known types: nothing is guessed.

import { Ahead, hashText } from "./ahead.js";
import { GENESIS, hmacBlock, hmacKey, RANGE_MAX, sha256Hex, WordStream } from "./fair.js";
import { GAMES } from "./games/index.js";
import { DrawOrder } from "./order.js";
import { canonical, JSONDecodeError, MAX_DEPTH, parse, PyFloat, quote } from "./pyjson.js";
import { arithmetic, eq, fromhex, head, less, repr, str, utf8 } from "./pyops.js";

export const FORMAT = "carnival.draws";
export const SUPPORTED_VERSIONS = [1, 2];
export const RECORD_VERSIONS = [1];
export const FALLBACK_REASONS = ["out_of_stock", "cap_reached", "budget_exhausted"];
export const NOT_UTF8 = "not valid UTF-8";

const LINE_MEMBERS = new Map([
  ["header", ["type", "format", "version", "exported_at", "campaign"]],
  ["config", ["type", "hash", "config"]],
  ["period", ["type", "key", "commitment", "committed_at", "starts_at", "ends_at", "server_seed"]],
  ["checkpoint", ["type", "period", "count", "head_hash", "published_at"]],
  ["draw", ["type", "record"]],
  ["end", ["type", "count", "head_hash"]],
]);
const CAMPAIGN_MEMBERS = ["id", "slug", "name", "timezone"];
const RECORD_MEMBERS = [
  "v", "campaign", "seq", "game", "user", "config_hash", "period", "commitment", "client_seed", "nonce",
  "draws", "prize", "granted", "fallback_reason", "detail", "created_at", "prev_hash", "hash",
]; // prettier-ignore

// A rule: what a value must be (in words, as the messages say it) and its test. pyjson.js gives integers as
// Numbers or BigInts, and numbers with a fraction or an exponent as PyFloats.
const isInt = (v) => typeof v === "number" || typeof v === "bigint";
const pattern = (regex) => (v) => typeof v === "string" && regex.test(v);
export const integer = (low, high = null) => [
  `an integer from ${low}${high === null ? "" : ` to ${high}`}`,
  (v) => isInt(v) && v >= low && (high === null || v <= high),
];
export const STRING = ["a string", (v) => typeof v === "string"];
const OBJECT = ["an object", (v) => v instanceof Map];
const NON_EMPTY_LIST = ["a non-empty list", (v) => Array.isArray(v) && v.length > 0];
export const HEX = ["64 lowercase hex digits", pattern(/^[0-9a-f]{64}$/)];
const TIMESTAMP = [
  "a timestamp YYYY-MM-DDTHH:MM:SS.ffffffZ",
  pattern(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$/),
];
const REASON = [
  'null, "out_of_stock", "cap_reached" or "budget_exhausted"',
  (v) => v === null || FALLBACK_REASONS.includes(v),
];
const CLIENT_SEED = ["1 to 64 characters of A-Z a-z 0-9 _ -", pattern(/^[A-Za-z0-9_-]{1,64}$/)];
const RECORD_RULES = [
  ["campaign", integer(0)],
  ["seq", integer(1)],
  ["game", STRING],
  ["user", integer(0)],
  ["config_hash", HEX],
  ["period", STRING],
  ["commitment", HEX],
  ["client_seed", CLIENT_SEED],
  ["nonce", integer(0)],
  ["draws", NON_EMPTY_LIST],
  ["prize", STRING],
  ["granted", ["a string or null", (v) => v === null || typeof v === "string"]],
  ["fallback_reason", REASON],
  ["detail", OBJECT],
  ["created_at", TIMESTAMP],
  ["prev_hash", HEX],
  ["hash", HEX],
];

/** The first thing in an export that does not hold: its line number, the record's seq and period if any, what. */
export class VerificationError extends Error {
  constructor(line, message) {
    super(message);
    this.line = line;
    this.seq = null;
    this.period = null;
  }
}

/** A line whose shape is not the one docs/fairness.md gives; the message says where and how. */
export class Malformed extends Error {}

/** hex(SHA-256(canonical JSON)) of a value of pyjson.js's model (section 8); null when a string holds a lone
 * surrogate (it has no UTF-8 form). */
export async function contentHash(value) {
  return hashText(canonical(value));
}

/** A line Python's ``text.strip()`` leaves empty (Python's whitespace, not JavaScript's). */
export function isBlank(text) {
  return /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(text);
}

/** A value as a message shows it: JSON text (cut after 30 characters), or "a list", "an empty object"... */
export function found(value) {
  if (Array.isArray(value)) return value.length ? "a list" : "an empty list";
  if (value instanceof Map) return value.size ? "an object" : "an empty object";
  const chars = Array.from(canonical(value));
  return chars.length <= 40 ? chars.join("") : `${chars.slice(0, 30).join("")}…`;
}

function holds(value, [words, test], where, name) {
  if (!test(value)) throw new Malformed(`${where}: ${name} must be ${words}, not ${found(value)}`);
  return value;
}

export function member(owner, key, rule, where, path = "") {
  if (!owner.has(key)) throw new Malformed(`${where}: ${path}${key} is missing`);
  return holds(owner.get(key), rule, where, path + key);
}

export function exactly(owner, names, where, path = "") {
  for (const name of names) if (!owner.has(name)) throw new Malformed(`${where}: ${path}${name} is missing`);
  for (const name of owner.keys()) {
    if (!names.includes(name)) {
      throw new Malformed(`${where}: unexpected member ${quote(name)}${path ? ` in ${path.slice(0, -1)}` : ""}`);
    }
  }
}

/** The first number with a fraction or an exponent in ``value`` (depth first, in member order), or null. */
function firstFloat(value) {
  if (value instanceof PyFloat) return value;
  const children = value instanceof Map ? [...value.values()] : Array.isArray(value) ? value : [];
  for (const child of children) {
    const number = firstFloat(child);
    if (number !== null) return number;
  }
  return null;
}

/** Whether arrays and objects nest more than MAX_DEPTH deep in a line's value (counted only when its text has
 * that many brackets). */
function tooDeep(text, value) {
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= MAX_DEPTH; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets += 1;
  }
  if (brackets <= MAX_DEPTH) return false;
  const stack = [[value, 1]];
  while (stack.length) {
    const [item, depth] = stack.pop();
    const children = item instanceof Map ? [...item.values()] : Array.isArray(item) ? item : null;
    if (children === null) continue;
    if (depth > MAX_DEPTH) return true;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The JSON value of an export's line (or of a saved checkpoints file) as games/fairness/verify/lines.py's json_value reads
 * it, as ``{value, refusal}``: ``refusal`` says why it is refused (not JSON, nested more than MAX_DEPTH deep,
 * or, checked last, an object holding a member name twice), null when it is not.
 */
export function readJSON(text) {
  let parsed;
  try {
    parsed = parse(text);
    if (tooDeep(text, parsed.value)) throw new JSONDecodeError(`nested more than ${MAX_DEPTH} deep`);
  } catch (error) {
    if (!(error instanceof JSONDecodeError)) throw error;
    return { value: undefined, refusal: `not valid JSON (${error.message})` };
  }
  const { value, repeated } = parsed;
  return { value, refusal: repeated === null ? null : `member ${quote(repeated)} appears twice in one object` };
}

/** A record's shape (section 9); returns how messages name it. :throws Malformed */
function recordShape(record) {
  if (!(record instanceof Map)) throw new Malformed(`draw line: record must be an object, not ${found(record)}`);
  const seq = record.get("seq");
  const where = isInt(seq) ? `record seq ${seq}` : "record";
  if (!record.has("v")) throw new Malformed(`${where}: v is missing`);
  const version = record.get("v");
  if (!(isInt(version) && RECORD_VERSIONS.some((known) => eq(known, version)))) {
    throw new Malformed(`${where}: unknown record version ${found(version)}`);
  }
  exactly(record, RECORD_MEMBERS, where);
  for (const [key, rule] of RECORD_RULES) member(record, key, rule, where);
  record.get("draws").forEach((pair, index) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new Malformed(`${where}: draws[${index}] must be a pair [n, value], not ${found(pair)}`);
    }
    holds(pair[0], integer(1, RANGE_MAX), where, `draws[${index}][0]`);
    holds(pair[1], integer(0), where, `draws[${index}][1]`);
  });
  detailShape(record, where);
  return where;
}

function detailShape(record, where) {
  const detail = record.get("detail");
  const game = GAMES.get(record.get("game"));
  if (game === undefined) {
    const known = [...GAMES.keys()].sort().join(", ") || "none";
    throw new Malformed(`${where}: game ${found(record.get("game"))} is not one this verifier knows (it knows: ${known})`);
  }
  for (const name of game.detailMembers) member(detail, name, integer(0), where, "detail.");
  if (detail.has("amount_fen")) member(detail, "amount_fen", integer(0), where, "detail.");
  const members = ["amount_fen", ...game.detailMembers].sort().filter((name) => detail.has(name));
  exactly(detail, members, where, "detail.");
  const number = firstFloat(detail);
  if (number !== null) throw new Malformed(`${where}: detail holds a number that is not an integer (${found(number)})`);
}

/** What the checks read of a config: its pool (section 10); and no number that is not an integer. */
function configShape(config, where) {
  const number = firstFloat(config);
  if (number !== null) throw new Malformed(`${where}: config holds a number that is not an integer (${found(number)})`);
  const pool = member(config, "pool", OBJECT, where);
  const prizes = member(pool, "prizes", NON_EMPTY_LIST, where, "pool.");
  prizes.forEach((prize, index) => {
    const path = `pool.prizes[${index}]`;
    holds(prize, OBJECT, where, path);
    member(prize, "key", STRING, where, `${path}.`);
    member(prize, "weight", integer(0), where, `${path}.`);
    const reward = member(prize, "reward", OBJECT, where, `${path}.`);
    if (reward.has("min_fen") || reward.has("max_fen")) {
      const low = member(reward, "min_fen", integer(0), where, `${path}.reward.`);
      member(reward, "max_fen", integer(low, arithmetic(low, RANGE_MAX - 1, "+")), where, `${path}.reward.`);
    }
  });
  member(pool, "fallback", STRING, where, "pool.");
}

export class Verifier {
  constructor(published = []) {
    this.configs = new Map();
    this.periods = new Map();
    this.counts = new Map(); // period key -> draws verified, in the order of the period lines
    this.keys = new Map();
    this.ahead = new Ahead();
    this.checkpoints = new Map();
    this.order = new DrawOrder();
    this.draws = 0;
    for (const checkpoint of published) this.addCheckpoint(checkpoint);
    this.headHash = GENESIS;
    this.expectedSeq = 1;
    this.version = 0;
    this.headerSeen = false;
    this.endSeen = false;
    this.seq = null; // of the line being checked, for the error
    this.linePeriod = null;
    this.complete = new Set(); // periods whose every record was verified: the chain went on, or a checkpoint held
    this.current = null; // the period of the last record verified
  }

  fail(number, message) {
    return new VerificationError(number, message);
  }

  async line(entry) {
    this.seq = null;
    this.linePeriod = null;
    try {
      await this.dispatch(entry.number, entry);
    } catch (error) {
      if (error instanceof VerificationError) Object.assign(error, { seq: this.seq, period: this.linePeriod });
      throw error;
    }
  }

  async dispatch(number, { parsed, refusal }) {
    if (refusal) throw this.fail(number, refusal);
    const kind = parsed instanceof Map ? parsed.get("type") : undefined;
    if (!this.headerSeen && kind !== "header") throw this.fail(number, "the export must start with a header line");
    if (this.endSeen) throw this.fail(number, "content after the end line");
    if (!(parsed instanceof Map)) throw this.fail(number, `a line must be a JSON object, not ${found(parsed)}`);
    if (!parsed.has("type")) throw this.fail(number, 'a line without a "type" member');
    if (!(typeof kind === "string" && LINE_MEMBERS.has(kind))) throw this.fail(number, `unknown line type ${found(kind)}`);
    try {
      if (kind !== "header") exactly(parsed, LINE_MEMBERS.get(kind), `${kind} line`);
      await this[kind](number, parsed);
    } catch (error) {
      if (error instanceof Malformed) throw this.fail(number, error.message);
      throw error;
    }
  }

  key(seed) {
    if (!this.keys.has(seed)) this.keys.set(seed, hmacKey(fromhex(seed)));
    return this.keys.get(seed);
  }

  /** Parse a batch of lines and start, concurrently, the record hashes and first HMAC blocks they will need. */
  prefetch(entries) {
    for (const entry of entries) {
      ({ value: entry.parsed, refusal: entry.refusal } = readJSON(entry.text));
      if (entry.refusal) continue;
      try {
        this.prefetchDraw(entry.parsed);
      } catch {
        // a malformed line: the checks in order will say what is wrong with it
      }
    }
  }

  prefetchDraw(line) {
    const record = line instanceof Map && line.get("type") === "draw" ? line.get("record") : null;
    if (!(record instanceof Map)) return;
    this.ahead.startRecordHash(record);
    const seed = this.periods.get(record.get("period"))?.get("server_seed");
    const [clientSeed, nonce] = [record.get("client_seed"), record.get("nonce")];
    if (typeof seed !== "string" || !CLIENT_SEED[1](clientSeed) || !integer(0)[1](nonce)) return;
    const message = `${clientSeed}:${nonce}:0`;
    const bytes = utf8(message);
    this.ahead.startBlock(seed, message, async () => hmacBlock(await this.key(seed), bytes));
  }

  async header(number, line) {
    if (this.headerSeen) throw this.fail(number, "a second header line");
    const format = line.has("format") ? line.get("format") : null;
    const version = line.has("version") ? line.get("version") : null;
    if (format !== FORMAT || !(isInt(version) && SUPPORTED_VERSIONS.some((known) => eq(known, version)))) {
      throw this.fail(number, `unknown format ${found(format)} version ${found(version)}`);
    }
    exactly(line, LINE_MEMBERS.get("header"), "header line");
    member(line, "exported_at", TIMESTAMP, "header line");
    const campaign = member(line, "campaign", OBJECT, "header line");
    exactly(campaign, CAMPAIGN_MEMBERS, "header line", "campaign.");
    for (const [key, rule] of [
      ["id", integer(0)],
      ["slug", STRING],
      ["name", STRING],
      ["timezone", STRING],
    ]) {
      member(campaign, key, rule, "header line", "campaign.");
    }
    this.headerSeen = true;
    this.version = Number(version);
  }

  async config(number, line) {
    const claimed = member(line, "hash", HEX, "config line");
    const config = member(line, "config", OBJECT, "config line");
    const where = `config ${claimed.slice(0, 12)}`;
    configShape(config, where);
    const computed = await contentHash(config);
    if (computed === null) throw this.fail(number, `${where}: a string holds a lone surrogate (it is not Unicode text)`);
    if (computed !== claimed) throw this.fail(number, `config does not hash to ${claimed}`);
    this.configs.set(claimed, config);
  }

  async period(number, line) {
    const key = member(line, "key", STRING, "period line");
    this.linePeriod = key;
    const commitment = member(line, "commitment", HEX, "period line");
    for (const name of ["committed_at", "starts_at", "ends_at"]) member(line, name, TIMESTAMP, "period line");
    const seed = member(line, "server_seed", HEX, "period line");
    if ((await sha256Hex(fromhex(seed))) !== commitment) {
      throw this.fail(number, `period ${key}: revealed seed does not match its commitment`);
    }
    this.periods.set(key, line);
    if (!this.counts.has(key)) this.counts.set(key, 0);
  }

  async checkpoint(number, line) {
    if (this.version < 2) throw this.fail(number, `a checkpoint line in a version ${this.version} export`);
    const period = member(line, "period", STRING, "checkpoint line");
    this.linePeriod = period;
    const count = member(line, "count", integer(0), "checkpoint line");
    const headHash = member(line, "head_hash", HEX, "checkpoint line");
    member(line, "published_at", TIMESTAMP, "checkpoint line");
    this.addCheckpoint({ period, count, headHash, source: `line ${number}` });
    this.checkCheckpoints(number, 0, GENESIS);
  }

  addCheckpoint(checkpoint) {
    const key = String(checkpoint.count);
    if (!this.checkpoints.has(key)) this.checkpoints.set(key, []);
    this.checkpoints.get(key).push(checkpoint);
    this.order.add(checkpoint, this.draws);
  }

  /** Every checkpoint at ``count`` records must name ``head``; their periods are closed. */
  checkCheckpoints(number, count, logHead) {
    const found = this.checkpoints.get(String(count)) ?? [];
    for (const checkpoint of found) {
      if (checkpoint.headHash !== logHead) {
        const says = `says the chain head after ${count} records was ${head(checkpoint.headHash, 16)}…`;
        const which = `checkpoint of period ${str(checkpoint.period)} (${checkpoint.source})`;
        throw this.fail(number, `${which} ${says}, the log has ${head(logHead, 16)}… (log rewritten)`);
      }
    }
    this.order.passed(found);
  }

  async draw(number, line) {
    const record = line.get("record");
    if (record instanceof Map) {
      this.seq = isInt(record.get("seq")) ? record.get("seq") : null;
      this.linePeriod = typeof record.get("period") === "string" ? record.get("period") : null;
    }
    const where = recordShape(record);
    await this.checkChain(number, where, record);
    const fault = this.order.fault(where, record);
    if (fault !== null) throw this.fail(number, fault);
    await this.checkDraw(number, where, record);
    const period = record.get("period");
    this.order.drawn(period, record.get("user"), record.get("nonce"));
    if (this.current !== null && this.current !== period) this.complete.add(this.current);
    this.current = period;
    this.draws += 1;
    this.counts.set(period, this.counts.get(period) + 1);
    this.headHash = record.get("hash");
    this.expectedSeq += 1;
    this.checkCheckpoints(number, this.draws, this.headHash);
    for (const checkpoint of this.checkpoints.get(String(this.draws)) ?? []) this.complete.add(str(checkpoint.period));
  }

  async checkChain(number, where, record) {
    const computed = await this.ahead.recordHash(record);
    if (computed === null) throw this.fail(number, `${where}: a string holds a lone surrogate (it is not Unicode text)`);
    if (computed !== record.get("hash")) {
      throw this.fail(number, `${where}: content does not match its hash (record altered)`);
    }
    const seq = record.get("seq");
    if (!eq(seq, this.expectedSeq)) {
      const what = "a record was inserted, deleted or moved";
      throw this.fail(number, `${where}: seq ${seq} where ${this.expectedSeq} was expected: ${what}`);
    }
    if (record.get("prev_hash") !== this.headHash) {
      throw this.fail(number, `${where}: prev_hash does not link to the record before it`);
    }
  }

  async checkDraw(number, where, record) {
    const [configHash, periodKey] = [record.get("config_hash"), record.get("period")];
    const config = this.configs.get(configHash) ?? null;
    const period = this.periods.get(periodKey) ?? null;
    if (config === null || period === null) {
      throw this.fail(number, `${where}: unknown config ${configHash.slice(0, 12)} or period ${periodKey}`);
    }
    if (record.get("commitment") !== period.get("commitment")) {
      throw this.fail(number, `${where}: commitment differs from period ${periodKey}`);
    }
    const draws = record.get("draws");
    const ranges = draws.map(([n]) => n);
    const values = await this.integers(period, record, ranges);
    if (!eq(values, draws.map(([, value]) => value))) {
      throw this.fail(number, `${where}: drawn integers do not follow from the seeds`);
    }
    if (!GAMES.get(record.get("game")).picksPrize) {
      this.checkNoPick(number, where, record);
      this.checkGame(number, where, record, config, 0);
      return;
    }
    const prizes = config
      .get("pool")
      .get("prizes")
      .map((prize) => [prize.get("key"), prize.get("weight")]);
    const total = prizes.reduce((sum, [, weight]) => arithmetic(sum, weight, "+"), 0);
    if (!eq(ranges[0], total)) throw this.fail(number, `${where}: first draw range is not the pool's total weight`);
    const expected = pickKey(prizes, draws[0][1]);
    if (record.get("prize") !== expected) {
      const prize = repr(record.get("prize"));
      throw this.fail(number, `${where}: prize ${prize} but the draw picks ${repr(expected)}`);
    }
    this.checkGrant(number, where, record, config);
  }

  /** Python's ``_integers``: the stream of (period seed, client seed, nonce) over ``ranges`` (each in 1..2^32). */
  async integers(period, record, ranges) {
    const seed = period.get("server_seed");
    const [clientSeed, nonce] = [record.get("client_seed"), record.get("nonce")];
    const key = await this.key(seed);
    const stream = new WordStream(async (cursor) => {
      const message = `${clientSeed}:${nonce}:${cursor}`;
      return { message, block: await this.ahead.block(seed, message, () => hmacBlock(key, utf8(message))) };
    });
    const out = [];
    for (const n of ranges) {
      const limit = RANGE_MAX - (RANGE_MAX % n);
      for (;;) {
        const word = await stream.next();
        if (word < limit) {
          out.push(word % n);
          break;
        }
      }
    }
    return out;
  }

  /** A game that draws no pool pick records none: ``prize`` is "", ``granted`` and ``fallback_reason`` are null
   * and ``detail`` has no ``amount_fen`` (section 11, step 4.8). */
  checkNoPick(number, where, record) {
    const game = record.get("game");
    if (record.get("prize") !== "" || record.get("granted") !== null || record.get("fallback_reason") !== null) {
      throw this.fail(number, `${where}: a ${game} record picks no prize, but it names prize, granted or a reason`);
    }
    if (record.get("detail").has("amount_fen")) {
      throw this.fail(number, `${where}: an amount_fen in a ${game} record, which draws none`);
    }
  }

  checkGrant(number, where, record, config) {
    const [granted, reason] = [record.get("granted"), record.get("fallback_reason")];
    const pool = config.get("pool");
    const fallback = pool.get("fallback");
    const fine =
      (granted === record.get("prize") && reason === null) ||
      (reason !== null && (granted === fallback || granted === null));
    if (!fine) {
      throw this.fail(number, `${where}: granted ${repr(granted)} is neither the prize nor an explained fallback`);
    }
    const picked = pool.get("prizes").find((prize) => prize.get("key") === record.get("prize"));
    const amountDraws = this.checkAmount(number, where, record, picked.get("reward"));
    this.checkGame(number, where, record, config, 1 + amountDraws);
  }

  /** A range red packet's amount: ``draws[1]`` over ``max - min + 1`` gives ``detail.amount_fen``. */
  checkAmount(number, where, record, reward) {
    const [detail, draws] = [record.get("detail"), record.get("draws")];
    if (!reward.has("max_fen")) {
      if (detail.has("amount_fen")) {
        throw this.fail(number, `${where}: an amount_fen for a prize without an amount range`);
      }
      return 0;
    }
    const [low, high] = [reward.get("min_fen"), reward.get("max_fen")];
    const size = arithmetic(arithmetic(high, low, "-"), 1, "+");
    if (draws.length < 2 || !eq(draws[1][0], size)) {
      throw this.fail(number, `${where}: second draw range is not the ${size} amounts of the red packet`);
    }
    const amount = arithmetic(low, draws[1][1], "+");
    const recorded = detail.has("amount_fen") ? detail.get("amount_fen") : null;
    if (!eq(recorded, amount)) {
      throw this.fail(number, `${where}: amount_fen ${repr(recorded)} but the draw gives ${amount}`);
    }
    return 1;
  }

  /** The game's own step (games/index.js): ``draws[at:]`` give the outcome in ``detail``. */
  checkGame(number, where, record, config, at) {
    const game = GAMES.get(record.get("game"));
    const view = game.configView(config);
    if (view === null) {
      const name = record.get("config_hash").slice(0, 12);
      throw this.fail(number, `${where}: config ${name} ${game.missingConfig}`);
    }
    const granted = record.get("granted");
    const landed = granted === null ? config.get("pool").get("fallback") : granted;
    const problem = game.check(view, landed, record.get("draws"), at, record.get("detail"));
    if (problem !== null) throw this.fail(number, `${where}: ${problem}`);
  }

  async end(number, line) {
    const count = member(line, "count", integer(0), "end line");
    const headHash = member(line, "head_hash", HEX, "end line");
    if (!eq(count, this.draws) || headHash !== this.headHash) {
      throw this.fail(number, "end line's count or head hash does not match the draws (records missing)");
    }
    this.checkCheckpoints(number, 0, GENESIS); // published ones at 0 records
    const beyond = [...this.checkpoints.values()].flat().filter((checkpoint) => less(this.draws, checkpoint.count));
    if (beyond.length) {
      const first = beyond.reduce((low, checkpoint) => (less(checkpoint.count, low.count) ? checkpoint : low));
      const which = `checkpoint of period ${str(first.period)} (${first.source})`;
      throw this.fail(
        number,
        `${which} counts ${str(first.count)} records, the export holds ${this.draws} (records missing)`,
      );
    }
    this.endSeen = true;
  }

  /** Per period: its draws verified and whether it ``verified``, ``failed`` (the failure concerns it) or is
   * ``unverified`` (the failure came before all its records were verified). */
  periodResults(error) {
    const failed = error?.period ?? null;
    const status = (key) => {
      if (!error) return "verified";
      if (key === failed) return "failed";
      return this.complete.has(key) ? "verified" : "unverified";
    };
    const rows = [...this.counts].map(([key, draws]) => ({ key, draws, status: status(key) }));
    if (failed !== null && !this.counts.has(failed)) rows.push({ key: failed, draws: 0, status: "failed" });
    return rows;
  }

  verdict(error) {
    return {
      ok: error === null,
      draws: this.draws,
      periods: Object.fromEntries(this.counts),
      periodResults: this.periodResults(error),
      headHash: this.headHash,
      checkpoints: [...this.checkpoints.values()].flat().length,
      error: error && { line: error.line, seq: error.seq, period: error.period, message: error.message },
    };
  }
}

function pickKey(prizes, value) {
  let upper = 0;
  for (const [key, weight] of prizes) {
    upper = arithmetic(upper, weight, "+");
    if (less(value, upper)) return key;
  }
  throw new Error(`value ${str(value)} beyond the total weight ${str(upper)}`); // the caller checked it is below
}
