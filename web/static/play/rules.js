// The public rules page: schedule, prizes with exact odds, caps, seed periods. Needs no sign-in.

import { api, errorText } from "./api.js";
import { el, showMessage } from "./dom.js";
import { dateTime, percent, redPacketValue, yuan, zoneLabel } from "./format.js";
import { currentLang, initI18n, localName, onLanguageChange, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const page = { rules: null, checkpoints: [], error: null };

function prizeImage(prize) {
  if (!prize.image) return null;
  return el("img", { class: "prize-thumb", src: prize.image, alt: "", loading: "lazy", "data-testid": "prize-image" });
}

function prizeRow(prize) {
  const quantity = prize.quantity === null ? t("rules.unlimited") : prize.quantity;
  const remaining =
    prize.remaining === null ? null : el("span", { class: "when" }, t("rules.remaining", { n: prize.remaining }));
  const value = redPacketValue(prize.reward);
  return el(
    "tr",
    { "data-testid": "prize-row", "data-key": prize.key },
    el(
      "td",
      {},
      prizeImage(prize),
      localName(prize),
      prize.fallback ? el("span", { class: "badge", "data-testid": "fallback-badge" }, t("rules.fallback")) : null,
    ),
    el(
      "td",
      {},
      t(`kind.${prize.kind}`),
      value ? el("span", { class: "when", "data-testid": "prize-value" }, value) : null,
    ),
    el("td", { class: "num" }, quantity, remaining),
    prize.odds_numerator === 0
      ? el("td", { class: "num", "data-testid": "odds" }, t("rules.not_drawn"))
      : el(
          "td",
          { class: "num", "data-testid": "odds" },
          `${prize.odds_numerator}/${prize.odds_denominator}`,
          el("span", { class: "when" }, percent(prize.odds_numerator, prize.odds_denominator)),
        ),
  );
}

function capItem(cap, prizes) {
  const per = t(cap.per === "day" ? "rules.per_day" : "rules.per_campaign");
  const prize = prizes.find((p) => p.key === cap.prize);
  const lines = [];
  if (cap.max_count !== null) {
    lines.push(
      t("rules.cap_count", { per, n: cap.max_count, prize: prize ? localName(prize) : t("rules.cap_any_prize") }),
    );
  }
  if (cap.max_value_fen !== null) lines.push(t("rules.cap_value", { per, value: yuan(cap.max_value_fen) }));
  return lines.map((line) => el("li", { "data-testid": "cap" }, line));
}

function gameItems(gameRules) {
  const lang = currentLang();
  return gameRules.flatMap((game) => game.lines.map((line) => el("li", { "data-game": game.game }, line[lang])));
}

function periodBlock(period, timeZone) {
  const seed = period.server_seed ?? t("rules.not_revealed");
  return el(
    "dl",
    { class: "facts period", "data-testid": "period", "data-revealed": String(period.revealed) },
    el("dt", {}, t("rules.col_period")),
    el("dd", { class: "mono" }, period.key),
    el("dt", {}, t("rules.col_time")),
    el(
      "dd",
      {},
      `${dateTime(period.starts_at, timeZone)} – ${dateTime(period.ends_at, timeZone)}（${zoneLabel(timeZone)}）`,
    ),
    el("dt", {}, t("rules.col_commitment")),
    el("dd", { class: "mono" }, period.commitment),
    el("dt", {}, t("rules.col_seed")),
    el("dd", { class: period.server_seed ? "mono" : "fine" }, seed),
  );
}

function checkpointBlock(checkpoint, timeZone) {
  return el(
    "dl",
    { class: "facts period", "data-testid": "checkpoint" },
    el("dt", {}, t("rules.col_period")),
    el("dd", { class: "mono" }, checkpoint.period),
    el("dt", {}, t("rules.col_published")),
    el("dd", {}, `${dateTime(checkpoint.published_at, timeZone)}（${zoneLabel(timeZone)}）`),
    el("dt", {}, t("rules.col_records")),
    el("dd", {}, String(checkpoint.count)),
    el("dt", {}, t("rules.col_head")),
    el("dd", { class: "mono" }, checkpoint.head_hash),
  );
}

function renderRedemption(rules) {
  const terms = rules.redemption;
  $("redemption-deadline").textContent = terms
    ? t("rules.redemption_deadline_line", { date: terms.deadline, tz: rules.timezone })
    : t("rules.redemption_none");
  $("redemption-conditions").textContent = terms ? terms.conditions : t("rules.redemption_none");
  $("points-lifetime").textContent = t("rules.points_lifetime_line", { n: rules.points_lifetime_days });
}

function render() {
  showMessage(page.error ? errorText(page.error) : "");
  const rules = page.rules;
  if (!rules) return;
  const zone = rules.timezone;
  $("campaign-name").textContent = localName(rules);
  $("schedule").textContent = t("rules.schedule_line", {
    start: dateTime(rules.starts_at, zone),
    end: dateTime(rules.ends_at, zone),
    tz: zoneLabel(zone),
  });
  $("draw-method").textContent = rules.draw_method;
  $("config-hash").textContent = rules.config_hash;
  $("prizes").replaceChildren(...rules.prizes.map(prizeRow));
  $("total-weight").textContent = t("rules.total_weight", { n: rules.total_weight });
  $("games").replaceChildren(...gameItems(rules.game_rules));
  $("caps").replaceChildren(...rules.caps.flatMap((cap) => capItem(cap, rules.prizes)));
  renderRedemption(rules);
  $("period-list").replaceChildren(...rules.periods.map((period) => periodBlock(period, zone)));
  const checkpoints = page.checkpoints.length
    ? [...page.checkpoints].reverse().map((checkpoint) => checkpointBlock(checkpoint, zone))
    : [el("p", { class: "fine" }, t("rules.no_checkpoints"))];
  $("checkpoint-list").replaceChildren(...checkpoints);
}

/** The "how fairness works" link, or an address ending in #fairness, opens that section. */
function openFairnessWhenAsked() {
  if (window.location.hash === "#fairness") $("fairness").open = true;
}

initI18n();
onLanguageChange(render);
window.addEventListener("hashchange", openFairnessWhenAsked);
openFairnessWhenAsked();
try {
  page.rules = await api(`/api/campaigns/${campaignId}/rules`);
  page.checkpoints = await api(`/api/campaigns/${campaignId}/checkpoints`);
} catch (error) {
  page.error = error;
}
render();
