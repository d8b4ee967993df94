// The winners marquee: the campaign's latest announced wins (GET /api/campaigns/ID/winners on opening,
// then its "ticker" events: {who, prize}, a masked name and a prize key) as "恭喜 张** 抽中 6期免息券",
// newest first. Always shown; an invitation until someone wins.

import { el } from "./dom.js";
import { maskedName } from "./format.js";
import { t } from "./i18n.js";

const KEPT = 10;

export class WinnersMarquee {
  /**
   * @param {HTMLElement} track the moving line inside the marquee
   * @param {(key: string) => string | null} prizeName the name of a prize key, null when unknown
   */
  constructor(track, prizeName) {
    this.track = track;
    this.prizeName = prizeName;
    this.wins = [];
    this.shown = null; // the lines on screen: redrawing the same ones would restart the scroll
  }

  /** Show a new win first. */
  add(ticker) {
    if (!ticker?.prize) return;
    this.wins = [{ who: String(ticker.who ?? ""), prize: String(ticker.prize) }, ...this.wins].slice(0, KEPT);
    this.render();
  }

  /** Wins from before the page opened (newest first, ``{who, prize}``), after the live ones. */
  addEarlier(wins) {
    const earlier = (wins ?? []).filter((win) => win?.prize).map((win) => ({ who: String(win.who), prize: String(win.prize) }));
    this.wins = [...this.wins, ...earlier].slice(0, KEPT);
    this.render();
  }

  line(win) {
    const prize = this.prizeName(win.prize) ?? t("ticker.some_prize"); // never the key itself
    return t("ticker.won", { who: maskedName(win.who), prize });
  }

  /** Draw the wins (again after a language switch or when the prize names arrive). */
  render() {
    const lines = this.wins.map((win) => this.line(win));
    const key = lines.length ? lines.join("\n") : t("marquee.idle");
    if (key === this.shown) return;
    this.shown = key;
    if (!lines.length) {
      this.track.classList.remove("is-moving");
      this.track.replaceChildren(el("span", { class: "marquee-item" }, key));
      return;
    }
    const run = el("span", { class: "marquee-run" }, ...lines.map((line) => this.item(line, true)));
    // a second copy follows the first, so the line loops without a gap (hidden from screen readers)
    const copy = el("span", { class: "marquee-run marquee-copy", "aria-hidden": "true" });
    copy.append(...lines.map((line) => this.item(line, false)));
    this.track.style.setProperty("--marquee-seconds", `${8 + 4 * lines.length}s`);
    this.track.replaceChildren(run, copy);
    this.track.classList.add("is-moving");
  }

  item(line, counted) {
    return el("span", { class: "marquee-item", "data-testid": counted ? "marquee-item" : null }, line);
  }
}
