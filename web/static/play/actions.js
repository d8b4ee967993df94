// A game's actions sent to the server once: a retry of the same action with the same body keeps its
// Idempotency-Key (the server answers a repeat with its first answer, so a retry never plays twice); any other
// action gets a new key.

import { api, ApiError, newIdempotencyKey } from "./api.js";

/** Whether a retry must reuse the key: the action may still be running, or no answer was stored. */
export function retriesWithSameKey(error) {
  if (!(error instanceof ApiError)) return true; // a network failure: the server may have played it
  return error.code === "request_in_progress" || error.status === 429 || error.status >= 500;
}

export class GameActions {
  /** @param {string} base the game's API path, e.g. ``/api/play/1/games/monopoly`` */
  constructor(base) {
    this.base = base;
    this.pending = null; // {action, sent, key}: the last action not answered for good
  }

  /**
   * POST ``action`` with ``body``; the server's answer.
   * :throws ApiError on a refusal, TypeError on a network failure (the key is kept for a retry when it must be).
   */
  async send(action, body = {}) {
    const sent = JSON.stringify(body);
    if (this.pending?.action !== action || this.pending.sent !== sent) {
      this.pending = { action, sent, key: newIdempotencyKey() };
    }
    try {
      const headers = { "Idempotency-Key": this.pending.key };
      const answer = await api(`${this.base}/${action}`, { method: "POST", body, headers });
      this.pending = null;
      return answer;
    } catch (error) {
      if (!retriesWithSameKey(error)) this.pending = null;
      throw error;
    }
  }
}
