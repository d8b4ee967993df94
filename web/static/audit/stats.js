// The goodness-of-fit test per config version (GET /api/audit/campaigns/{id}/stats): for each prize its
// disclosed probability, the draws, the picks observed and expected, the version's p-value (flagged below
// 0.001) with a sentence saying what the test compared and why it passed or was flagged, and a Chart.js bar
// chart of observed against expected picks. Prizes show their names from the campaign's rules.

import { COLORS, drawChart } from "../ops/charts.js";
import { el, fill } from "../ops/dom.js";
import { count, percent, pValue, shortHash } from "./format.js";
import { t } from "./i18n.js";
import { prizeLabel, prizeName, prizeText } from "./marks.js";

const charts = []; // the charts drawn last, destroyed before the next drawing

function counts(map, label = (key) => key) {
  const entries = Object.entries(map);
  return entries.length ? entries.map(([key, n]) => `${label(key)} ${count(n)}`).join(", ") : t("stats.none");
}

/** What the test compared and why it passed, was flagged, or could not be made. */
function why(test) {
  if (test.p_value === null) return t("stats.why.untested");
  const p = pValue(test.p_value);
  return t(test.flagged ? "stats.why.flagged" : "stats.why.consistent", { p });
}

function verdict(test) {
  if (test.p_value === null)
    return el("span", { class: "badge", "data-testid": "stats-flag", "data-flagged": "false" }, t("stats.untested"));
  const flagged = test.flagged;
  const text = t(flagged ? "stats.flagged" : "stats.consistent");
  return el(
    "span",
    {
      class: `badge ${flagged ? "badge-warn" : "badge-ok"}`,
      "data-testid": "stats-flag",
      "data-flagged": String(flagged),
    },
    text,
  );
}

function prizeRow(test, prize) {
  return el(
    "tr",
    { "data-testid": "stats-row", "data-key": prize.key },
    el("td", {}, prizeLabel(prize.key)),
    el(
      "td",
      { class: "num" },
      percent(prize.probability),
      el("div", { class: "muted small" }, `${prize.odds_numerator}/${prize.odds_denominator}`),
    ),
    el("td", { class: "num" }, count(prize.draws)),
    el("td", { class: "num", "data-testid": "stats-observed" }, count(prize.observed)),
    el("td", { class: "num" }, count(prize.expected)),
    el("td", { class: "num" }, pValue(test.p_value)),
    el("td", { class: "center" }, test.flagged ? el("span", { class: "mark mark-fail" }, "!") : ""),
  );
}

function table(test) {
  const head = [
    "stats.prize",
    "stats.probability",
    "stats.draws",
    "stats.observed",
    "stats.expected",
    "stats.p",
    "stats.flag",
  ];
  return el(
    "table",
    { class: "grid-table compact" },
    el("thead", {}, el("tr", {}, ...head.map((key, i) => el("th", { class: i && i < 6 ? "num" : "" }, t(key))))),
    el("tbody", {}, ...test.prizes.map((prize) => prizeRow(test, prize))),
  );
}

function chart(canvas, test) {
  return drawChart(canvas, {
    type: "bar",
    data: {
      labels: test.prizes.map((prize) => prizeName(prize.key) ?? prize.key),
      datasets: [
        { label: t("stats.observed"), data: test.prizes.map((p) => p.observed), backgroundColor: COLORS.blue },
        { label: t("stats.expected"), data: test.prizes.map((p) => p.expected), backgroundColor: COLORS.grey },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: t("stats.picks") } } } },
  });
}

function section(test) {
  const canvas = el("canvas", { "data-testid": "stats-chart" });
  const summary =
    test.statistic === null // the sentence below says why there is no test
      ? null
      : t("stats.summary", { chi: test.statistic.toFixed(3), df: test.degrees_of_freedom, p: pValue(test.p_value) });
  const block = el(
    "div",
    { class: "stats-version", "data-testid": "stats-version", "data-config": test.config_hash },
    el("h3", {}, t("stats.version", { hash: shortHash(test.config_hash) }), " ", verdict(test)),
    el("p", { class: "muted small" }, t("stats.draws_line", { n: count(test.draws) }), summary && ` · ${summary}`),
    el("p", { class: "why", "data-testid": "stats-why" }, why(test)),
    el(
      "div",
      { class: "stats-layout" },
      el("div", { class: "table-scroll" }, table(test)),
      el("div", { class: "chart-box" }, canvas),
    ),
    el(
      "p",
      { class: "muted small" },
      t("stats.fallbacks", { fallbacks: counts(test.fallbacks), stockouts: counts(test.stockouts, prizeText) }),
    ),
  );
  return [block, () => chart(canvas, test)];
}

/** Show the tests in ``box`` (one section per config version with pool draws); empty ``box`` for null (not read). */
export function renderStats(box, tests) {
  for (const drawn of charts.splice(0)) drawn?.destroy();
  if (!tests) {
    fill(box);
    return;
  }
  if (!tests.length) {
    fill(box, el("p", { class: "muted", "data-testid": "stats-empty" }, t("stats.empty")));
    return;
  }
  const sections = tests.map(section);
  fill(box, ...sections.map(([block]) => block));
  for (const [, draw] of sections) charts.push(draw());
}
