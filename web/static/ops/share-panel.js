// The dashboard's share panel, for a campaign with a share game (分享助力): the assists held for review (beyond a
// share's velocity limit), each approved or rejected with a tap, and the fraud report (refusals by reason as a chart
// and a list, the devices behind the most refused or held attempts, the rings found, the report as CSV). The server
// decides: what a decision unlocks is its answer, a refused decision shows its message. The panel refreshes with the
// dashboard's metrics (at most every REFRESH_MS) and right after a decision.

import { api, errorText } from "./api.js";
import { COLORS, drawChart } from "./charts.js";
import { $, el, notice } from "./dom.js";
import { count, dateTime } from "./format.js";
import { has, localName, onLanguageChange, t } from "./i18n.js";

const REFRESH_MS = 5000;
const SHORT_DEVICE = 10; // characters of a device hash shown; the whole hash is its title

/** True when the campaign's published config has a share game. */
export function hasShareGame(detail) {
  return Boolean(detail?.published_config?.games?.share);
}

function refusalLabel(code) {
  return has(`refusal.${code}`) ? t(`refusal.${code}`) : code;
}

function person(hostId, id) {
  return hostId || t("share.user", { id });
}

function device(hash) {
  if (!hash) return el("span", { class: "muted" }, t("share.no_device"));
  const short = hash.length > SHORT_DEVICE + 1 ? `${hash.slice(0, SHORT_DEVICE)}…` : hash;
  return el("span", { class: "mono", title: hash, "data-device": hash }, short);
}

/**
 * Show the share panel of ``campaignId`` (``detail``: the campaign as GET /api/ops/campaigns/<id> answers it;
 * ``zone()``: the campaign's time zone). Returns ``refresh(force)``, to call with each metrics update.
 */
