// The landing popup: what a roll did as the server answered it: the dice (or the remote-control die's number),
// where the token stopped, each landing with what it granted (a chance card and where it moved the token, a
// draw tile's prize, nothing on a rest tile), the lap rewards, the prizes changed by the rules (fallbacks), and
// the fairness proof folded away. Confetti for a win unless the shopper asked for less motion.

import { el, prefersReducedMotion } from "../dom.js";
import { has, localName, t } from "../i18n.js";

const $ = (id) => document.getElementById(id);
const USABLE = new Set(["coupon", "red_packet"]); // prizes used from the wallet ("去使用")

/** The roll's own event in an answer, or null. */
export function rolledEvent(answer) {
  return answer.events.find((event) => event.name === "monopoly.rolled") ?? null;
}

/** Prize names of ``keys``, each once with how many came: "3期免息券 ×2、大富翁积分". */
function names(keys, prizeName) {
  const counts = new Map();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const named = [...counts].map(([key, n]) => (n > 1 ? t("monopoly.times", { name: prizeName(key), n }) : prizeName(key)));
  return named.join(t("monopoly.list_separator"));
}

function line(label, value, testid = "landing-line") {
  return el("li", { "data-testid": testid }, el("span", { class: "reward-for" }, label), el("strong", {}, value));
}

/** What a chance card did: its name and effect, or the prizes it granted. */
function cardValue(card, granted, prizeName) {
  const name = card ? localName(card) : "";
  if (granted.length) return t("monopoly.card_granted", { card: name, prizes: names(granted, prizeName) });
  const effect = card && has(`monopoly.card.${card.kind}`) ? t(`monopoly.card.${card.kind}`) : "";
  return effect ? t("monopoly.card_effect", { card: name, effect }) : t("monopoly.card_name", { card: name });
}

function landingLine(landing, index, context) {
  const tile = context.tiles[landing.tile];
  const where = { n: landing.tile + 1, name: localName(tile) };
  const label = t(index === 0 ? "monopoly.line_tile" : "monopoly.line_moved", where);
  const granted = landing.granted ?? [];
  if (landing.card !== undefined) return line(label, cardValue(context.cards[landing.card], granted, context.prizeName));
  if (granted.length) return line(label, names(granted, context.prizeName));
  return line(label, has(`monopoly.nothing.${tile.kind}`) ? t(`monopoly.nothing.${tile.kind}`) : "—");
}

/** The landings, the lap rewards and the double card used (a prop, or a chance card's double used up now). */
function lines(payload, context, pendingUsed) {
  const shown = payload.landings.map((landing, index) => landingLine(landing, index, context));
  if (payload.lap_grants.length) {
    const label = t("monopoly.line_laps", { laps: payload.laps });
    shown.push(line(label, names(payload.lap_grants, context.prizeName), "landing-lap"));
  }
  if (payload.doubled) shown.push(line(t("monopoly.double"), t("monopoly.line_doubled")));
  else if (pendingUsed) shown.push(line(t("monopoly.line_pending"), t("monopoly.line_doubled")));
  return shown;
}

function fallbackLines(answer, prizeName) {
  return answer.grants
    .filter((grant) => grant.fallback_reason)
    .map((grant) => {
      const reason = grant.fallback_reason;
      const why = has(`reason.${reason}`) ? t(`reason.${reason}`) : t("reason.other");
      const text = t("result.fallback", { picked: prizeName(grant.picked), reason: why, prize: prizeName(grant.granted) });
      return el("li", { "data-testid": "landing-fallback" }, text);
    });
}

function detailText(payload, gained) {
  const parts = [];
  if (gained > 0) parts.push(t("monopoly.landing_points", { points: gained }));
  if (payload.laps > payload.laps_before) parts.push(t("monopoly.landing_laps", { laps: payload.laps }));
  return parts.join(" · ");
}

function showProof(proof) {
  $("landing-proof").hidden = !proof;
  $("landing-proof").open = false;
  if (!proof) return;
  $("proof-period").textContent = proof.period;
  $("proof-commitment").textContent = proof.commitment;
  $("proof-client-seed").textContent = proof.client_seed;
  $("proof-nonce").textContent = proof.nonce;
}

/** Every prize key the roll granted. */
function grantedKeys(answer) {
  return answer.grants.map((grant) => grant.granted).filter(Boolean);
}

/**
 * Fill the popup from a roll's ``answer``. ``context``: ``tiles`` (the view's), ``cards`` (the rules' chance cards,
 * may be empty), ``prizeName(key)``, ``prizeKind(key)`` (a pool prize's kind, null for the board's own grants),
 * ``gained`` (the points the shopper's balance rose by, as the server answered) and ``diceLeft``.
 * :returns: whether the roll won something (the page celebrates it).
 */
export function fillLanding(answer, context) {
  const payload = rolledEvent(answer).payload;
  const title = payload.remote
    ? t("monopoly.landing_remote", { steps: payload.steps })
    : t("monopoly.landing_rolled", { faces: payload.dice.join(" + "), steps: payload.steps });
  $("landing-title").textContent = title;
  const stop = context.tiles[payload.end % context.tiles.length];
  $("landing-headline").textContent = t("monopoly.landing_on", { name: localName(stop) });
  $("landing-detail").textContent = detailText(payload, context.gained);
  const pendingUsed = Boolean(payload.pending) && !answer.view.double_pending;
  $("landing-lines").replaceChildren(...lines(payload, context, pendingUsed));
  const fallbacks = fallbackLines(answer, context.prizeName);
  $("landing-fallbacks").hidden = !fallbacks.length;
  $("landing-fallbacks").replaceChildren(...fallbacks);
  const kinds = grantedKeys(answer).map((key) => context.prizeKind(key));
  $("landing-use").hidden = !kinds.some((kind) => USABLE.has(kind));
  const again = context.diceLeft > 0;
  $("landing-ok").textContent = t(again ? "monopoly.landing_again" : "result.ok");
  $("landing-ok").value = again ? "again" : "ok";
  showProof(answer.proof);
  return kinds.some((kind) => kind !== "nothing");
}

/** Open the filled popup, with confetti for a win unless motion is reduced, and focus its main button. */
export function openLanding(won) {
  const dialog = $("landing");
  const confetti = $("celebration");
  const moving = won && !prefersReducedMotion();
  dialog.returnValue = "";
  dialog.dataset.animated = String(!prefersReducedMotion());
  for (const node of [dialog, confetti]) node.classList.remove("is-on");
  confetti.hidden = !moving;
  dialog.showModal();
  if (!prefersReducedMotion()) {
    void dialog.offsetWidth; // restart the confetti and the headline's pop for this roll
    for (const node of [dialog, confetti]) node.classList.add("is-on");
  }
  $("landing-ok").focus();
}
