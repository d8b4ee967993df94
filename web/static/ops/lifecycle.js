// A campaign's lifecycle as every ops page shows it: 草稿 / 未开始 (with a countdown) / 进行中 / 已暂停 / 已结束,
// from the server's ``lifecycle`` (games.models.Campaign.lifecycle).

import { el } from "./dom.js";
import { t } from "./i18n.js";

const MINUTE = 60_000;

/** "in 3 days" / "in 5 hours" / "in 12 minutes" until ``startsAt`` (an ISO time). */
export function startsIn(startsAt, now = Date.now()) {
  const minutes = Math.max(1, Math.ceil((Date.parse(startsAt) - now) / MINUTE));
  if (minutes >= 24 * 60) return t("lifecycle.in_days", { n: Math.floor(minutes / (24 * 60)) });
  if (minutes >= 60) return t("lifecycle.in_hours", { n: Math.floor(minutes / 60) });
  return t("lifecycle.in_minutes", { n: minutes });
}

/** The lifecycle's words, with the countdown when the campaign has not started. */
export function lifecycleText(campaign) {
  const text = t(`status.${campaign.lifecycle}`);
  return campaign.lifecycle === "scheduled" ? `${text} · ${startsIn(campaign.starts_at)}` : text;
}

/** Show ``campaign``'s lifecycle on the badge ``node`` (``data-status`` is the lifecycle). */
export function showLifecycle(node, campaign) {
  node.textContent = lifecycleText(campaign);
  node.dataset.status = campaign.lifecycle;
  node.className = `status status-${campaign.lifecycle}`;
}

/** A new lifecycle badge for ``campaign``. */
export function lifecycleBadge(campaign) {
  const node = el("span", {});
  showLifecycle(node, campaign);
  return node;
}
