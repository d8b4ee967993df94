// An independent verifier of Carnival's draw exports, written from docs/fairness.md (sections 3-11) like
// games/fairness/verify/, with the same first-error semantics and wording. It runs in browsers and in Node 20
// (WebCrypto, TextDecoder; no dependency), reads lines as they come (memory stays flat in the number of
// draws), and also accepts export version 2 with its checkpoint lines.
//
//   const verdict = await verifyExport(lines, { onProgress, checkpoints });  // (async) iterable of strings
//   // {ok, draws, periods: {key: count}, periodResults: [{key, draws, status}], headHash, checkpoints,
//   //  error: {line, seq, period, message} | null}; status: "verified", "failed" or "unverified"
//   const verdict = await verifyFile(file, { onProgress, checkpoints });    // a File / Blob, streamed
//   const saved = readCheckpoints(bytes);  // saved from GET /api/campaigns/{id}/checkpoints (saved.js: strict)
//   const { ok, steps } = await explainDraw(record, config, period, { previousHash });

import { BatchReader } from "./ahead.js";
import { isBlank, NOT_UTF8, Verifier, VerificationError } from "./checks.js";
import { NotUTF8Error, streamLines } from "./stream.js";

export { contentHash, FORMAT, isBlank, SUPPORTED_VERSIONS, VerificationError } from "./checks.js";
export { explainDraw } from "./explain.js";
export { GENESIS } from "./fair.js";
export { CheckpointsError, readCheckpoints } from "./saved.js";

const PROGRESS_EVERY = 500;

/**
 * Verify an export given as lines, in order: strings with their line end "\n" (as games/fairness/verify/ reads a
 * file; without it, a line cut inside a string is "unterminated" where Python finds a control character).
 * ``onProgress({line, draws})`` is called every few hundred lines and at the end; ``checkpoints`` are
 * saved ones (readCheckpoints) the export must extend.
 */
export async function verifyExport(lines, { onProgress, checkpoints = [] } = {}) {
  const verifier = new Verifier(checkpoints);
  const reader = new BatchReader(lines);
  try {
    for (;;) {
      const entries = await reader.next();
      if (!entries.length) break;
      verifier.prefetch(entries.filter((entry) => !isBlank(entry.text)));
      for (const entry of entries) {
        if (!isBlank(entry.text)) await verifier.line(entry);
        if (entry.number % PROGRESS_EVERY === 0) onProgress?.({ line: entry.number, draws: verifier.draws });
      }
      verifier.ahead.clear();
    }
    const after = reader.number + 1;
    if (reader.error instanceof NotUTF8Error) throw new VerificationError(after, NOT_UTF8);
    if (reader.error) throw new VerificationError(after, `the file cannot be read (${reader.error.message})`);
    if (!verifier.endSeen) throw new VerificationError(after, "no end line: the export is truncated");
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    return verifier.verdict(error);
  } finally {
    await reader.close();
    onProgress?.({ line: reader.number, draws: verifier.draws });
  }
  return verifier.verdict(null);
}

/**
 * Verify an export File / Blob (or anything with ``stream()`` and ``size``), streamed: lines end at \n (only),
 * each strict UTF-8 (stream.js). ``onProgress({bytes, total, line, draws})``.
 */
export async function verifyFile(file, { onProgress, checkpoints } = {}) {
  let bytes = 0;
  const lines = streamLines(file.stream(), { onBytes: (n) => (bytes = n) });
  const report = onProgress && ((progress) => onProgress({ ...progress, bytes, total: file.size }));
  return verifyExport(lines, { onProgress: report, checkpoints });
}
