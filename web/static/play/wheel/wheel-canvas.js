// The wheel drawn on a canvas. Slots go clockwise from the top; the pointer is fixed at the top.
// It turns as soon as a spin is asked for, settles on the slot the server chose when the answer
// comes, and reports, after landing, the slot under the pointer (canvas data-landed-slot), computed
// from its own geometry. With prefers-reduced-motion it does not turn: it shows the landed slot.

import { prefersReducedMotion } from "../dom.js";
import { drawKindIcon, fitLabel, labelRadius } from "./wheel-labels.js";

const TAU = Math.PI * 2;
const COLOURS = [
  { fill: "#d6301d", text: "#ffffff" }, // white on this red: 4.9:1
  { fill: "#fff1d0", text: "#b3120f" }, // dark red on cream: 6.2:1
];
const RIM = "#c8151b";
const GOLD = "#ffd56b";
const TOP_SPEED = TAU / 600; // radians per millisecond while waiting for the answer: a turn in 0.6 s
const SPIN_UP_MS = 450;
const SETTLE_TURNS = 1; // at least one more full turn after the answer: it still reads as a spin
const STOP_MS = 900;

function easeOutCubic(x) {
  return 1 - (1 - x) ** 3;
}

function mod(angle, period) {
  return ((angle % period) + period) % period;
}

/** Angle turned and speed ``elapsed`` ms after starting from rest: a linear spin-up, then top speed. */
function spinUp(elapsed) {
  if (elapsed < SPIN_UP_MS) {
    return { angle: (TOP_SPEED * elapsed ** 2) / (2 * SPIN_UP_MS), speed: (TOP_SPEED * elapsed) / SPIN_UP_MS };
  }
  return { angle: TOP_SPEED * (elapsed - SPIN_UP_MS / 2), speed: TOP_SPEED };
}

/** A deceleration over ``travel`` radians in ``duration`` ms (ease-out cubic starts at 3 × its mean speed). */
function slowDown(from, travel, duration, began) {
  return (now) => {
    const progress = Math.min((now - began) / duration, 1);
    return { angle: from + travel * easeOutCubic(progress), speed: 0, done: progress >= 1 };
  };
}

