// The server's messages (field messages, refusals) in the console's language. The server is the only
// validator and writes English; in Chinese, localize() finds the message's template below and fills
// the Chinese text with the message's parameters. In English, or for a message no template knows, the
// server's text is shown as it came.
//
// Conventions (tests/unit/web/test_server_text.py checks the `en:` entries against the Python sources):
// - `en: "..."` is a message template exactly as games/, server/ and economy/limits.py write it, each
//   f-string field written as a {name}. Every message in those sources needs an entry, and every
//   entry must still be sent by the server: change both together.
// - `lib: "..."` is a library's default message (marshmallow) in the same form; the test skips it.
// - `zh` uses the template's {name}s. `params` may rewrite a parameter before it is filled in:
//   label("enum") shows a known value by its console label, list joins "a, b" the Chinese way, fen
//   shows fen as yuan, nested translates a message inside a message ("already disclosed to shoppers:
//   {reason}").
// - A template without parameters is looked up exactly. The others become anchored regexes (each
//   {name} a lazy group) tried in listed order: put the more specific template first.

import { currentLang, has, t } from "./i18n.js";
import { yuan } from "./format.js";

const label = (prefix) => (value) => (has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value);
const list = (value) => value.split(", ").join("、");
const labels = (prefix) => (value) => value.split(", ").map(label(prefix)).join("、");
const fen = (value) => (/^-?\d+$/.test(value) ? yuan(Number(value)) : value);
const nested = (value) => translate(value);
const term = label("term"); // a disclosed term's plain-words label (games/engine/disclosed_terms.py, a game's own)
const none = (value) => (value === "none" ? "无" : value);
const milestone = (value) => {
  const found = /^the (\w+) milestone of (\d+) days$/.exec(value); // games/checkin/terms.py names one so
  return found ? `${label("enum")(found[1])} ${found[2]} 天的里程碑` : value;
};
const makeUpPrice = (value) => (value === "withdrawn" ? "取消积分补签" : value.replace(/ points$/, " 积分"));

