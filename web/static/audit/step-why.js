// The sentence under each step of a verified draw (steps.js): what was compared, and why the step passed,
// failed, or was not checked. Hashes are shortened; prizes are named from the campaign's rules.

import { shortHash } from "./format.js";
import { currentLang, localName, t } from "./i18n.js";
import { prizeText } from "./marks.js";

const short = (hex) => shortHash(hex, 16);

function commitment(s) {
  if (s.ok) return t("step.commitment.pass");
  if (s.computed !== s.published) {
    return t("step.commitment.fail", { computed: short(s.computed), published: short(s.published) });
  }
  return t("step.commitment.fail_record", { recorded: short(s.recorded), published: short(s.published) });
}

function hashes(s) {
  if (s.ok) return t(`step.${s.id}.pass`);
  return t(`step.${s.id}.fail`, { computed: short(s.computed), recorded: short(s.recorded) });
}

function chain(s) {
  if (s.ok === null) return t("step.chain.none");
  if (s.ok) return t("step.chain.pass");
  return t("step.chain.fail", { recorded: short(s.prevHash), expected: short(s.expected) });
}

function words(s) {
  if (!s.ok) return t("step.words.none");
  const rejected = s.words.filter((word) => word.draw !== null && word.rejected).length;
  return t("step.words.pass", { n: s.words.length, rejected });
}

function integers(s) {
  if (s.ok) return t("step.integers.pass", { n: s.count });
  if (!s.integers.length) return t("step.integers.empty");
  const wrong = s.integers.filter((integer) => !integer.ok).length;
  return t("step.integers.fail", { n: s.count, wrong });
}

function pick(s) {
  if (s.ok) return t("step.pick.pass", { value: s.value, prize: prizeText(s.picked) });
  if (s.n !== s.total) return t("step.pick.fail_range", { n: s.n, total: s.total });
  if (s.picked === null) return t("step.pick.fail_outside", { value: s.value });
  return t("step.pick.fail", { value: s.value, picked: prizeText(s.picked), recorded: prizeText(s.recorded) });
}

function grant(s) {
  const names = { prize: prizeText(s.prize), granted: prizeText(s.granted), fallback: prizeText(s.fallback) };
  return t(`step.outcome.${s.outcome}`, { ...names, reason: s.reason ?? "–" });
}

function amount(s) {
  if (!s.range) return t(s.ok ? "step.no_amount" : "step.amount.fail_extra", { recorded: s.recorded });
  if (s.ok) return t("step.amount.pass", { min: s.min, u: s.u, amount: s.amount });
  if (s.n !== s.expectedN) return t("step.amount.fail_range", { n: s.n, expected: s.expectedN });
  return t("step.amount.fail", { amount: s.amount, recorded: s.recorded });
}

function slot(s) {
  if (s.ok) return t("step.slot.pass", { slot: s.slot, prize: prizeText(s.landed) });
  if (s.draws !== s.at + 1) return t("step.slot.fail_count", { draws: s.draws, expected: s.at + 1 });
  if (s.n !== s.candidates.length) return t("step.slot.fail_range", { n: s.n, expected: s.candidates.length });
  return t("step.slot.fail", { slot: s.slot ?? "–", recorded: s.recorded ?? "–" });
}

function noPick(s) {
  if (s.ok) return t("step.no_pick.pass", { game: s.game });
  if (s.named) {
    const [granted, reason] = [s.granted ?? "null", s.reason ?? "null"];
    return t("step.no_pick.fail", { game: s.game, prize: s.prize, granted, reason });
  }
  return t("step.no_pick.fail_amount", { game: s.game, amount: s.amount });
}

/** A check-in step's tier: its index with, when the config names it, its name and code ("#1 金牌会员（gold）"). */
export function tierText(s) {
  const index = `#${s.tier ?? "–"}`;
  const name = s.tierName ? localName(s.tierName) : "";
  if (!name) return index;
  const code = s.tierName.code ?? null;
  if (code === null) return `${index} ${name}`;
  return currentLang() === "en" ? `${index} ${name} (${code})` : `${index} ${name}（${code}）`;
}

function checkin(s) {
  const { min, max, value, points, recorded, n, expectedN, makeup, paid, draws } = s;
  const params = { tier: tierText(s), tiers: s.tiers, min, max, value, points, recorded, n, expectedN, makeup, paid, draws };
  return t(s.ok ? "step.checkin.pass" : `step.checkin.fail_${s.fault}`, { ...params, expected: s.at + 1 });
}

function monopoly(s) {
  if (s.fault === "config") return t("step.monopoly.fail_config");
  if (!s.ok) return t("step.monopoly.fail", { problem: s.problem });
  const dice = s.dice.length ? s.dice.join(" + ") : "–";
  return t("step.monopoly.pass", { dice, steps: s.steps, start: s.start, end: s.end, landings: s.landings.length });
}

const WHY = {
  commitment,
  config_hash: hashes,
  record_hash: hashes,
  chain,
  hmac: (s) => (s.ok ? t("step.hmac.pass", { n: s.blocks.length }) : t("step.hmac.none")),
  words,
  integers,
  pick,
  grant,
  amount,
  slot,
  no_pick: noPick,
  checkin,
  monopoly,
  tasks: () => t("step.tasks.fail"),
  invite: () => t("step.invite.fail"),
  share: (s) => t(s.ok ? "step.share.pass" : "step.share.fail", { ...s, prize: s.prize ?? "–", picked: s.picked ?? "–" }),
  game: (s) => t("step.game.unknown", { game: s.game, known: s.known.join(", ") }),
};

/** Why ``step`` (one of explainDraw's) passed, failed or was not checked, in the current language. */
export function stepWhy(step) {
  return WHY[step.id](step);
}
