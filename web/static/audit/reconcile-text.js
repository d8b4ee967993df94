// The reconciliation's mismatch texts (in English, word for word those of games/audit/reconcile.py) in the page's
// language, with each quoted prize key followed by the prize's name.

import { currentLang } from "./i18n.js";
import { prizeName } from "./marks.js";

const ZH = [
  [/^a grant made for a draw that is not in the log$/, "流水中有一笔抽奖发放，抽奖日志里却没有对应的记录"],
  [
    /^the record names config (\S+), which the campaign never published$/,
    "记录使用的配置 $1 从未被该活动发布",
  ],
  [/^the log grants ('[^']*'), which is not a prize of its config$/, "日志发放 $1，但它不是所用配置中的奖品"],
  [
    /^the log grants ('[^']*') but records no amount within its range \(detail\.amount_fen (.*)\)$/,
    "日志发放 $1，但没有记录其区间内的金额（detail.amount_fen 为 $2）",
  ],
  [/^the log grants nothing but the ledger has a grant$/, "日志未发放任何奖品，流水中却有一笔发放"],
  [/^the log grants ('[^']*') but the ledger has no grant$/, "日志发放 $1，流水中却没有对应的发放"],
  [/^the log grants ('[^']*') but the ledger has (.*)$/, "日志发放 $1，流水中却有 $2"],
  [/^the log and its config grant (.*) but the grant is (.*)$/, "日志与其配置应发放 $1，实际发放为 $2"],
  [/^the grant of (.*) delivered (.*) instead of (.*)$/, "发放 $1 实际到账 $2，应为 $3"],
  [/^the budget says (\S+) fen were spent but the grants cost (\S+) fen$/, "预算记载已用 $1 分，发放成本合计却是 $2 分"],
];

/** ``'key'`` followed by the prize's name when the campaign's rules name it. */
function withNames(text) {
  return text.replace(/'([^']+)'/g, (quoted, key) => {
    const name = prizeName(key);
    return name ? `${quoted} (${name})` : quoted;
  });
}

/** A mismatch's ``problem`` in the current language, prize keys with their names. */
export function mismatchText(problem) {
  const known = currentLang() === "zh" ? ZH.find(([pattern]) => pattern.test(problem)) : null;
  return withNames(known ? problem.replace(...known) : problem);
}
