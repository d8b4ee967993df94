// Reading ahead: lines in batches, and the record hashes and first HMAC blocks of a batch started together
// (WebCrypto answers asynchronously; started together, they run concurrently while the checks go in order).

import { sha256Hex } from "./fair.js";
import { canonical } from "./pyjson.js";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const encoder = new TextEncoder();

/** hex(SHA-256(UTF-8 of ``text``)); null when the text holds a lone surrogate (it has no UTF-8 form). */
export async function hashText(text) {
  return LONE_SURROGATE.test(text) ? null : sha256Hex(encoder.encode(text));
}

const BATCH = 256; // lines read ahead

/** Lines read in batches from an (async) iterable, numbered from 1; a read error ends the lines. */
export class BatchReader {
  constructor(lines) {
    this.iterator = lines[Symbol.asyncIterator]?.() ?? lines[Symbol.iterator]();
    this.number = 0;
    this.error = null;
    this.done = false;
  }

  async next() {
    const entries = [];
    while (!this.done && entries.length < BATCH) {
      try {
        const step = await this.iterator.next();
        if (step.done) break;
        this.number += 1;
        entries.push({ number: this.number, text: step.value });
      } catch (error) {
        this.error = error;
        this.done = true;
      }
    }
    if (entries.length < BATCH) this.done = true;
    return entries;
  }

  async close() {
    await this.iterator.return?.();
  }
}

/** The canonical JSON of a record without its hash (section 8): what its hash covers. */
function recordBody(record) {
  return canonical(new Map([...record].filter(([key]) => key !== "hash")));
}

/** Record hashes and HMAC blocks started ahead of the checks that use them (each used once, then forgotten). */
export class Ahead {
  constructor() {
    this.clear();
  }

  clear() {
    this.texts = new WeakMap();
    this.hashes = new Map();
    this.blocks = new Map();
  }

  startRecordHash(record) {
    const text = recordBody(record);
    this.texts.set(record, text);
    const digest = Promise.resolve().then(() => hashText(text));
    digest.catch(() => {}); // a failure is raised again where the check awaits it
    this.hashes.set(text, digest);
  }

  /** SHA-256 of the record's canonical JSON without its hash (null: see hashText): started ahead, or now. */
  recordHash(record) {
    const text = this.texts.get(record) ?? recordBody(record);
    const started = this.hashes.get(text);
    this.hashes.delete(text);
    return started ?? hashText(text);
  }

  startBlock(seed, message, compute) {
    const block = compute();
    block.catch(() => {});
    this.blocks.set(`${seed}\n${message}`, block);
  }

  /** An HMAC block: started ahead, or ``compute()`` now. */
  block(seed, message, compute) {
    const key = `${seed}\n${message}`;
    const started = this.blocks.get(key);
    this.blocks.delete(key);
    return started ?? compute();
  }
}