export class WheelCanvas {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.slots = [];
    this.rotation = 0; // radians, clockwise
    this.highlight = null; // the landed slot, lit up until the next spin
    this.motion = null; // (now) => {angle, speed, done}: the current movement, null at rest
    this.landed = null; // resolves settleOn()'s promise
    this.animating = false;
    this.fullSpeedAt = 0; // when the current spin reaches full speed
    this.images = new Map(); // image URL -> HTMLImageElement (null when it failed to load)
    window.addEventListener("resize", () => this.draw());
    this.draw();
  }

  /** Show ``slots``: [{label, kind, image}], clockwise from the top; ``image`` may be null. */
  setSlots(slots) {
    this.slots = slots;
    for (const { image } of slots) if (image) this.loadImage(image);
    this.draw();
  }

  loadImage(url) {
    if (this.images.has(url)) return;
    const image = new Image();
    image.decoding = "async";
    image.addEventListener("load", () => this.draw());
    image.addEventListener("error", () => this.images.set(url, null));
    image.src = url;
    this.images.set(url, image);
  }

  get segment() {
    return TAU / Math.max(this.slots.length, 1);
  }

  /** The slot under the pointer for the current rotation. */
  slotUnderPointer() {
    return Math.floor(mod(-this.rotation, TAU) / this.segment) % this.slots.length;
  }

  /** Start turning now (the answer is on its way). Without motion, only marks the canvas as spinning. */
  startSpinning() {
    this.highlight = null;
    this.canvas.dataset.spinning = "true";
    delete this.canvas.dataset.landedSlot;
    this.draw();
    if (prefersReducedMotion()) return;
    const from = this.rotation;
    const began = performance.now();
    this.fullSpeedAt = began + SPIN_UP_MS;
    this.motion = (now) => {
      const { angle, speed } = spinUp(now - began);
      return { angle: from + angle, speed, done: false };
    };
    this.animate();
  }

  /** Slow down and stop with ``slot``'s centre under the pointer; resolves with the slot under it. */
  settleOn(slot) {
    if (!this.motion || this.canvas.dataset.spinning !== "true") this.startSpinning();
    const target = -(slot + 0.5) * this.segment;
    if (prefersReducedMotion()) {
      this.rotation = mod(target, TAU);
      return Promise.resolve(this.land());
    }
    // slow down from full speed (once reached), matching its speed: no jerk when the answer comes early
    const turning = this.motion;
    const from = Math.max(performance.now(), this.fullSpeedAt);
    const { angle } = turning(from);
    const travel = mod(target - angle, TAU) + SETTLE_TURNS * TAU;
    const slowing = slowDown(angle, travel, (3 * travel) / TOP_SPEED, from);
    this.motion = (now) => (now < from ? turning(now) : slowing(now));
    return new Promise((resolve) => (this.landed = resolve));
  }

  /** The answer did not come: coast to rest wherever the wheel is, without landing on a slot. */
  stop() {
    if (this.motion) {
      const now = performance.now();
      const { angle, speed } = this.motion(now);
      this.motion = slowDown(angle, (speed * STOP_MS) / 3, STOP_MS, now);
      this.landed = null; // coasting ends without landing
    }
    delete this.canvas.dataset.spinning;
  }

  /** Run the frames of ``this.motion`` until it is done (one loop at a time). */
  animate() {
    if (this.animating) return;
    this.animating = true;
    const frame = (now) => {
      const { angle, done } = this.motion(now);
      this.rotation = done ? mod(angle, TAU) : angle;
      if (!done) {
        this.draw();
        requestAnimationFrame(frame);
        return;
      }
      this.motion = null;
      this.animating = false;
      if (this.landed) this.landed(this.land());
      else this.draw();
    };
    requestAnimationFrame(frame);
  }

  /** Light up the slot under the pointer and report it; returns its index. */
  land() {
    const slot = this.slotUnderPointer();
    this.landed = null;
    this.highlight = slot;
    delete this.canvas.dataset.spinning;
    this.canvas.dataset.landedSlot = String(slot);
    this.draw();
    return slot;
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
      ctx.strokeStyle = GOLD;
      ctx.lineWidth = 5;
      ctx.stroke();
    }
    ctx.save();
    ctx.rotate(from + this.segment / 2 + Math.PI / 2); // from here on, "up" (-y) is the slot's middle, outwards
    const flip = this.isInLowerHalf(index);
    const label = this.drawLabel(ctx, slot.label, colour.text, radius, flip);
    this.drawArt(ctx, slot, radius, label, colour.fill, flip);
    ctx.restore();
  }

  /** Whether slot ``index``'s middle is below the wheel's centre now: its text is turned to read upright. */
  isInLowerHalf(index) {
    const angle = mod(this.rotation + (index + 0.5) * this.segment, TAU); // clockwise from the top
    return angle > Math.PI / 2 && angle < (3 * Math.PI) / 2;
  }

  /**
   * The label across the slot near the rim, on up to three lines; ``flip`` turns it half a turn (first
   * line innermost) so that no label is upside down. Returns where its innermost line ends.
   */
  drawLabel(ctx, text, colour, radius, flip) {
    const { size, lines } = fitLabel(ctx, text, radius, this.segment);
    ctx.fillStyle = colour;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    lines.forEach((line, i) => {
      const at = labelRadius(radius, size, flip ? lines.length - 1 - i : i);
      drawTurned(ctx, 0, -at, flip, () => ctx.fillText(line, 0, 0));
    });
    return { size, bottom: labelRadius(radius, size, lines.length - 1) - size * 0.6 };
  }

  /** The prize's image (or its kind's icon) between the label and the hub. */
  drawArt(ctx, slot, radius, label, background, flip) {
    const outer = label.bottom - radius * 0.04;
    const band = outer - radius * 0.36; // the hub covers the middle 31% of the radius
    const across = 2 * (outer - band / 2) * Math.sin(this.segment / 2);
    const side = Math.min(radius * 0.24, band, across * 0.7);
    if (side <= 0) return;
    const centre = outer - side / 2;
    const image = slot.image ? this.images.get(slot.image) : null;
    if (image?.complete && image.naturalWidth) {
      const scale = side / Math.max(image.naturalWidth, image.naturalHeight);
      const [w, h] = [image.naturalWidth * scale, image.naturalHeight * scale];
      drawTurned(ctx, 0, -centre, flip, () => ctx.drawImage(image, -w / 2, -h / 2, w, h));
    } else {
      drawTurned(ctx, 0, -centre, flip, () => drawKindIcon(ctx, slot.kind, 0, side * 0.4, background));
    }
  }
}

/** Run ``draw`` with the origin moved to (x, y), turned half a turn when ``flip``. */
function drawTurned(ctx, x, y, flip, draw) {
  ctx.save();
  ctx.translate(x, y);
  if (flip) ctx.rotate(Math.PI);
  draw();
  ctx.restore();
}