const TEMPLATES = [
  // games/fairness/pools.py
  { en: "use 1-32 lowercase letters, digits or _", zh: "请使用 1-32 位小写字母、数字或 _" },
  { en: "use 1-16 lowercase letters, digits or _", zh: "请使用 1-16 位小写字母、数字或 _" },
  { en: "an interest-free coupon needs periods", zh: "免息券需要填写免息期数" },
  { en: "a full-reduction coupon needs threshold_fen and amount_fen", zh: "满减券需要填写满减门槛和金额" },
  { en: "the reduction must be below its threshold", zh: "减免金额必须低于满减门槛" },
  {
    en: "a {kind} reward needs {field}",
    zh: "{kind}奖励需要填写「{field}」",
    params: { kind: label("enum"), field: label("field") },
  },
  { en: "a coupon reward needs its cost_fen to the budget", zh: "优惠券奖励需要填写计入预算的成本" },
  { en: "a red_packet reward needs amount_fen", zh: "红包奖励需要填写金额" },
  { en: "a gift_card reward needs its face value, amount_fen", zh: "礼品卡奖励需要填写面值" },
  { en: "an item reward needs {field}", zh: "道具奖励需要填写 {field}" },
  { en: "only an item reward has {field}", zh: "只有道具奖励才有 {field}" },
  { en: "an item key is 1 to 32 lowercase letters, digits or _", zh: "道具代码为 1 到 32 位小写字母、数字或下划线" },
  { en: "give either amount_fen or min_fen and max_fen, not both", zh: "固定金额和金额范围（最低、最高）只能填一种" },
  { en: "a red packet range needs both min_fen and max_fen", zh: "红包金额范围需要同时填写最低和最高金额" },
  { en: "max_fen must be above min_fen", zh: "最高金额必须大于最低金额" },
  { en: "only a red_packet reward has an amount range", zh: "只有红包奖励可以设置金额范围" },
  { en: "use an https:// address or a path on this site starting with /", zh: "请使用 https:// 地址或本站以 / 开头的路径" },
  { en: "weight is a whole number from 0 to 1,000,000,000", zh: "权重是 0 到 1,000,000,000 之间的整数" },
  {
    en: "at least one prize needs a weight above 0 (the draws pick among those)",
    zh: "至少要有一个奖品的权重大于 0（抽奖只在这些奖品中抽取）",
  },
  { en: "a prize may be worth at most ¥50,000", zh: "单个奖品价值不能超过 ¥50,000" },
  { en: "prize keys must be unique", zh: "奖品标识不能重复" },
  { en: "the fallback must be one of the pool's prizes", zh: "兜底奖品必须是奖池中的奖品" },
  { en: "the fallback prize may not have a limited stock", zh: "兜底奖品不能限量" },
  { en: "the fallback prize may not be a red packet with a random amount", zh: "兜底奖品不能是随机金额的红包" },
  { en: "the weights may add up to at most 2^32", zh: "权重总和不能超过 2^32" },
  { en: "value {value} outside [0, {total})", zh: "抽取值 {value} 超出范围 [0, {total})" },
  // games/campaigns/config.py
  { en: "a cap needs max_count or max_value_fen", zh: "限额需要填写最多次数或最高价值" },
  {
    en: "each cap needs its own key; repeated: {keys}",
    zh: "每个限额的标识不能重复；重复的标识：{keys}",
    params: { keys: list },
  },
  {
    en: "unknown game '{key}'; known: {known}",
    zh: "未知的游戏 '{key}'；可用的游戏：{known}",
    params: { known: list },
  },
  { en: "cap '{key}' names unknown prize '{prize}'", zh: "限额 '{key}' 指定的奖品 '{prize}' 不存在" },
  { en: "a seed period lasts 1, 2, 3, 4, 6, 8, 12 or 24 hours", zh: "种子周期须为 1、2、3、4、6、8、12 或 24 小时" },
  { en: "stock is a whole number from 0 to 1,000,000,000", zh: "库存须为 0 到 1,000,000,000 之间的整数" },
  // games/campaigns/admin.py
  { en: "unknown time zone '{zone}'", zh: "未知的时区 '{zone}'" },
  { en: "the campaign must end after it starts", zh: "结束时间必须晚于开始时间" },
  { en: "a campaign runs between the years 2000 and 2099 (UTC)", zh: "活动时间须在 2000 年至 2099 年之间（UTC）" },
  { en: "the daily budget may not exceed the total budget", zh: "每日预算不能超过总预算" },
  { en: "another campaign has the slug '{slug}'", zh: "标识 '{slug}' 已被其他活动使用" },
  { en: "no campaign {id}", zh: "活动 {id} 不存在" },
  { en: "no game '{game}' with a cost model of its own", zh: "没有自带成本模型的玩法「{game}」" },
  { en: "someone else changed this draft; reload it", zh: "其他人已修改这份草稿，请重新加载" },
  { en: "the campaign would end earlier than {time}", zh: "活动结束时间将早于 {time}" },
  { en: "the start of a started campaign cannot change", zh: "已开始的活动不能修改开始时间" },
  { en: "the time zone of a started campaign cannot change", zh: "已开始的活动不能修改时区" },
  { en: "publish the campaign before pausing or resuming it", zh: "请先发布活动，再暂停或恢复" },
  { en: "already disclosed to shoppers: {reason}", zh: "已向用户公示：{reason}", params: { reason: nested } },
  // games/campaigns/disclosure.py
  { en: "prize '{key}' would be removed", zh: "奖品 '{key}' 将被移除" },
  {
    en: "the redemption deadline would move from {from} to {to}",
    zh: "兑奖截止日期将从 {from} 改为 {to}",
    params: { to: (value) => (value === "None" ? "未填写" : value) },
  },
  { en: "the redemption conditions would change", zh: "兑奖条件将被修改" },
  { en: "a new per-user cap '{key}' would limit shoppers", zh: "新增的每人限额 '{key}' 将限制用户" },
  { en: "the per-user cap '{key}' would get tighter", zh: "每人限额 '{key}' 将收紧" },
  { en: "prize '{key}' odds would fall from {from} to {to}", zh: "奖品 '{key}' 的中奖概率将从 {from} 降至 {to}" },
  { en: "prize '{key}' quantity would fall from {from} to {to}", zh: "奖品 '{key}' 的数量将从 {from} 减至 {to}" },
  { en: "prize '{key}' would become limited to {stock}", zh: "奖品 '{key}' 将变为限量 {stock} 份" },
  { en: "prize '{key}' would be worth less", zh: "奖品 '{key}' 的价值将降低" },
  { en: "prize '{key}' would change its type", zh: "奖品 '{key}' 的类型将改变" },
  { en: "the game '{key}' would be removed", zh: "游戏 '{key}' 将被移除" },
  { en: "prize '{key}': {reason}", zh: "奖品 '{key}'：{reason}", params: { reason: nested } },
  { en: "game '{key}': {reason}", zh: "游戏 '{key}'：{reason}", params: { reason: nested } },
  // games/monopoly/ (config.py, game.py, disclosure.py)
  { en: "a points tile gives at least 1 point", zh: "积分格至少给 1 积分" },
  { en: "a prize tile names its pool prize", zh: "奖品格需要选择奖池中的奖品" },
  { en: "a draw tile lists the prizes it draws from", zh: "抽奖格需要列出它抽取的奖品" },
  { en: "only a draw tile lists prizes to draw from", zh: "只有抽奖格才能列出抽取的奖品" },
  { en: "a move card moves 1 to 12 steps, forward or back", zh: "移动卡须前进或后退 1 到 12 步" },
  { en: "a prize card names its pool prize", zh: "奖品卡需要选择奖池中的奖品" },
  { en: "a board has 12 to 60 tiles", zh: "棋盘须有 12 到 60 个格子" },
  { en: "the first tile is the start", zh: "第 1 格必须是起点" },
  { en: "a board has one start", zh: "棋盘只能有一个起点" },
  { en: "a board with chance tiles needs chance cards", zh: "有机会格的棋盘需要机会卡" },
  { en: "each lap milestone once", zh: "同样圈数的里程碑只能有一个" },
  {
    en: "'{key}' is a red packet of random amount; the board grants fixed rewards",
    zh: "'{key}' 是随机金额的红包；棋盘只发放固定奖励",
  },
  { en: "a remote-control die chooses 1 to {most}", zh: "遥控骰子可选 1 到 {most} 点" },
  { en: "a double card is {\"double\": true}", zh: "使用双倍卡需要 {\"double\": true}" },
  { en: "this board has no such prop", zh: "本棋盘没有这个道具" },
  {
    en: "the board's tiles would change (their rewards and landing chances are disclosed)",
    zh: "棋盘格子将被修改（各格奖励和落点概率已公示）",
  },
  {
    en: "the chance cards would change (their odds and effects are disclosed)",
    zh: "机会卡将被修改（其概率和效果已公示）",
  },
  { en: "each lap would no longer grant {prize}", zh: "走完一圈将不再发放 '{prize}'" },
  { en: "the {laps}-lap milestone would change or go", zh: "累计 {laps} 圈的里程碑将被修改或移除" },
  { en: "the prop {item} would be withdrawn", zh: "道具 {item} 将被取消" },
  // games/tasks/ (config.py, game.py, disclosure.py; before the check-in's "{milestone} would ..." below)
  { en: "each category once", zh: "每个品类只能出现一次" },
  { en: "a task on plays names the game", zh: "“参与游戏”的任务需要填写游戏" },
  {
    en: "a task the shopper's page reports is daily, at most {most} times",
    zh: "由页面上报的任务须每天完成，且每天最多 {most} 次",
  },
  { en: "a task done once has max_times 1", zh: "限 1 次的任务，最多完成次数须为 1" },
  { en: "each task key once", zh: "每个任务代码只能出现一次" },
  {
    en: "use an http(s) address, a path, or an app link (scheme://...); not javascript: or data:",
    zh: "请使用 http(s) 地址、以 / 开头的路径或 App 链接（scheme://...），不能是 javascript: 或 data:",
  },
  { en: "this campaign has no such browsing task", zh: "本活动没有这个浏览任务" },
  { en: "start browsing first", zh: "请先开始浏览" },
  { en: "browse for {seconds} seconds to complete this task", zh: "浏览满 {seconds} 秒才能完成此任务" },
  { en: "the points rules would be removed", zh: "积分规则将被移除" },
  { en: "points per yuan would fall from {was} to {now}", zh: "每元积分将从 {was} 降至 {now}" },
  { en: "the big-order bonus would shrink or need a bigger order", zh: "大额订单奖励将减少，或需要更大的订单" },
  { en: "the points of {category} would fall", zh: "「{category}」类商品的积分将降低" },
  { en: "the double-points day {day} would earn less", zh: "双倍积分日 {day} 的积分将减少" },
  {
    en: "the {name} points would fall",
    zh: "{name}积分将降低",
    params: { name: (value) => ({ review: "评价", share: "分享" })[value] ?? value },
  },
  { en: "the task {key} would be removed", zh: "任务 {key} 将被移除" },
  { en: "the task {key} would ask for something else", zh: "任务 {key} 的完成条件将改变" },
  { en: "the task {key} would get harder", zh: "任务 {key} 将更难完成" },
  { en: "the task {key} would count fewer orders or reviews", zh: "任务 {key} 计入的订单或评价将减少" },
  {
    en: "the task {key} could be done {now} times, not {was}",
    zh: "任务 {key} 的最多完成次数将从 {was} 次减为 {now} 次",
  },
  { en: "the task {key} would grant {prize} instead of {was}", zh: "任务 {key} 将改发 '{prize}'（原为 '{was}'）" },
  // games/share/ (config.py, game.py, disclosure.py, simulation.py)
  { en: "1 to 10 thresholds", zh: "须有 1 到 10 档助力奖励" },
  { en: "each number of assists once", zh: "同样助力人数的奖励档只能有一个" },
  {
    en: "'{key}' is a red packet of random amount; shares grant fixed rewards",
    zh: "'{key}' 是随机金额的红包；分享助力只发放固定奖励",
  },
  { en: "a share needs its link code", zh: "发起分享需要分享链接码" },
  { en: "this share link is not valid", zh: "这个分享链接无效" },
  { en: "you already have a share collecting assists", zh: "你已有一个正在收集助力的分享" },
  {
    en: "a decision is {\"share\": n, \"helper\": id, \"approve\": true|false}",
    zh: "审核决定的格式为 {\"share\": n, \"helper\": id, \"approve\": true|false}",
  },
  { en: "that share has no held assist of that helper", zh: "这次分享没有该助力者待审核的助力（可能已被处理）" },
  { en: "a share would last {after} hours, not {before}", zh: "分享有效期将从 {before} 小时改为 {after} 小时" },
  { en: "the {assists}-assist prize would change or go", zh: "{assists} 人助力的奖励将被修改或移除" },
  { en: "the helpers' prizes or their odds would change", zh: "助力者可抽的奖品或其概率将被修改" },
  { en: "give mean_assists or assists_shares", zh: "请填写平均助力数或各助力数的分享占比（二选一）" },
  { en: "the shares must add up to 1", zh: "各助力数的分享占比之和必须为 1" },
  // games/checkin/terms.py (before the general "{label} would ..." below)
  {
    en: "the default tier would change from {was} to {now}",
    zh: "默认等级将从 {was} 改为 {now}",
  },
  { en: "the tier {code} would be removed", zh: "等级 {code} 将被移除" },
  {
    en: "the daily points of tier {code} would fall from {was} to {now}",
    zh: "等级 {code} 的每日积分将从 {was} 降至 {now}",
  },
  {
    en: "{milestone} would grant {prize} instead of {was}",
    zh: "{milestone}将改发 '{prize}'（原为 '{was}'）",
    params: { milestone },
  },
  { en: "{milestone} would be removed", zh: "{milestone}将被移除", params: { milestone } },
  { en: "the streak milestones would no longer start over", zh: "连签里程碑将不再循环" },
  {
    en: "the streak milestones would start over every {after} days, not {before}",
    zh: "连签里程碑将改为每 {after} 天循环一次（原为 {before} 天）",
  },
  {
    en: "shoppers of tier {code} would get {range} points a day, not the {was} of {first}",
    zh: "等级 {code} 的用户每天将得 {range} 积分，而不是 {first} 的 {was} 积分",
  },
  { en: "the prize of every check-in would change from {prize}", zh: "每次签到另得的奖品将不再是 '{prize}'" },
  { en: "make-ups would reach back {now} days, not {was}", zh: "可补签的天数将从 {was} 天减为 {now} 天" },
  { en: "make-ups a month would fall from {was} to {now}", zh: "每月补签次数将从 {was} 降至 {now}" },
  {
    en: "a make-up's price would go from {was} points to {now}",
    zh: "补签价格将从 {was} 积分改为：{now}",
    params: { now: makeUpPrice },
  },
  { en: "a make-up would no longer take a {item}", zh: "补签将不再接受道具 {item}" },
  // games/engine/disclosed_terms.py (after every more specific "... would fall from ..." above)
  {
    en: "{label} would be withdrawn (it was {was})",
    zh: "{label}将被取消（原为 {was}）",
    params: { label: term },
  },
  { en: "{label} would fall from {was} to {now}", zh: "{label}将从 {was} 降至 {now}", params: { label: term } },
  { en: "{label} would rise from {was} to {now}", zh: "{label}将从 {was} 升至 {now}", params: { label: term } },
  {
    en: "{label} would change from {was} to {now}",
    zh: "{label}将从 {was} 改为 {now}",
    params: { label: term, was: none, now: none },
  },
  { en: "disclose a quantity for every prize but the fallback", zh: "除兜底奖品外，每个奖品都须公示数量" },
  // games/insight/preflight.py
  {
    en: "the budget runs out in {share}% of the forecasts (median day {day}): shoppers would win {wanted} fen against a budget of {budget} fen",
    zh: "{share}% 的模拟中预算会用完（中位数为第 {day} 天）：用户预计会抽走 {wanted}，而预算只有 {budget}",
    params: { wanted: fen, budget: fen },
  },
  {
    en: "prize '{key}' sells out on the first day in {share}% of the forecasts",
    zh: "{share}% 的模拟中奖品 '{key}' 在第一天就会发完",
  },
  {
    en: "acknowledge the risks of this publish, or change the draft",
    zh: "请确认本次发布的风险，或修改草稿",
  },
  {
    en: "no shopper can ever receive this prize: it costs at least {least} fen, over the {limit} fen per {per} of cap '{key}'",
    zh: "任何用户都无法获得此奖品：每份成本至少 {least}，超过限额 '{key}' 的{per}上限 {limit}",
    params: { least: fen, limit: fen, per: (value) => (value === "day" ? "每人每天" : "每人活动期间") },
  },
  { en: "state until when prizes can be redeemed", zh: "请填写兑奖截止日期" },
  { en: "state the redemption conditions", zh: "请填写兑奖条件" },
  // games/wheel/ (config.py, game.py)
  { en: "a wheel has 6 to 12 slots", zh: "转盘须有 6 到 12 个格子" },
  { en: "slot {n} shows '{key}', which the wheel never draws (weight 0)", zh: "第 {n} 格的奖品 '{key}' 权重为 0，转盘不会抽到" },
  { en: "slot {n} shows unknown prize '{key}'", zh: "第 {n} 格的奖品 '{key}' 不在奖池中" },
  { en: "prize '{key}' has no slot on the wheel", zh: "奖品 '{key}' 在转盘上没有格子" },
  { en: "the wheel has no action '{action}'", zh: "转盘没有 '{action}' 操作" },
  { en: "no spins left today", zh: "今天的抽奖次数已用完" },
  { en: "an extra spin costs {points} points", zh: "加抽一次需要 {points} 积分" },
  // games/checkin/ (config.py, game.py, simulation.py)
  { en: "1 to 10 member tiers", zh: "会员等级须有 1 到 10 个" },
  { en: "the most points may not be below the fewest", zh: "最多积分不能少于最少积分" },
  { en: "make-ups need a price: points, a card item or both", zh: "开放补签需要价格：积分、补签卡道具，或两者都设" },
  { en: "each tier code once", zh: "每个等级代码只能出现一次" },
  { en: "each milestone (kind and days) once", zh: "同一类型、同样天数的里程碑只能有一个" },
  { en: "'{key}' is not a prize of the pool", zh: "'{key}' 不是奖池中的奖品" },
  { en: "the tier shares must add up to 1", zh: "各等级的用户占比之和必须为 1" },
  { en: "no check-in probability for {tiers}", zh: "缺少这些等级的每日签到概率：{tiers}", params: { tiers: list } },
  { en: "the config has no tier {tiers}", zh: "签到设置中没有这些等级：{tiers}", params: { tiers: list } },
  { en: "you have checked in today; come back tomorrow", zh: "今天已签到，明天再来" },
  { en: "{day} is checked in already", zh: "{day} 已签到" },
  { en: "a make-up costs {points} points", zh: "补签一次需要 {points} 积分" },
  { en: "a make-up needs a {item}", zh: "补签需要一张 {item}" },
  { en: "a make-up needs {\"day\": \"YYYY-MM-DD\"}, a calendar day", zh: "补签需要一个日期：{\"day\": \"YYYY-MM-DD\"}" },
  { en: "a reminder needs {\"on\": true} or {\"on\": false}", zh: "签到提醒需要 {\"on\": true} 或 {\"on\": false}" },
  // server/api_ops.py, server/errors.py
  { en: "some fields are invalid", zh: "有字段不符合要求" },
  { en: "the draft cannot be published as it is", zh: "草稿当前无法发布" },
  { en: "publish the campaign first", zh: "请先发布活动" },
  { en: "the request body must be a JSON object", zh: "请求内容必须是 JSON 对象" },
  { en: "the request body is not valid JSON", zh: "请求内容不是有效的 JSON" },
  { en: "no such simulation job (results are kept for an hour)", zh: "没有这个模拟任务（结果保留一小时）" },
  {
    en: "too many simulations are running; wait for one to finish",
    zh: "正在运行的模拟过多，请等其中一个完成后再试",
  },
  // server/api_ops_mall.py (the points mall's goods)
  { en: "the window must end after it starts", zh: "限时兑换的结束时间必须晚于开始时间" },
  { en: "only a coupon good carries a coupon", zh: "只有券类商品可以填写发放的券" },
  { en: "no good {id} in this mall", zh: "本商城没有商品 {id}" },
  {
    en: "the stock left is now {now}, not {was}: reload",
    zh: "剩余库存已变为 {now}（你打开时是 {was}），未保存：请重新加载库存后再保存",
  },
  // server/api_ops_messages.py and games/messages/admin.py (campaign messages: segments, messages, their moves)
  { en: "no segment {id}", zh: "人群 {id} 不存在" },
  { en: "no message {id}", zh: "推送 {id} 不存在" },
  { en: "only a draft may be edited: this message is being sent", zh: "只有草稿可以修改：这条推送已开始发送" },
  {
    en: "a message that is {state} cannot be told to {action}",
    zh: "这条推送当前为「{state}」，不能{action}",
    params: { state: label("push.state"), action: label("push.verb") },
  },
  {
    en: "this segment is defined by rules: upload into an uploaded segment",
    zh: "这个人群按规则圈选，不能上传名单：请上传到「上传名单」类型的人群",
  },
  { en: "line {line}: a host user id is 1-64 printable characters", zh: "第 {line} 行：主站用户 ID 须为 1-64 个可打印字符" },
  { en: "send 1 to {max} host user ids, one per line", zh: "请上传 1 到 {max} 个主站用户 ID，每行一个" },
  // games/messages/config.py and rules.py (a message's and a segment's fields)
  { en: "a variant is named by 1-16 letters, digits, - or _", zh: "版本名为 1-16 个字母、数字、- 或 _" },
  { en: "write the window as HH:MM-HH:MM, e.g. 19:00-21:00", zh: "发送时段请写成 HH:MM-HH:MM，例如 19:00-21:00" },
  { en: "the window lies wholly in the quiet hours ({quiet}): it would never open", zh: "发送时段完全落在免打扰时段（{quiet}）内，永远不会开始发送" },
  {
    en: "a link inside the campaign's page: ?query, #part or /path (no other site)",
    zh: "链接须在活动页面之内：?参数、#锚点或 /路径（不能是其他网站）",
  },
  { en: "each variant needs its own name", zh: "每个版本的名字不能重复" },
  { en: "name each channel once", zh: "每个渠道只能选一次" },
  { en: "a check-in streak rule names the campaign and the days", zh: "连续签到条件须同时填写签到活动和天数" },
  { en: "write a variable as its name in braces, without a format", zh: "变量请写成花括号里的变量名，不带格式" },
  { en: "unknown variable {name}: use name, points or expiring_points", zh: "未知变量 {name}：可用 name、points 或 expiring_points" },
  { en: "not HH:MM-HH:MM: {text}", zh: "不是 HH:MM-HH:MM 格式：{text}" },
  {
    en: "in-app messages get no delivery receipts: guard on opened or visited",
    zh: "站内消息没有送达回执：请按「已打开」或「已访问」设置暂停条件",
  },
  { en: "the file is not a CSV of host user ids: {error}", zh: "文件不是主站用户 ID 的 CSV：{error}" },
  // games/insight/simulate_limits.py
  {
    en: "this simulation needs {runs} runs x {days} days x {prizes} prizes = {steps} steps; at most {max} are allowed: use at most {fit} runs, or fewer days",
    zh: "本次模拟需要 {runs} 次 × {days} 天 × {prizes} 个奖品 = {steps} 步，最多允许 {max} 步：请把模拟次数减到 {fit} 次以内，或减少天数",
  },
  {
    en: "the daily caps need {draws} draws per player x {caps} daily caps = {n} sampled draws; at most {max} are allowed: use at most {fit} draws per player, or fewer daily caps",
    zh: "每日限额的模拟需要每人 {draws} 次抽奖 × {caps} 个每日限额 = {n} 次抽样，最多允许 {max} 次：请把每人抽奖次数减到 {fit} 次以内，或减少每日限额",
  },
  // server/idempotency.py
  { en: "send an Idempotency-Key header of 8-128 characters", zh: "请求须带 8-128 个字符的 Idempotency-Key 头" },
  { en: "this Idempotency-Key was used for a different request", zh: "该 Idempotency-Key 已用于另一个请求" },
  {
    en: "the first request with this Idempotency-Key is still running",
    zh: "使用该 Idempotency-Key 的第一个请求仍在处理中",
  },
  // economy/limits.py (budget and stock refusals reach the console when publishing)
  {
    en: "cap '{key}' reached for this {per}",
    zh: "限额 '{key}' 已达{per}上限",
    params: { per: (value) => (value === "day" ? "当日" : "本活动") },
  },
  { en: "prize '{key}' is out of stock", zh: "奖品 '{key}' 已无库存" },
  { en: "campaign budget cannot cover {cost} fen", zh: "活动总预算不足以支付 {cost}", params: { cost: fen } },
  { en: "today's budget cannot cover {cost} fen", zh: "今日预算不足以支付 {cost}", params: { cost: fen } },
  {
    en: "budget {budget} fen is below the {spent} fen already spent",
    zh: "预算 {budget} 低于已花费的 {spent}",
    params: { budget: fen, spent: fen },
  },
  {
    en: "stock {stock} of '{key}' is below the {granted} already granted",
    zh: "奖品 '{key}' 的数量 {stock} 低于已发放的 {granted}",
  },
  // marshmallow's defaults (Range: both bounds before one, "or equal to" before strict)
  { lib: "Missing data for required field.", zh: "必填" },
  { lib: "Field may not be null.", zh: "不能为空" },
  { lib: "Unknown field.", zh: "未知字段" },
  { lib: "Invalid value.", zh: "值无效" },
  { lib: "Invalid input.", zh: "输入无效" },
  { lib: "Invalid type.", zh: "类型不正确" },
  { lib: "Invalid input type.", zh: "输入类型不正确" },
  { lib: "Not a valid string.", zh: "必须是文本" },
  { lib: "Not a valid utf-8 string.", zh: "不是有效的 UTF-8 文本" },
  { lib: "Not a valid number.", zh: "必须是数字" },
  { lib: "Not a valid integer.", zh: "必须是整数" },
  { lib: "Number too large.", zh: "数字过大" },
  { lib: "Special numeric values (nan or infinity) are not permitted.", zh: "不允许 NaN 或无穷大" },
  { lib: "Not a valid boolean.", zh: "必须是“是”或“否”" },
  { lib: "Not a valid list.", zh: "必须是列表" },
  { lib: "Not a valid tuple.", zh: "必须是列表" },
  { lib: "Not a valid mapping type.", zh: "必须是对象" },
  { lib: "Not a valid datetime.", zh: "不是有效的日期时间" },
  { lib: "Not a valid aware datetime.", zh: "日期时间须带时区" },
  { lib: "Not a valid naive datetime.", zh: "日期时间不能带时区" },
  { lib: "Not a valid date.", zh: "不是有效的日期" },
  { lib: "Not a valid time.", zh: "不是有效的时间" },
  { lib: "Not a valid period of time.", zh: "不是有效的时长" },
  { lib: "Not a valid URL.", zh: "不是有效的网址" },
  { lib: "Not a valid email address.", zh: "不是有效的邮箱地址" },
  { lib: "Not a valid UUID.", zh: "不是有效的 UUID" },
  { lib: "String does not match expected pattern.", zh: "格式不正确" },
  {
    lib: "Must be greater than or equal to {min} and less than or equal to {max}.",
    zh: "必须在 {min} 到 {max} 之间",
  },
  { lib: "Must be greater than or equal to {min} and less than {max}.", zh: "必须大于或等于 {min} 且小于 {max}" },
  { lib: "Must be greater than {min} and less than or equal to {max}.", zh: "必须大于 {min} 且不超过 {max}" },
  { lib: "Must be greater than {min} and less than {max}.", zh: "必须大于 {min} 且小于 {max}" },
  { lib: "Must be greater than or equal to {min}.", zh: "不能小于 {min}" },
  { lib: "Must be greater than {min}.", zh: "必须大于 {min}" },
  { lib: "Must be less than or equal to {max}.", zh: "不能大于 {max}" },
  { lib: "Must be less than {max}.", zh: "必须小于 {max}" },
  { lib: "Length must be between {min} and {max}.", zh: "长度须在 {min} 到 {max} 之间" },
  { lib: "Length must be {equal}.", zh: "长度必须为 {equal}" },
  { lib: "Shorter than minimum length {min}.", zh: "长度不能少于 {min}" },
  { lib: "Longer than maximum length {max}.", zh: "长度不能超过 {max}" },
  { lib: "Must be equal to {other}.", zh: "必须等于 {other}" },
  { lib: "Must be one of: {choices}.", zh: "必须是以下之一：{choices}", params: { choices: labels("enum") } },
  {
    lib: "One or more of the choices you made was not in: {choices}.",
    zh: "有选项不在可选范围内：{choices}",
    params: { choices: labels("enum") },
  },
];

