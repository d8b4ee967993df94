// explainDraw's steps (verifier.js) as the page shows them: each with its mark, a sentence saying why it
// passed or failed, and what was recomputed. Prize keys show their names from the campaign's rules.

import { el, fill, notice } from "../ops/dom.js";
import { markText } from "./format.js";
import { t } from "./i18n.js";
import { checkMark, markStatus as status, prizeLabel, prizeText } from "./marks.js";
import { stepWhy, tierText } from "./step-why.js";

const mono = (value) =>
  el("span", { class: "mono break" }, value === null || value === undefined ? "–" : String(value));

function kv(...rows) {
  return el(
    "dl",
    { class: "kv" },
    ...rows.filter(Boolean).map(([label, value]) => [el("dt", {}, t(label)), el("dd", {}, value)]),
  );
}

/** A table row: its cells and an optional class. */
const row = (cells, className = null) => ({ cells, className });

function grid(head, rows) {
  return el(
    "div",
    { class: "table-scroll" },
    el(
      "table",
      { class: "grid-table compact" },
      el("thead", {}, el("tr", {}, ...head.map((key) => el("th", {}, t(key))))),
      el(
        "tbody",
        {},
        ...rows.map((row) => el("tr", { class: row.className }, ...row.cells.map((c) => el("td", {}, c)))),
      ),
    ),
  );
}

const DETAILS = {
  commitment: (s) =>
    kv(
      ["step.seed", mono(s.seed)],
      ["step.sha_of_seed", mono(s.computed)],
      ["step.published", mono(s.published)],
      ["step.in_record", mono(s.recorded)],
    ),
  config_hash: (s) => kv(["step.computed", mono(s.computed)], ["step.in_record", mono(s.recorded)]),
  record_hash: (s) =>
    el(
      "div",
      {},
      el("details", {}, el("summary", {}, t("step.canonical")), el("pre", { class: "canonical" }, s.canonical)),
      kv(["step.computed", mono(s.computed)], ["step.in_record", mono(s.recorded)]),
    ),
  chain: (s) =>
    kv(
      ["step.seq", mono(s.seq)],
      ["step.prev_hash", mono(s.prevHash)],
      ["step.expected_prev", s.expected ? mono(s.expected) : t("step.not_checked")],
    ),
  hmac: (s) =>
    grid(
      ["step.cursor", "step.message", "step.block"],
      s.blocks.map((b) => row([b.cursor, mono(b.message), mono(b.hex)])),
    ),
  words: (s) =>
    grid(
      ["step.word", "step.hex", "step.decimal", "step.integer", "step.use"],
      s.words.map((w) =>
        row(
          [w.index, mono(w.hex), mono(w.value), w.draw === null ? "–" : `#${w.draw}`, wordUse(w)],
          w.draw === null ? "unused" : w.rejected ? "rejected" : null,
        ),
      ),
    ),
  integers: (s) =>
    grid(
      ["step.integer", "step.range", "step.limit", "step.computed", "step.in_record", ""],
      s.integers.map((x, i) =>
        row([
          `#${i}`,
          mono(`[0, ${x.n})`),
          mono(x.limit),
          mono(x.computed),
          mono(x.recorded),
          checkMark(x.ok, t(x.ok ? "step.integer_same" : "step.integer_differs")),
        ]),
      ),
    ),
  pick: (s) =>
    el(
      "div",
      {},
      kv(["step.total", mono(s.total)], ["step.range_recorded", mono(s.n)], ["step.value", mono(s.value)]),
      grid(
        ["step.prize", "step.weight", "step.values", ""],
        s.buckets.map((b) =>
          row(
            [
              prizeLabel(b.key),
              mono(b.weight),
              mono(`${b.low} – ${b.high - 1}`),
              b.chosen ? `← ${t("step.chosen")}` : "",
            ],
            b.chosen ? "chosen" : null,
          ),
        ),
      ),
      kv(["step.picked", prizeLabel(s.picked)], ["step.in_record", prizeLabel(s.recorded)]),
    ),
  grant: (s) =>
    kv(
      ["step.prize", prizeLabel(s.prize)],
      ["step.granted", prizeLabel(s.granted)],
      ["step.reason", mono(s.reason)],
      ["step.fallback", prizeLabel(s.fallback)],
    ),
  amount: (s) =>
    s.range
      ? kv(
          ["step.amount_range", mono(`${s.min} – ${s.max}`)],
          ["step.amount_n", mono(`${s.expectedN} (${t("step.in_record")} ${s.n})`)],
          ["step.amount_u", mono(s.u)],
          ["step.amount_value", mono(s.amount)],
          ["step.in_record", mono(s.recorded)],
        )
      : null, // the step's sentence says there is no amount
  slot: (s) =>
    el(
      "div",
      {},
      el(
        "div",
        { class: "slots" },
        ...s.slots.map((key, i) =>
          el(
            "span",
            { class: `slot${s.candidates.includes(i) ? " candidate" : ""}${i === s.slot ? " landed" : ""}` },
            `${i}: ${prizeText(key)}`,
          ),
        ),
      ),
      kv(
        ["step.landed", prizeLabel(s.landed)],
        ["step.candidates", mono(`[${s.candidates.join(", ")}]`)],
        ["step.slot_draw", mono(`draws[${s.at}] = [${s.n}, ${s.value}]`)],
        ["step.slot_value", mono(s.slot)],
        ["step.in_record", mono(s.recorded)],
        ["step.draw_count", mono(`${s.draws} / ${s.at + 1}`)],
      ),
    ),
  no_pick: (s) =>
    kv(
      ["step.game", mono(s.game)],
      ["step.prize", mono(JSON.stringify(s.prize))],
      ["step.granted", mono(JSON.stringify(s.granted))],
      ["step.reason", mono(JSON.stringify(s.reason))],
      ["step.amount_value", s.hasAmount ? mono(s.amount) : t("step.none")],
    ),
  checkin: (s) =>
    kv(
      ["step.checkin_tier", mono(tierText(s))],
      ["step.checkin_range", mono(s.min === null ? null : `${s.min} – ${s.max}`)],
      ["step.checkin_n", mono(`${s.expectedN ?? "–"} (${t("step.in_record")} ${s.n})`)],
      ["step.checkin_draw", mono(`draws[${s.at}] = [${s.n}, ${s.value}]`)],
      ["step.checkin_points", mono(s.points)],
      ["step.in_record", mono(s.recorded)],
      ["step.checkin_day", mono(s.date ? `${s.date} (${s.day})` : s.day)],
      ["step.checkin_makeup", mono(s.makeup)],
      ["step.checkin_paid", mono(s.paid)],
      ["step.draw_count", mono(`${s.draws} / ${s.at + 1}`)],
    ),
  monopoly: (s) =>
    kv(
      ["step.monopoly_dice", mono(s.dice?.length ? s.dice.join(", ") : "–")],
      ["step.monopoly_steps", mono(s.steps)],
      ["step.monopoly_start", mono(s.start)],
      ["step.monopoly_landings", mono((s.landings ?? []).map(landingText).join(" → ") || "–")],
      ["step.monopoly_end", mono(s.end)],
    ),
  tasks: () => null, // the sentence says it
  invite: () => null, // the sentence says it
  share: () => null, // the sentence names the draw, the prize and the shopper helped
  game: () => null, // the sentence names the game
};