export function sharePanel(campaignId, detail, zone) {
  const base = `/api/ops/campaigns/${campaignId}/shares`;
  const state = { held: [], report: null, chart: null, last: 0, loading: null, again: false };

  function tiers(unlocked) {
    const config = detail.published_config;
    const prizes = Object.fromEntries((config.pool?.prizes ?? []).map((p) => [p.key, p]));
    const thresholds = config.games.share.thresholds ?? [];
    return unlocked
      .map((n) => {
        const prize = prizes[thresholds.find((th) => th.assists === n)?.prize];
        return t("share.tier", { n, prize: prize ? localName(prize) : n });
      })
      .join(t("share.list_separator"));
  }

  function decided(row, answer) {
    const names = { helper: person(row.helper_host_id, row.helper), sharer: person(row.sharer_host_id, row.sharer) };
    if (answer.decision !== "approved") return t("share.rejected", { ...names, n: row.share });
    const result = answer.unlocked.length
      ? t("share.unlocked", { tiers: tiers(answer.unlocked) })
      : t("share.nothing_unlocked");
    return t("share.approved", { ...names, n: row.share, result });
  }

  async function decide(row, approve, buttons) {
    for (const button of buttons) button.disabled = true;
    const body = { sharer: row.sharer, share: row.share, helper: row.helper, approve };
    try {
      const answer = await api(`${base}/decisions`, { method: "POST", body });
      state.held = state.held.filter((r) => r !== row);
      renderHeld();
      notice($("held-message"), decided(row, answer), "ok");
      $("held-message").dataset.decision = answer.decision;
    } catch (error) {
      notice($("held-message"), errorText(error));
      $("held-message").dataset.decision = "refused";
      for (const button of buttons) button.disabled = false;
    }
    await refresh(true);
  }

  function heldRow(row) {
    const approve = el("button", { type: "button", class: "button small primary", "data-testid": "held-approve" });
    const reject = el("button", { type: "button", class: "button small", "data-testid": "held-reject" });
    approve.textContent = t("share.approve");
    reject.textContent = t("share.reject");
    approve.addEventListener("click", () => decide(row, true, [approve, reject]));
    reject.addEventListener("click", () => decide(row, false, [approve, reject]));
    return el(
      "tr",
      { "data-testid": "held-row", "data-sharer": row.sharer, "data-share": row.share, "data-helper": row.helper },
      el("td", { "data-testid": "held-sharer" }, person(row.sharer_host_id, row.sharer)),
      el("td", { class: "num", "data-testid": "held-share" }, t("share.share_number", { n: row.share })),
      el("td", { "data-testid": "held-helper" }, person(row.helper_host_id, row.helper)),
      el("td", { "data-testid": "held-device" }, device(row.device)),
      el("td", { "data-testid": "held-at" }, dateTime(row.at, zone(), { seconds: true })),
      el("td", { class: "row-actions" }, approve, reject),
    );
  }

  function renderHeld() {
    $("held").replaceChildren(...state.held.map(heldRow));
    $("held-table").hidden = state.held.length === 0;
    $("held-empty").hidden = state.held.length > 0;
    $("held-count").textContent = state.held.length ? `(${count(state.held.length)})` : "";
  }

  function refusalChart(entries) {
    const labels = entries.map(([code]) => refusalLabel(code));
    const data = entries.map(([, n]) => n);
    $("refusals-chart").hidden = entries.length === 0;
    if (state.chart) {
      state.chart.data.labels = labels;
      Object.assign(state.chart.data.datasets[0], { data, label: t("share.refused") });
      state.chart.update("none");
      return;
    }
    state.chart = drawChart($("chart-refusals"), {
      type: "bar",
      data: {
        labels,
        datasets: [{ label: t("share.refused"), data, backgroundColor: COLORS.orange, maxBarThickness: 28 }],
      },
      options: {
        animation: false,
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  function renderRefusals(refusals) {
    const entries = Object.entries(refusals).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    refusalChart(entries);
    $("refusals").replaceChildren(
      ...(entries.length
        ? entries.map(([code, n]) =>
            el(
              "li",
              { "data-testid": "refusal", "data-code": code },
              el("span", { class: "dot", style: `background:${COLORS.orange}` }),
              refusalLabel(code),
              el("span", { class: "mono muted small" }, code),
              el("strong", {}, count(n)),
            ),
          )
        : [el("li", { class: "muted" }, t("share.no_refusals"))]),
    );
  }

  function renderDevices(devices) {
    $("devices").replaceChildren(
      ...devices.map((d) =>
        el(
          "tr",
          { "data-testid": "device-row" },
          el("td", {}, device(d.device)),
          el("td", { class: "num", "data-testid": "device-attempts" }, count(d.attempts)),
        ),
      ),
    );
    $("devices-table").hidden = devices.length === 0;
    $("devices-empty").hidden = devices.length > 0;
  }

  function renderRings(rings) {
    const user = (id) => t("share.user", { id });
    $("rings").replaceChildren(
      ...(rings.length
        ? rings.map((ring) =>
            el(
              "li",
              { "data-testid": "ring", "data-a": ring.a, "data-b": ring.b },
              el("strong", {}, t("share.ring", { a: user(ring.a), b: user(ring.b) })),
              el("span", { class: "muted" }, ring.day),
            ),
          )
        : [el("li", { class: "muted" }, t("share.no_rings"))]),
    );
  }

  function render() {
    renderHeld();
    if (!state.report) return;
    renderRefusals(state.report.refusals);
    renderDevices(state.report.top_devices);
    renderRings(state.report.rings);
  }

  async function load() {
    try {
      const [held, report] = await Promise.all([api(`${base}/held`), api(`${base}/fraud`)]);
      Object.assign(state, { held, report });
      $("share-message").hidden = true;
      render();
    } catch (error) {
      notice($("share-message"), errorText(error));
    }
  }

  /** Load the queue and the report again (``force``: now, else when REFRESH_MS passed since the last load). */
  async function refresh(force = false) {
    if (state.loading) {
      state.again ||= force;
      return state.loading;
    }
    if (!force && Date.now() - state.last < REFRESH_MS) return undefined;
    state.last = Date.now();
    state.loading = load();
    await state.loading;
    state.loading = null;
    if (state.again) {
      state.again = false;
      await refresh(true);
    }
    return undefined;
  }

  $("fraud-csv").href = `${base}/fraud.csv`;
  $("share-panel").hidden = false;
  onLanguageChange(() => {
    state.chart?.destroy();
    state.chart = null;
    render();
  });
  refresh(true);
  return refresh;
}
