// Checkpoints an auditor saved from GET /api/campaigns/{id}/checkpoints, read strictly as games/fairness/verify/saved.py
// reads them (docs/audit.md): a UTF-8 JSON list of objects, each with exactly period (a string), count (an
// integer from 0) and head_hash (64 lowercase hex digits), and optionally published_at (a string, not read);
// no member name twice in one object. Anything else is a CheckpointsError with the same words as Python's.

import { exactly, found, HEX, integer, Malformed, member, NOT_UTF8, readJSON, STRING } from "./checks.js";

const MEMBERS = ["period", "count", "head_hash"];
const OPTIONAL = ["published_at"]; // what the API answers besides: allowed, a string, not read
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A saved checkpoints file that is not of the format; the message says where and how (as Python's). */
export class CheckpointsError extends Error {}

/** Entry ``number`` (from 1) of the list as a checkpoint. :throws CheckpointsError */
function entryOf(number, entry) {
  const where = `entry ${number}`;
  if (!(entry instanceof Map)) throw new CheckpointsError(`${where} must be an object, not ${found(entry)}`);
  try {
    exactly(entry, [...MEMBERS, ...OPTIONAL.filter((name) => entry.has(name))], where);
    const period = member(entry, "period", STRING, where);
    const count = member(entry, "count", integer(0), where);
    const headHash = member(entry, "head_hash", HEX, where);
    if (entry.has("published_at")) member(entry, "published_at", STRING, where);
    return { period, count, headHash, source: "published" };
  } catch (error) {
    if (error instanceof Malformed) throw new CheckpointsError(error.message);
    throw error;
  }
}

/**
 * The checkpoints of a saved file: its bytes (a Uint8Array or an ArrayBuffer, decoded as strict UTF-8) or its
 * text. :throws CheckpointsError when they are not of the format.
 */
export function readCheckpoints(data) {
  let text = data;
  if (typeof data !== "string") {
    try {
      text = strict.decode(data);
    } catch {
      throw new CheckpointsError(NOT_UTF8);
    }
  }
  const { value, refusal } = readJSON(text);
  if (refusal) throw new CheckpointsError(refusal);
  if (!Array.isArray(value)) throw new CheckpointsError(`a checkpoints file holds a JSON list, not ${found(value)}`);
  return value.map((entry, index) => entryOf(index + 1, entry));
}
