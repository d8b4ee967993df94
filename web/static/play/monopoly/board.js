// The Monopoly board: its tiles as a ring round the edge of a grid (20 tiles: a 6×6 perimeter), clockwise from the
// top-left corner, and the token, which hops tile by tile along the walk the server answered (or jumps there when
// the shopper asked for less motion). The tile a distance stands on is the distance modulo the number of tiles.

import { el } from "../dom.js";
import { localName, t } from "../i18n.js";

const MAX_COLUMNS = 7; // a phone's width: cells of about 50px and more
const HOP_MS = 190;
const GLYPHS = { start: "monopoly.glyph.start", chance: "monopoly.glyph.chance", rest: "monopoly.glyph.rest" };

/** The grid the ring of ``count`` tiles goes round: as square as a phone allows, its perimeter holding them all. */
export function ringShape(count) {
  const columns = Math.min(MAX_COLUMNS, Math.ceil(count / 4) + 1);
  const rows = Math.max(3, Math.ceil((count - 2 * columns) / 2) + 2);
  return { columns, rows };
}

/** The cell (1-based row and column) of the ``index``-th place of the ring, clockwise from the top-left corner. */
export function ringCell(index, { columns, rows }) {
  let place = index;
  if (place < columns) return { row: 1, column: place + 1 };
  place -= columns;
  if (place < rows - 1) return { row: place + 2, column: columns };
  place -= rows - 1;
  if (place < columns - 1) return { row: rows, column: columns - 1 - place };
  place -= columns - 1;
  return { row: rows - 1 - place, column: 1 };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The picture of a tile: a prize's kind, the points coin, a ticket for a draw, else a glyph of its kind. */
function tileArt(tile, prizeKind) {
  if (GLYPHS[tile.kind]) return el("span", { class: "tile-art tile-glyph", "aria-hidden": "true" }, t(GLYPHS[tile.kind]));
  const kind = { points: "points", draw: "item", prize: prizeKind(tile.prize) ?? "item" }[tile.kind] ?? "nothing";
  return el("span", { class: `tile-art kind-icon kind-${kind}`, "aria-hidden": "true" });
}

export class Board {
  /**
   * @param {{board: HTMLElement, token: HTMLElement, wrap: HTMLElement}} parts the ring, the token, their frame
   * @param {(key: string) => string | null} prizeKind the kind of a pool prize (coupon, red_packet ...), if known
   */
  constructor(parts, prizeKind) {
    Object.assign(this, parts);
    this.prizeKind = prizeKind;
    this.tiles = [];
    this.shape = null;
    this.at = null; // the tile the token stands on
  }

  /** Draw ``tiles`` (the view's) round the ring; the token keeps its tile. */
  setTiles(tiles) {
    this.tiles = tiles;
    this.shape = ringShape(tiles.length);
    this.wrap.style.setProperty("--columns", String(this.shape.columns));
    this.wrap.style.setProperty("--rows", String(this.shape.rows));
    this.board.replaceChildren(...tiles.map((tile, index) => this.tileItem(tile, index)));
    if (this.at !== null) this.place(this.at);
  }

  tileItem(tile, index) {
    const cell = ringCell(index, this.shape);
    const name = localName(tile);
    const item = el(
      "li",
      { class: `tile tile-${tile.kind}`, "data-testid": "tile", "data-tile": index, "data-kind": tile.kind },
      tileArt(tile, this.prizeKind),
      el("span", { class: "tile-name", "aria-hidden": "true" }, name),
      el("span", { class: "sr-only" }, t("monopoly.tile_label", { n: index + 1, name })),
    );
    item.style.setProperty("grid-row", String(cell.row));
    item.style.setProperty("grid-column", String(cell.column));
    return item;
  }

  /** Put the token on ``tile`` at once. */
  place(tile) {
    this.at = tile;
    const cell = ringCell(tile, this.shape);
    this.token.style.setProperty("left", `${((cell.column - 0.5) * 100) / this.shape.columns}%`);
    this.token.style.setProperty("top", `${((cell.row - 0.5) * 100) / this.shape.rows}%`);
    this.token.dataset.tile = String(tile);
    this.token.hidden = false;
    for (const item of this.board.children) {
      if (Number(item.dataset.tile) === tile) item.setAttribute("aria-current", "location");
      else item.removeAttribute("aria-current");
    }
  }

  /** The tile of a distance walked. */
  tileOf(distance) {
    return distance % this.tiles.length;
  }

  /**
   * Walk the token through ``stops`` (distances: where the roll started, each landing, where it ended), a hop per
   * step when ``animate``, else straight to the last; the board's ``data-hops`` says how many hops were shown.
   */
  async walk(stops, animate) {
    let hops = 0;
    if (animate) {
      this.wrap.dataset.moving = "true";
      for (let index = 1; index < stops.length; index += 1) hops += await this.hop(stops[index - 1], stops[index]);
      delete this.wrap.dataset.moving;
    }
    this.place(this.tileOf(stops.at(-1)));
    this.wrap.dataset.hops = String(hops);
  }

  /** Hop a step at a time from distance ``from`` to ``to`` (backwards for a card moving back); the hops made. */
  async hop(from, to) {
    const step = to >= from ? 1 : -1;
    for (let distance = from + step; step * (to - distance) >= 0; distance += step) {
      this.place(this.tileOf(distance));
      this.token.classList.remove("is-hopping");
      void this.token.offsetWidth; // restart the hop's bounce
      this.token.classList.add("is-hopping");
      await sleep(HOP_MS);
    }
    this.token.classList.remove("is-hopping");
    return Math.abs(to - from);
  }
}
