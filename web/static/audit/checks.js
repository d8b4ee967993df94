// The checks of docs/fairness.md section 11, one export line at a time, as games/verify.py's _Verifier
// makes them: same order, same first error, same message (Python's semantics come from pyops.js).

import { Ahead } from "./ahead.js";
import { GENESIS, hmacBlock, hmacKey, RANGE_MAX, sha256Hex, WordStream } from "./fair.js";
import { canonical, JSONDecodeError, loads } from "./pyjson.js";
import {
  arithmetic,
  contains,
  eq,
  fromhex,
  get,
  hashKey,
  head,
  int,
  item,
  iterate,
  len,
  less,
  modulo,
  PyError,
  repr,
  str,
  truthy,
  unpack2,
  utf8,
} from "./pyops.js";

export const FORMAT = "carnival.draws";
export const SUPPORTED_VERSIONS = [1, 2];
const LINE_TYPES = new Set(["header", "config", "period", "checkpoint", "draw", "end"]);

/** The first thing in an export that does not hold: its line number, the record's seq if any, what. */
export class VerificationError extends Error {
  constructor(line, message) {
    super(message);
    this.line = line;
    this.seq = null;
  }
}

/** hex(SHA-256(canonical JSON)) of a value of pyjson.js's model (section 8). */
export async function contentHash(value) {
  return sha256Hex(utf8(canonical(value)));
}

/** A line Python's ``text.strip()`` leaves empty (Python's whitespace, not JavaScript's). */
export function isBlank(text) {
  return /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(text);
}

export class Verifier {
  constructor(published = []) {
    this.configs = new Map();
    this.periods = new Map();
    this.counts = new Map();
    this.keys = new Map();
    this.ahead = new Ahead();
    this.checkpoints = new Map();
    for (const checkpoint of published) this.addCheckpoint(checkpoint);
    this.draws = 0;
    this.headHash = GENESIS;
    this.expectedSeq = 1;
    this.headerSeen = false;
    this.endSeen = false;
    this.seq = null;
  }

  fail(number, message) {
    return new VerificationError(number, message);
  }

  async line(entry) {
    this.seq = null;
    try {
      await this.dispatch(entry.number, entry);
    } catch (error) {
      if (error instanceof VerificationError) error.seq = typeof this.seq === "number" ? this.seq : null;
      throw error;
    }
  }

