// The order of the draws (docs/fairness.md section 11, steps 4.4 and 4.5), as games/fairness/verify/order.py checks it:
// no draw of a period after the checkpoint that closed it, and each shopper's nonces in a period 0, 1, 2, ...
// A period's nonces are forgotten once the chain has passed the count of its checkpoint (no record of it may
// follow), so memory stays bounded however long the export is.

import { arithmetic, less, str } from "./pyops.js";

export class DrawOrder {
  constructor() {
    this.closings = new Map(); // period -> its checkpoint of the smallest count (the first one seen of that count)
    this.nonces = new Map(); // period -> (user -> the shopper's next nonce; 0 when absent)
  }

  /** A checkpoint seen once ``draws`` records are verified: it may close its period earlier. */
  add(checkpoint, draws) {
    const known = this.closings.get(checkpoint.period);
    if (known === undefined || less(checkpoint.count, known.count)) this.closings.set(checkpoint.period, checkpoint);
    if (!less(draws, checkpoint.count)) this.nonces.delete(checkpoint.period);
  }

  /** The chain reached the count of ``checkpoints``: their periods are closed. */
  passed(checkpoints) {
    for (const checkpoint of checkpoints) this.nonces.delete(checkpoint.period);
  }

  /** What is wrong with the order of a record that links to the chain (its seq is the next one), or null: a draw
   * of a closed period first, then its nonce. */
  fault(where, record) {
    const [period, seq] = [record.get("period"), record.get("seq")];
    const closing = this.closings.get(period);
    if (closing !== undefined && less(closing.count, seq)) {
      const after = `recorded after its checkpoint (${closing.source}) counted ${str(closing.count)} records`;
      return `${where}: a draw of period ${period} ${after} (committed after the period closed)`;
    }
    const [user, nonce] = [record.get("user"), record.get("nonce")];
    const expected = this.nonces.get(period)?.get(String(user)) ?? 0;
    const which = `${where}: nonce ${nonce} of user ${user} in period ${period}`;
    if (less(nonce, expected)) return `${which} was already used (a draw repeated)`;
    if (less(expected, nonce)) return `${which} where ${expected} was expected (a draw missing)`;
    return null;
  }

  /** A record of ``user`` with ``nonce`` in ``period`` was verified. */
  drawn(period, user, nonce) {
    if (!this.nonces.has(period)) this.nonces.set(period, new Map());
    this.nonces.get(period).set(String(user), arithmetic(nonce, 1, "+"));
  }
}
