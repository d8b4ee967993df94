// Runs web/static/audit/verifier.js under Node for tests/e2e/test_js_verifier*.py (via tests/e2e/js_verifier.py); prints JSON.
//
//   node verifier_runner.mjs file PATH     the verdict on an export file (streamed like the browser does)
//   node verifier_runner.mjs exports       stdin: a JSON list of export texts (or {text, checkpoints}: with
//                                          a saved checkpoints file's text, or {checkpoints_base64}: its
//                                          bytes; or {base64}: the export file's bytes); prints a list of
//                                          verdicts ({checkpointsError: message} when the saved file is refused)
//   node verifier_runner.mjs vectors       stdin: docs/fairness.md's test vectors; prints what the verifier's
//                                          primitives compute for each, for the test to compare
//   node verifier_runner.mjs explain       stdin: {record, config, period, previous_hash} as JSON texts

import { openAsBlob } from "node:fs";
import { text } from "node:stream/consumers";

import {
  below,
  blockMessage,
  hmacBlock,
  hmacKey,
  pick,
  sha256Hex,
  toHex,
  WordStream,
} from "../../../web/static/audit/fair.js";
import { canonical, fromPlain, loads } from "../../../web/static/audit/pyjson.js";
import { fromhex, utf8 } from "../../../web/static/audit/pyops.js";
import { CheckpointsError, explainDraw, readCheckpoints, verifyFile } from "../../../web/static/audit/verifier.js";

async function stream(seed, clientSeed, nonce) {
  const key = await hmacKey(fromhex(seed));
  return new WordStream(async (cursor) => {
    const message = blockMessage(clientSeed, nonce, cursor);
    return { message, block: await hmacBlock(key, utf8(message)) };
  });
}

async function draws(words, ranges) {
  const out = [];
  for (const n of ranges) out.push([n, (await below(words, n)).value]);
  return out;
}

async function streamVector(v) {
  const words = await stream(v.server_seed, v.client_seed, v.nonce);
  const first16 = [];
  for (let i = 0; i < 16; i += 1) first16.push(await words.next());
  const drawn = await draws(
    await stream(v.server_seed, v.client_seed, v.nonce),
    v.draws.map(([n]) => n),
  );
  return {
    commitment: await sha256Hex(fromhex(v.server_seed)),
    messages: words.blocks.map((b) => b.message),
    blocks: words.blocks.map((b) => toHex(b.block)),
    words: first16,
    draws: drawn,
  };
}

async function rejectionVector(v) {
  const words = await stream(v.server_seed, v.client_seed, v.nonce);
  const { value, words: used } = await below(words, v.n);
  return { words: used.map((w) => w.word), rejected: used.filter((w) => w.rejected).length, value };
}

/** A wheel spin from scratch (docs/fairness.md section 7): the pick, a range amount, the landed slot. */
async function spin(vector, s) {
  const prizes = vector.prizes.map(([key, weight]) => ({ key, weight }));
  const words = await stream(vector.server_seed, s.client_seed, s.nonce);
  const total = prizes.reduce((sum, p) => sum + p.weight, 0);
  const [v0] = [(await below(words, total)).value];
  const out = { draws: [[total, v0]], picked: pick(prizes, v0), amount_fen: null };
  const reward = vector.rewards?.[out.picked] ?? {};
  if ("max_fen" in reward) {
    const n = reward.max_fen - reward.min_fen + 1;
    const u = (await below(words, n)).value;
    out.draws.push([n, u]);
    out.amount_fen = reward.min_fen + u;
  }
  out.landed = s.granted ?? vector.fallback;
  const candidates = vector.slots.flatMap((key, i) => (key === out.landed ? [i] : []));
  const v = (await below(words, candidates.length)).value;
  out.draws.push([candidates.length, v]);
  out.slot = candidates[v];
  return out;
}

async function vectors(all) {
  const canonicalOf = async (c) => {
    const json = canonical(fromPlain(c.value));
    return { json, sha256: await sha256Hex(utf8(json)), from_text: canonical(loads(JSON.stringify(c.value))) };
  };
  const spins = async (vector) => Promise.all(vector.spins.map((s) => spin(vector, s)));
  return {
    streams: await Promise.all(all.streams.map(streamVector)),
    rejections: await Promise.all(all.rejections.map(rejectionVector)),
    pick: all.pick.values.map(([value]) =>
      pick(
        all.pick.prizes.map(([key, weight]) => ({ key, weight })),
        value,
      ),
    ),
    canonical: await Promise.all(all.canonical.map(canonicalOf)),
    wheel: await spins(all.wheel),
    red_packet_range: await spins(all.red_packet_range),
  };
}

async function explain(input) {
  const parse = (json) => (json === null ? null : loads(json));
  const options = { previousHash: input.previous_hash ?? undefined };
  return explainDraw(parse(input.record), parse(input.config), parse(input.period), options);
}

const [mode, path] = process.argv.slice(2);
const input = mode === "file" ? null : JSON.parse(await text(process.stdin));
let result;
if (mode === "file") result = await verifyFile(await openAsBlob(path));
else if (mode === "exports") {
  result = [];
  for (const body of input) {
    const { text: exported, base64, checkpoints, checkpoints_base64: savedBytes } =
      typeof body === "string" ? { text: body } : body;
    let saved = [];
    try {
      if (checkpoints !== undefined) saved = readCheckpoints(checkpoints);
      if (savedBytes !== undefined) saved = readCheckpoints(new Uint8Array(Buffer.from(savedBytes, "base64")));
    } catch (error) {
      if (!(error instanceof CheckpointsError)) throw error;
      result.push({ checkpointsError: error.message });
      continue;
    }
    const blob = new Blob([base64 === undefined ? exported : Buffer.from(base64, "base64")]);
    result.push(await verifyFile(blob, { checkpoints: saved }));
  }
} else if (mode === "vectors") result = await vectors(input);
else if (mode === "explain") result = await explain(input);
else throw new Error(`unknown mode ${mode}`);
process.stdout.write(JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