  async dispatch(number, { parsed, parseError }) {
    if (parseError) throw this.fail(number, `not valid JSON (${parseError.message})`);
    const kind = parsed instanceof Map ? get(parsed, "type") : null;
    if (!this.headerSeen && !eq(kind, "header")) throw this.fail(number, "the export must start with a header line");
    if (this.endSeen) throw this.fail(number, "content after the end line");
    if (!(typeof kind === "string" && LINE_TYPES.has(kind))) throw this.fail(number, `unknown line type ${repr(kind)}`);
    try {
      await this[kind](number, parsed);
    } catch (error) {
      if (error instanceof PyError) throw this.fail(number, `malformed ${kind} line (${error.repr()})`);
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
      try {
        entry.parsed = loads(entry.text);
      } catch (error) {
        if (!(error instanceof JSONDecodeError)) throw error;
        entry.parseError = error;
        continue;
      }
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
    const period = this.periods.get(hashKey(record.get("period")));
    const seed = period?.get("server_seed");
    if (typeof seed !== "string" || !record.has("client_seed") || !record.has("nonce")) return;
    const message = `${str(record.get("client_seed"))}:${str(record.get("nonce"))}:0`;
    const bytes = utf8(message);
    this.ahead.startBlock(seed, message, async () => hmacBlock(await this.key(seed), bytes));
  }

  async header(number, line) {
    if (this.headerSeen) throw this.fail(number, "a second header line");
    const format = get(line, "format");
    const version = get(line, "version");
    if (!eq(format, FORMAT) || (hashKey(version), !SUPPORTED_VERSIONS.some((v) => eq(v, version)))) {
      throw this.fail(number, `unknown format ${repr(format)} version ${repr(version)}`);
    }
    this.headerSeen = true;
  }

  async config(number, line) {
    const config = item(line, "config");
    const computed = await contentHash(config);
    if (!eq(computed, item(line, "hash"))) {
      throw this.fail(number, `config does not hash to ${str(item(line, "hash"))}`);
    }
    this.configs.set(hashKey(item(line, "hash")), config);
  }

  async period(number, line) {
    const digest = await sha256Hex(fromhex(item(line, "server_seed")));
    if (!eq(digest, item(line, "commitment"))) {
      throw this.fail(number, `period ${str(item(line, "key"))}: revealed seed does not match its commitment`);
    }
    const key = item(line, "key");
    this.periods.set(hashKey(key), line);
    if (!this.counts.has(hashKey(key))) this.counts.set(hashKey(key), [key, 0]);
  }

  async checkpoint(number, line) {
    const checkpoint = {
      period: item(line, "period"),
      count: int(item(line, "count")),
      headHash: str(item(line, "head_hash")),
      source: `line ${number}`,
    };
    if (less(checkpoint.count, 0)) throw new PyError("ValueError", "a negative count");
    this.addCheckpoint(checkpoint);
    this.checkCheckpoints(number, 0, GENESIS);
  }

  addCheckpoint(checkpoint) {
    const key = String(checkpoint.count);
    if (!this.checkpoints.has(key)) this.checkpoints.set(key, []);
    this.checkpoints.get(key).push(checkpoint);
  }

  /** Every checkpoint at ``count`` records must name ``head``. */
  checkCheckpoints(number, count, logHead) {
    for (const checkpoint of this.checkpoints.get(String(count)) ?? []) {
      if (checkpoint.headHash !== logHead) {
        const says = `says the chain head after ${count} records was ${head(checkpoint.headHash, 16)}…`;
        const which = `checkpoint of period ${str(checkpoint.period)} (${checkpoint.source})`;
        throw this.fail(number, `${which} ${says}, the log has ${head(logHead, 16)}… (log rewritten)`);
      }
    }
  }

  async draw(number, line) {
    const record = item(line, "record");
    this.seq = get(record, "seq");
    const where = `record seq ${str(this.seq)}`;
    await this.checkChain(number, where, record);
    await this.checkDraw(number, where, record);
    this.draws += 1;
    this.counts.get(hashKey(item(record, "period")))[1] += 1;
    this.headHash = item(record, "hash");
    this.expectedSeq += 1;
    this.checkCheckpoints(number, this.draws, this.headHash);
  }

  async checkChain(number, where, record) {
    if (!eq(await this.ahead.recordHash(record), item(record, "hash"))) {
      throw this.fail(number, `${where}: content does not match its hash (record altered)`);
    }
    if (!eq(item(record, "seq"), this.expectedSeq)) {
      throw this.fail(number, `${where}: expected seq ${this.expectedSeq} (record missing or out of order)`);
    }
    if (!eq(item(record, "prev_hash"), this.headHash)) {
      throw this.fail(number, `${where}: prev_hash does not link to the record before it`);
    }
  }

  async checkDraw(number, where, record) {
    const config = this.configs.get(hashKey(item(record, "config_hash"))) ?? null;
    const period = this.periods.get(hashKey(item(record, "period"))) ?? null;
    if (config === null || period === null) {
      const name = str(head(item(record, "config_hash"), 12));
      throw this.fail(number, `${where}: unknown config ${name} or period ${str(item(record, "period"))}`);
    }
    if (!eq(item(record, "commitment"), item(period, "commitment"))) {
      throw this.fail(number, `${where}: commitment differs from period ${str(item(record, "period"))}`);
    }
    const pairs = iterate(item(record, "draws")).map(unpack2);
    const ranges = pairs.map(([n]) => n);
    if (
      !eq(
        await this.integers(period, record, ranges),
        pairs.map(([, value]) => value),
      )
    ) {
      throw this.fail(number, `${where}: drawn integers do not follow from the seeds`);
    }
    const prizes = iterate(item(item(config, "pool"), "prizes")).map((p) => [item(p, "key"), item(p, "weight")]);
    const first = item(ranges, 0);
    const total = prizes.reduce((sum, [, weight]) => arithmetic(sum, weight, "+"), 0);
    if (!eq(first, total)) throw this.fail(number, `${where}: first draw range is not the pool's total weight`);
    const expected = pickKey(prizes, item(item(item(record, "draws"), 0), 1));
    if (!eq(item(record, "prize"), expected)) {
      throw this.fail(number, `${where}: prize ${repr(item(record, "prize"))} but the draw picks ${repr(expected)}`);
    }
    this.checkGrant(number, where, record, config);
  }

  /** Python's ``_integers``: the stream of (period seed, client seed, nonce) over ``ranges``. */
  async integers(period, record, ranges) {
    const seed = item(period, "server_seed");
    const clientSeed = item(record, "client_seed");
    const nonce = item(record, "nonce");
    const key = await this.key(seed);
    const stream = new WordStream(async (cursor) => {
      const message = `${str(clientSeed)}:${str(nonce)}:${cursor}`;
      return { message, block: await this.ahead.block(seed, message, () => hmacBlock(key, utf8(message))) };
    });
    const out = [];
    for (const n of ranges) {
      if (!(less(1, n, "<=") && less(n, RANGE_MAX, "<="))) {
        throw new PyError("ValueError", `range ${str(n)} outside 1..2^32`);
      }
      const limit = arithmetic(RANGE_MAX, modulo(RANGE_MAX, n), "-");
      for (;;) {
        const word = await stream.next();
        if (less(word, limit)) {
          out.push(modulo(word, n));
          break;
        }
      }
    }
    return out;
  }

  checkGrant(number, where, record, config) {
    const granted = item(record, "granted");
    const reason = item(record, "fallback_reason");
    const fallback = item(item(config, "pool"), "fallback");
    const fine =
      (eq(granted, item(record, "prize")) && reason === null) ||
      (reason !== null && (eq(granted, fallback) || granted === null));
    if (!fine) {
      throw this.fail(number, `${where}: granted ${repr(granted)} is neither the prize nor an explained fallback`);
    }
    const amountDraws = this.checkAmount(number, where, record, rewardOf(config, item(record, "prize")));
    if (eq(item(record, "game"), "wheel")) this.checkWheel(number, where, record, config, 1 + amountDraws);
  }

  /** A range red packet's amount: ``draws[1]`` over ``max - min + 1`` gives ``detail.amount_fen``. */
  checkAmount(number, where, record, reward) {
    if (!contains(reward, "max_fen")) {
      if (contains(item(record, "detail"), "amount_fen")) {
        throw this.fail(number, `${where}: an amount_fen for a prize without an amount range`);
      }
      return 0;
    }
    const [low, high] = [item(reward, "min_fen"), item(reward, "max_fen")];
    const draws = item(record, "draws");
    const size = () => arithmetic(arithmetic(high, low, "-"), 1, "+");
    if (less(len(draws), 2) || !eq(item(item(draws, 1), 0), size())) {
      throw this.fail(number, `${where}: second draw range is not the ${str(size())} amounts of the red packet`);
    }
    const amount = arithmetic(low, item(item(draws, 1), 1), "+");
    const recorded = get(item(record, "detail"), "amount_fen");
    if (!eq(recorded, amount)) {
      throw this.fail(number, `${where}: amount_fen ${repr(recorded)} but the draw gives ${str(amount)}`);
    }
    return 1;
  }

  /** The slot: ``draws[at]`` among the slots showing the landed prize; no draw after it. */
  checkWheel(number, where, record, config, at) {
    const slots = item(item(item(config, "games"), "wheel"), "slots");
    const granted = item(record, "granted");
    const landed = truthy(granted) ? granted : item(item(config, "pool"), "fallback");
    const candidates = iterate(slots).flatMap((key, i) => (eq(key, landed) ? [i] : []));
    const draws = item(record, "draws");
    if (len(draws) !== at + 1) throw this.fail(number, `${where}: a wheel spin has ${at + 1} draws, not ${len(draws)}`);
    const [n, value] = unpack2(item(draws, at));
    if (!eq(n, candidates.length) || !eq(get(item(record, "detail"), "slot"), item(candidates, value))) {
      throw this.fail(number, `${where}: wheel slot does not follow from the draw`);
    }
  }

  async end(number, line) {
    if (!eq(item(line, "count"), this.draws) || !eq(item(line, "head_hash"), this.headHash)) {
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

  verdict(error) {
    return {
      ok: error === null,
      draws: this.draws,
      periods: Object.fromEntries([...this.counts.values()].map(([key, count]) => [str(key), count])),
      headHash: this.headHash,
      checkpoints: [...this.checkpoints.values()].flat().length,
      error: error && { line: error.line, seq: error.seq, message: error.message },
    };
  }
}

function pickKey(prizes, value) {
  let upper = 0;
  for (const [key, weight] of prizes) {
    upper = arithmetic(upper, weight, "+=");
    if (less(value, upper)) return key;
  }
  throw new PyError("ValueError", `value ${str(value)} beyond the total weight ${str(upper)}`);
}

function rewardOf(config, key) {
  for (const prize of iterate(item(item(config, "pool"), "prizes"))) {
    if (eq(item(prize, "key"), key)) return item(prize, "reward");
  }
  throw new PyError("StopIteration");
}
