// Lines of a byte stream (a File's stream(), a fetch() body) as Python's text mode reads a file: UTF-8
// (strict, a byte-order mark kept), split after "\n", "\r\n" or "\r", each line end given as "\n" (so a
// line cut inside a string reads as Python reads it: a control character, not an unterminated string).

const NEWLINE = /\r\n|\r|\n/;

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

/** The lines of ``stream`` (a ReadableStream of bytes); ``onBytes(total)`` after each chunk read. */
export async function* streamLines(stream, { onBytes } = {}) {
  const decoder = new TextDecoderStream("utf-8", { fatal: true, ignoreBOM: true });
  const reader = stream.pipeThrough(counting(onBytes)).pipeThrough(decoder).getReader();
  let pending = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += value;
      const cut = pending.endsWith("\r") ? pending.length - 1 : pending.length; // "\r" may start a "\r\n"
      const lines = pending.slice(0, cut).split(NEWLINE);
      pending = lines.pop() + pending.slice(cut);
      for (const line of lines) yield `${line}\n`;
    }
  } finally {
    await reader.cancel().catch(() => {}); // stops reading when the consumer stops early
  }
  const last = pending.split(NEWLINE);
  const tail = last.pop();
  for (const line of last) yield `${line}\n`;
  if (tail) yield tail;
}
