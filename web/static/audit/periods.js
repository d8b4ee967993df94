// The campaign's seed periods (GET /api/audit/campaigns/{id}/periods) with each revealed seed checked here:
// SHA-256 of the seed's bytes, computed with the browser's Web Crypto, against the published commitment.
// Every mark says in words what it checked; times are shown in the campaign's zone and in UTC.

import { el, notice } from "../ops/dom.js";
import { sha256Hex } from "./fair.js";
import { count, shortHash, zonedText } from "./format.js";
import { t } from "./i18n.js";
import { checkMark, zonedTime } from "./marks.js";
import { fromhex } from "./pyops.js";

/**
 * Period key -> the check of its revealed seed: ``{ok, computed}`` (``ok`` null while the seed is secret,
 * ``computed`` the SHA-256 found here, null when the seed is secret or not hex).
 */
export async function commitmentChecks(periods) {
  const checks = {};
  for (const period of periods) {
    if (period.server_seed === null) checks[period.key] = { ok: null, computed: null };
    else {
      try {
        const computed = await sha256Hex(fromhex(period.server_seed));
        checks[period.key] = { ok: computed === period.commitment, computed };
      } catch {
        checks[period.key] = { ok: false, computed: null }; // not hex
      }
    }
  }
  return checks;
}

/** Why the seed does (not) match its commitment, or why it was not checked. */
function commitmentWhy(check) {
  if (check.ok === null) return t("periods.why.secret");
  if (check.ok) return t("periods.why.matches");
  if (check.computed === null) return t("periods.why.not_hex");
  return t("periods.why.differs", { computed: shortHash(check.computed, 12) });
}

/** Why the commitment does (not) precede the period's first draw. */
function beforeDrawsWhy(period, zone) {
  if (!period.first_draw_at) return t("periods.why.no_draws");
  const first = zonedText(period.first_draw_at, zone);
  return t(period.committed_before_draws ? "periods.why.before" : "periods.why.after", { first });
}

function hash(value, testid) {
  return value ? el("span", { class: "mono", title: value, "data-testid": testid }, shortHash(value, 12)) : null;
}

function row(period, check, zone) {
  return el(
    "tr",
    { "data-testid": "period-row", "data-key": period.key },
    el("td", { class: "mono nowrap" }, period.key),
    el("td", {}, el("span", { class: `status status-${period.status}` }, t(`period.${period.status}`))),
    el("td", {}, hash(period.commitment, "period-commitment")),
    el("td", {}, hash(period.server_seed, "period-seed") ?? el("span", { class: "muted" }, t("periods.secret"))),
    el("td", { class: "check-cell" }, checkMark(check.ok, commitmentWhy(check), "commitment-check")),
    el("td", { class: "num" }, count(period.draws)),
    el("td", { class: "small nowrap", "data-testid": "period-committed-at" }, zonedTime(period.committed_at, zone)),
    el(
      "td",
      { class: "check-cell" },
      checkMark(period.committed_before_draws, beforeDrawsWhy(period, zone), "period-before-draws"),
    ),
    el(
      "td",
      { class: "small nowrap", "data-testid": "period-span" },
      zonedTime(period.starts_at, zone),
      el("div", { class: "span-end" }, el("span", { class: "muted" }, "→"), zonedTime(period.ends_at, zone)),
    ),
    el("td", { class: "small nowrap" }, zonedTime(period.revealed_at, zone)),
  );
}

/** Fill ``tbody`` with the periods (newest first) and their commitment checks, times in ``zone`` and UTC. */
export function renderPeriods(tbody, periods, checks, zone) {
  tbody.replaceChildren(...periods.map((period) => row(period, checks[period.key] ?? { ok: null }, zone)));
}

/** The period whose end reveals the next seed: one ended but not closed yet, the current one, else the first. */
function nextToReveal(periods) {
  const ended = periods.find((period) => period.status === "ended" && period.server_seed === null);
  const current = ended ?? periods.find((period) => period.status === "current");
  if (current) return current;
  const upcoming = periods.filter((period) => period.status === "upcoming");
  return upcoming.sort((a, b) => Date.parse(a.ends_at) - Date.parse(b.ends_at))[0] ?? null;
}

/**
 * In ``box``, when no period has its seed revealed yet: say so, and when the next seed will be revealed (the end
 * of the current period, or of the first one when the campaign has not started). Hidden otherwise, and while
 * the periods are not read (``periods`` null).
 */
export function renderPeriodsEmpty(box, periods, zone) {
  if (!periods || periods.some((period) => period.server_seed !== null)) {
    notice(box, "");
    return;
  }
  const next = nextToReveal(periods);
  const text = next
    ? t(`periods.empty.${next.status}`, { when: zonedText(next.ends_at, zone), key: next.key })
    : t("periods.empty.none");
  notice(box, text, "info");
}
