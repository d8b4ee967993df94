// Lines of a byte stream as games/fairness/verify/ reads a file: split after each "\n" byte and only there (a "\r" is
// part of its line), each line decoded as strict UTF-8 (a byte-order mark kept). A line that is not UTF-8 ends
// the lines with a NotUTF8Error once every line before it has been given, so that it is named by its number.

const LF = 0x0a;
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Thrown after the lines before it: the next line is not valid UTF-8. */
export class NotUTF8Error extends Error {
  constructor() {
    super("not valid UTF-8");
  }
}

function counting(onBytes) {
  let bytes = 0;
  return new TransformStream({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      onBytes?.(bytes);
      controller.enqueue(chunk);
    },
  });
}

function decode(bytes) {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

function joined(chunks) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The lines of ``bytes`` (whole lines, but for a last one without "\n"): decoded all at once, or one by one up
 * to a line that is not UTF-8. :throws NotUTF8Error */
function* linesOf(bytes) {
  const text = decode(bytes);
  if (text !== null) {
    const lines = text.split("\n"); // "\n" is never inside a UTF-8 sequence: the same cuts as the bytes'
    const last = lines.pop();
    for (const line of lines) yield `${line}\n`;
    if (last) yield last;
    return;
  }
  for (let start = 0; start < bytes.length; ) {
    const cut = bytes.indexOf(LF, start);
    const end = cut < 0 ? bytes.length : cut + 1;
    const line = decode(bytes.subarray(start, end));
    if (line === null) throw new NotUTF8Error();
    yield line;
    start = end;
  }
}

/** The lines of ``stream`` (a ReadableStream of bytes); ``onBytes(total)`` after each chunk read. */
export async function* streamLines(stream, { onBytes } = {}) {
  const reader = stream.pipeThrough(counting(onBytes)).getReader();
  let held = []; // the bytes after the last "\n" read
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
      const cut = chunk.lastIndexOf(LF);
      if (cut < 0) {
        held.push(chunk);
        continue;
      }
      const lines = joined([...held, chunk.subarray(0, cut + 1)]);
      held = cut + 1 < chunk.length ? [chunk.subarray(cut + 1)] : [];
      yield* linesOf(lines);
    }
  } finally {
    await reader.cancel().catch(() => {}); // stops reading when the consumer stops early
  }
  if (held.length) yield* linesOf(joined(held));
}
