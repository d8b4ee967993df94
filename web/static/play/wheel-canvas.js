// The wheel drawn on a canvas. Slots go clockwise from the top; the pointer is fixed at the top.
// It only animates to the slot the server chose and reports, after landing, the slot under the
// pointer (canvas data-landed-slot), computed from its own geometry.

const TAU = Math.PI * 2;
const COLOURS = [
  { fill: "#ff4d3a", text: "#fff8e7" },
  { fill: "#fff1d0", text: "#d9261c" },
];
const RIM = "#c8151b";
const GOLD = "#ffd56b";

function easeOutCubic(x) {
  return 1 - (1 - x) ** 3;
}

const FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

// Words stay whole (ASCII runs such as "100" or "interest-free"); CJK may break between characters.
function tokens(text) {
  return text.match(/[\x21-\x7e¥]+|\s+|./gu) ?? [];
}

// One line if it fits, else the two-line split whose longer line is shortest.
function layout(ctx, text) {
  const width = (parts) => ctx.measureText(parts.join("").trim()).width;
  const parts = tokens(text);
  let best = { lines: [text], width: width(parts) };
  for (let i = 1; i < parts.length; i++) {
    const lines = [parts.slice(0, i).join("").trim(), parts.slice(i).join("").trim()];
    const longest = Math.max(width(parts.slice(0, i)), width(parts.slice(i)));
    if (lines.every(Boolean) && longest < best.width) best = { lines, width: longest };
  }
  return best;
}

export class WheelCanvas {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.slots = [];
    this.rotation = 0; // radians, clockwise
    this.highlight = null; // the landed slot, lit up until the next spin
    window.addEventListener("resize", () => this.draw());
    this.draw();
  }

  /** Show ``slots``: [{label, kind}], clockwise from the top. */
  setSlots(slots) {
    this.slots = slots;
    this.draw();
  }

  get segment() {
    return TAU / Math.max(this.slots.length, 1);
  }

  /** The slot under the pointer for the current rotation. */
  slotUnderPointer() {
    const angle = ((-this.rotation % TAU) + TAU) % TAU;
    return Math.floor(angle / this.segment) % this.slots.length;
  }

  /** Turn ``turns`` full turns plus what it takes to stop with ``slot``'s centre under the pointer. */
  spinTo(slot, { turns = 5, duration = 3200 } = {}) {
    if (matchMedia("(prefers-reduced-motion: reduce)").matches) duration = 300;
    const start = this.rotation;
    const target = -(slot + 0.5) * this.segment;
    const delta = (((target - start) % TAU) + TAU) % TAU;
    const end = start + turns * TAU + delta;
    this.highlight = null;
    this.canvas.dataset.spinning = "true";
    delete this.canvas.dataset.landedSlot;
    return new Promise((resolve) => {
      const began = performance.now();
      const frame = (now) => {
        const progress = Math.min((now - began) / duration, 1);
        this.rotation = start + (end - start) * easeOutCubic(progress);
        this.draw();
        if (progress < 1) return requestAnimationFrame(frame);
        this.rotation = end % TAU;
        this.highlight = this.slotUnderPointer();
        this.draw();
        delete this.canvas.dataset.spinning;
        this.canvas.dataset.landedSlot = String(this.slotUnderPointer());
        resolve(this.slotUnderPointer());
      };
      requestAnimationFrame(frame);
    });
  }

  draw() {
    const size = this.canvas.clientWidth;
    if (!size) return;
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(size * ratio)) {
      this.canvas.width = this.canvas.height = Math.round(size * ratio);
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size, size);
    const centre = size / 2;
    const radius = centre - size * 0.07;
    this.drawRim(ctx, centre, size);
    ctx.beginPath();
    ctx.arc(centre, centre, radius, 0, TAU);
    ctx.fillStyle = COLOURS[1].fill;
    ctx.fill();
    ctx.save();
    ctx.translate(centre, centre);
    ctx.rotate(this.rotation);
    this.slots.forEach((slot, index) => this.drawSlot(ctx, slot, index, radius));
    ctx.restore();
  }

  drawRim(ctx, centre, size) {
    ctx.beginPath();
    ctx.arc(centre, centre, centre - 1, 0, TAU);
    ctx.fillStyle = RIM;
    ctx.fill();
    const bulbs = 24;
    for (let i = 0; i < bulbs; i++) {
      const angle = (i / bulbs) * TAU;
      const r = centre - size * 0.035;
      ctx.beginPath();
      ctx.arc(centre + r * Math.cos(angle), centre + r * Math.sin(angle), size * 0.011, 0, TAU);
      ctx.fillStyle = i % 2 ? "#fff6d8" : GOLD;
      ctx.fill();
    }
  }

  drawSlot(ctx, slot, index, radius) {
    const from = -Math.PI / 2 + index * this.segment;
    const colour = COLOURS[index % 2];
    ctx.beginPath();
    ctx.moveTo(0, 0);
    ctx.arc(0, 0, radius, from, from + this.segment);
    ctx.closePath();
    ctx.fillStyle = colour.fill;
    ctx.fill();
    ctx.strokeStyle = "rgba(200, 21, 27, 0.35)";
    ctx.lineWidth = 1;
    ctx.stroke();
    if (index === this.highlight) {
      ctx.fillStyle = "rgba(255, 225, 110, 0.35)";
      ctx.fill();
      ctx.strokeStyle = GOLD;
      ctx.lineWidth = 4;
      ctx.stroke();
    }
    ctx.save();
    ctx.rotate(from + this.segment / 2 + Math.PI / 2);
    this.drawLabel(ctx, slot.label, colour.text, radius);
    drawIcon(ctx, slot.kind, radius, colour.fill);
    ctx.restore();
  }

  drawLabel(ctx, label, colour, radius) {
    const maxWidth = 2 * radius * 0.8 * Math.sin(this.segment / 2) * 0.84;
    const { size, lines } = fitLabel(ctx, label, maxWidth, Math.round(radius * 0.105));
    ctx.fillStyle = colour;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const top = -radius * 0.8 + (lines.length === 1 ? size * 0.4 : 0);
    lines.forEach((line, i) => ctx.fillText(line, 0, top + i * size * 1.2));
  }
}

// The largest font for ``label``: one line down to 80% of ``largest``, then two lines.
function fitLabel(ctx, label, maxWidth, largest) {
  const setSize = (size) => (ctx.font = `bold ${size}px ${FONT}`);
  for (let size = largest; size >= largest * 0.8; size--) {
    setSize(size);
    if (ctx.measureText(label).width <= maxWidth) return { size, lines: [label] };
  }
  for (let size = largest; size > 8; size--) {
    setSize(size);
    const text = layout(ctx, label);
    if (text.width <= maxWidth) return { size, lines: text.lines };
  }
  setSize(8);
  return { size: 8, lines: layout(ctx, label).lines };
}

function drawIcon(ctx, kind, radius, background) {
  const y = -radius * 0.5;
  const s = radius * 0.09;
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
