// docs/fairness.md sections 3, 5 and 6 with WebCrypto (globalThis.crypto.subtle, in browsers and Node 20):
// commitments, HMAC-SHA256 draw blocks, the big-endian word stream and rejection sampling.

export const GENESIS = "0".repeat(64);
export const RANGE_MAX = 2 ** 32;

const subtle = () => {
  if (!globalThis.crypto?.subtle) throw new Error("WebCrypto is not available (the page needs HTTPS or localhost)");
  return globalThis.crypto.subtle;
};

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Lowercase hex of bytes. */
export function toHex(bytes) {
  let out = "";
  for (const byte of new Uint8Array(bytes)) out += HEX[byte];
  return out;
}

/** hex(SHA-256(bytes)). */
export async function sha256Hex(bytes) {
  return toHex(await subtle().digest("SHA-256", bytes));
}

/**
 * The HMAC-SHA256 key of a server seed's bytes. An empty key is the same HMAC as 64 zero bytes
 * (RFC 2104 pads keys with zeros), which WebCrypto accepts where it refuses an empty one.
 */
export function hmacKey(seedBytes) {
  const raw = seedBytes.length ? seedBytes : new Uint8Array(64);
  return subtle().importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The HMAC message of block ``cursor``: "<client_seed>:<nonce>:<cursor>". */
export function blockMessage(clientSeed, nonce, cursor) {
  return `${clientSeed}:${nonce}:${cursor}`;
}

/** Block bytes: HMAC-SHA256(key, message bytes). */
export async function hmacBlock(key, messageBytes) {
  return new Uint8Array(await subtle().sign("HMAC", key, messageBytes));
}

/** The 8 big-endian 32-bit words of a 32-byte block. */
export function blockWords(block) {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  return Array.from({ length: block.byteLength / 4 }, (_, i) => view.getUint32(i * 4));
}

/**
 * One draw's word stream. ``blockAt(cursor)`` resolves to ``{message, block}`` (the HMAC message and the
 * 32 bytes); blocks are asked for as the stream needs them. ``blocks`` keeps them, ``taken`` every word used.
 */
export class WordStream {
  constructor(blockAt) {
    this.blockAt = blockAt;
    this.blocks = [];
    this.taken = [];
    this.buffer = [];
  }

  async next() {
    if (!this.buffer.length) {
      const cursor = this.blocks.length;
      const { message, block } = await this.blockAt(cursor);
      this.blocks.push({ cursor, message, block });
      this.buffer = blockWords(block);
    }
    const word = this.buffer.shift();
    this.taken.push(word);
    return word;
  }
}

/** ``2^32 - (2^32 mod n)``: words at or above it are rejected. */
export function rejectionLimit(n) {
  return RANGE_MAX - (RANGE_MAX % n);
}

/**
 * A uniform integer in ``[0, n)`` by rejection sampling (docs/fairness.md section 6).
 * Resolves to ``{value, words: [{word, rejected}]}``. :throws RangeError unless ``1 <= n <= 2^32``.
 */
export async function below(stream, n) {
  if (!(Number.isInteger(n) && n >= 1 && n <= RANGE_MAX)) throw new RangeError(`range ${n} outside 1..2^32`);
  const limit = rejectionLimit(n);
  const words = [];
  for (;;) {
    const word = await stream.next();
    words.push({ word, rejected: word >= limit });
    if (word < limit) return { value: word % n, words };
  }
}

/** The prizes' value buckets: ``[{key, weight, low, high}]`` with ``high`` excluded (section 7). */
export function buckets(prizes) {
  let upper = 0;
  return prizes.map(({ key, weight }) => {
    const low = upper;
    upper += weight;
    return { key, weight, low, high: upper };
  });
}

/** The key of the prize a value picks: the first whose cumulative weight exceeds it, or null. */
export function pick(prizes, value) {
  return buckets(prizes).find((bucket) => value < bucket.high)?.key ?? null;
}