/** One landing of a roll: "#7 30积分", with the card or the draw tile's prize index drawn there. */
function landingText(landing) {
  const drawn = landing.card !== undefined ? ` / card ${landing.card}` : landing.pick !== undefined ? ` / #${landing.pick}` : "";
  return `#${landing.tile} ${landing.name ?? ""}${drawn}`.trim();
}

function wordUse(word) {
  if (word.draw === null) return t("step.unused");
  return word.rejected ? t("step.rejected") : t("step.accepted");
}

function mark(ok) {
  return el("span", { class: `mark mark-${status(ok)}` }, markText(ok));
}

function item(step) {
  const why = step.error ? null : el("p", { class: "why step-why", "data-testid": "step-why" }, stepWhy(step));
  return el(
    "li",
    { class: `step step-${status(step.ok)}`, "data-testid": "step", "data-step": step.id, "data-ok": String(step.ok) },
    el(
      "div",
      { class: "step-head" },
      mark(step.ok),
      el("strong", {}, t(`step.${step.id}`)),
      el("span", { class: "muted small" }, t(`step.${step.id}.what`)),
    ),
    why,
    step.error ? el("p", { class: "notice notice-error" }, step.error) : DETAILS[step.id](step),
  );
}

/** Show ``result`` ({ok, steps}) in ``list`` with a one-line summary in ``summary``. */
export function renderSteps(list, summary, result) {
  fill(list, ...result.steps.map(item));
  const failed = result.steps.filter((step) => step.ok === false).length;
  const text = failed
    ? t("steps.failed", { n: failed, total: result.steps.length })
    : t("steps.passed", { total: result.steps.length });
  notice(summary, text, failed ? "error" : "ok");
}
