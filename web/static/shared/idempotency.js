// Idempotency keys for state-changing requests (the server answers a repeat with the first answer).

/** A new idempotency key: a UUID (random hex where randomUUID needs a secure context). */
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