const FIELD = /\{(\w+)\}/;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function compile(entry) {
  const parts = (entry.en ?? entry.lib).split(FIELD); // literal, name, literal, name, ..., literal
  const names = parts.filter((_, i) => i % 2 === 1);
  const source = parts.map((part, i) => (i % 2 ? "(.+?)" : escape(part))).join("");
  return { ...entry, names, regex: new RegExp(`^${source}$`) };
}

const EXACT = new Map(TEMPLATES.filter((e) => !FIELD.test(e.en ?? e.lib)).map((e) => [e.en ?? e.lib, e.zh]));
const PATTERNS = TEMPLATES.filter((e) => FIELD.test(e.en ?? e.lib)).map(compile);

function translate(message) {
  if (EXACT.has(message)) return EXACT.get(message);
  for (const entry of PATTERNS) {
    const match = entry.regex.exec(message);
    if (!match) continue;
    const values = Object.fromEntries(
      entry.names.map((name, i) => [name, (entry.params?.[name] ?? String)(match[i + 1])]),
    );
    return entry.zh.replace(/\{(\w+)\}/g, (_, name) => values[name]);
  }
  return message;
}

/** ``message`` from the server in the console's language (unchanged in English or when unknown). */
export function localize(message) {
  return currentLang() === "zh" && typeof message === "string" ? translate(message) : message;
}
