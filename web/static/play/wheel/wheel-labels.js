// How a slot's label fits its slice of the wheel: the largest readable font on up to three lines, each
// line no wider than the slice at its distance from the centre; and the icons of prizes without art.

const TAU = Math.PI * 2;
const GOLD = "#ffd56b";
const FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
const SMALLEST = 10; // px: a smaller label is hard to read on a phone...
const LAST_RESORT = 8; // ...but better than a label spilling into its neighbours
const LINE_HEIGHT = 1.15;
const OUTER = 0.88; // the top of the first line, as a share of the radius
const layouts = new Map(); // "label|radius|segment" -> {size, lines}: drawn every frame, laid out once

/** Where the middle of line ``line`` (0 = the outermost) sits, as a distance from the centre. */
export function labelRadius(radius, size, line) {
  return radius * OUTER - size * (0.6 + line * LINE_HEIGHT);
}

function setFont(ctx, size) {
  ctx.font = `bold ${size}px ${FONT}`;
}

// Words stay whole (ASCII runs such as "100" or "month") but may break after a hyphen ("interest-|free");
// CJK may break between characters.
function tokens(text) {
  return text.match(/[\x21-\x2c\x2e-\x7e¥]+-?|-|\s+|./gu) ?? [];
}

/** Every way to cut ``parts`` into ``count`` non-empty lines (at most three lines). */
function* cuts(parts, count) {
  const line = (from, to) => parts.slice(from, to).join("").trim();
  if (count === 1) yield [line(0)];
  for (let i = 1; count > 1 && i < parts.length; i++) {
    if (count === 2) yield [line(0, i), line(i)];
    for (let j = i + 1; count === 3 && j < parts.length; j++) yield [line(0, i), line(i, j), line(j)];
  }
}

/**
 * The cut into at most ``most`` lines whose widest line uses the least of ``room(count)`` (the width
 * every line of a ``count``-line label has); null when none fits.
 */
function bestCut(ctx, parts, most, room, { orOverflow = false } = {}) {
  let best = null;
  for (let count = 1; count <= most; count++) {
    for (const lines of cuts(parts, count)) {
      if (!lines.every(Boolean)) continue;
      const fill = Math.max(...lines.map((text) => ctx.measureText(text).width)) / room(count);
      if (!best || fill < best.fill) best = { lines, fill };
    }
    if (best && best.fill <= 1) return best.lines; // fewer lines first
  }
  return orOverflow ? best?.lines ?? [] : null;
}

function lay(ctx, label, radius, segment) {
  // the innermost line has the least room; a turned label puts its first line there
  const room = (size) => (count) => 2 * labelRadius(radius, size, count - 1) * Math.sin(segment / 2) * 0.86;
  const parts = tokens(label);
  const largest = Math.max(Math.round(radius * 0.11), SMALLEST);
  const passes = [
    [1, Math.max(largest * 0.8, SMALLEST)], // one line while it stays large
    [2, Math.max(largest * 0.7, SMALLEST)],
    [3, SMALLEST],
    [3, LAST_RESORT],
  ];
  for (const [most, smallest] of passes) {
    for (let size = largest; size >= smallest; size--) {
      setFont(ctx, size);
      const lines = bestCut(ctx, parts, most, room(size));
      if (lines) return { size, lines };
    }
  }
  setFont(ctx, LAST_RESORT);
  return { size: LAST_RESORT, lines: bestCut(ctx, parts, 3, room(LAST_RESORT), { orOverflow: true }) };
}

/** ``label``'s font size and lines for a slice of ``segment`` radians; sets the context's font to it. */
export function fitLabel(ctx, label, radius, segment) {
  const key = `${label}|${Math.round(radius)}|${segment}`;
  if (!layouts.has(key)) layouts.set(key, lay(ctx, label, radius, segment));
  const layout = layouts.get(key);
  setFont(ctx, layout.size);
  return layout;
}

/** A small icon of the prize's kind centred at (0, ``y``), ``s`` about half its size. */
export function drawKindIcon(ctx, kind, y, s, background) {
  ctx.lineWidth = 1.5;
  if (kind === "points") {
    ctx.beginPath();
    ctx.arc(0, y, s, 0, TAU);
    ctx.fillStyle = GOLD;
    ctx.fill();
    ctx.strokeStyle = "#e89b12";
    ctx.stroke();
  } else if (kind === "red_packet") {
    ctx.fillStyle = "#e0201b";
    ctx.fillRect(-s * 0.8, y - s, s * 1.6, s * 2);
    ctx.strokeStyle = GOLD; // visible on the red slices too
    ctx.strokeRect(-s * 0.8, y - s, s * 1.6, s * 2);
    ctx.beginPath();
    ctx.arc(0, y - s * 0.2, s * 0.35, 0, TAU);
    ctx.fillStyle = GOLD;
    ctx.fill();
  } else if (kind === "coupon") {
    ctx.fillStyle = "#ff8a00";
    ctx.fillRect(-s * 1.3, y - s * 0.7, s * 2.6, s * 1.4);
    ctx.fillStyle = background;
    for (const x of [-s * 1.3, s * 1.3]) {
      ctx.beginPath();
      ctx.arc(x, y, s * 0.35, 0, TAU);
      ctx.fill();
    }
  }
}
