// The verifier's messages (in English, word for word those of games/fairness/verify/) in the page's language.

import { currentLang } from "./i18n.js";

const ZH = [
  [/^not valid JSON \((.*)\)$/, "不是合法的 JSON（$1）"],
  [/^member (.*) appears twice in one object$/, "同一个对象中字段 $1 出现了两次"],
  [/^a checkpoints file holds a JSON list, not (.*)$/, (_, value) => `检查点文件必须是 JSON 列表，而不是${words(value)}`],
  [/^entry (\d+) must be an object, not (.*)$/, (_, n, value) => `第 ${n} 项必须是对象，而不是${words(value)}`],
  [/^the export must start with a header line$/, "导出文件必须以 header 行开头"],
  [/^content after the end line$/, "end 行之后还有内容"],
  [/^unknown line type (.*)$/, "未知的行类型 $1"],
  [/^malformed (\w+) line \((.*)\)$/, "$1 行格式错误（$2）"],
  [/^a second header line$/, "出现了第二个 header 行"],
  [/^unknown format (.*) version (.*)$/, "未知的格式 $1，版本 $2"],
  [/^config does not hash to (.*)$/, "配置的内容哈希不是 $1"],
  [/^period (.*): revealed seed does not match its commitment$/, "周期 $1：揭示的种子与承诺不符"],
  [/^content does not match its hash \(record altered\)$/, "内容与其哈希不符（记录被篡改）"],
  [
    /^seq (\S+) where (\S+) was expected: a record was inserted, deleted or moved$/,
    "此处应为 seq $2，却是 seq $1：有记录被插入、删除或移动",
  ],
  [/^prev_hash does not link to the record before it$/, "prev_hash 没有指向前一条记录"],
  [/^unknown config (.*) or period (.*)$/, "未知的配置 $1 或周期 $2"],
  [/^commitment differs from period (.*)$/, "承诺与周期 $1 的承诺不同"],
  [/^drawn integers do not follow from the seeds$/, "记录的整数不能由种子推出"],
  [/^first draw range is not the pool's total weight$/, "第一次抽取的范围不是奖池的总权重"],
  [/^prize (.*) but the draw picks (.*)$/, "记录的奖品是 $1，但抽取结果对应 $2"],
  [
    /^granted (.*) is neither the prize nor an explained fallback$/,
    "发放的 $1 既不是抽中的奖品，也不是说明了原因的兜底奖品",
  ],
  [/^an amount_fen for a prize without an amount range$/, "没有金额区间的奖品却记录了 amount_fen"],
  [/^second draw range is not the (\S+) amounts of the red packet$/, "第二次抽取的范围不是红包的 $1 种金额"],
  [/^amount_fen (.*) but the draw gives (.*)$/, "记录的 amount_fen 是 $1，但抽取结果为 $2"],
  [/^a wheel spin has (\S+) draws, not (\S+)$/, "一次转盘抽奖应有 $1 次抽取，而不是 $2 次"],
  [/^wheel slot does not follow from the draw$/, "转盘格位不能由抽取结果推出"],
  [
    /^a (\S+) record picks no prize, but it names prize, granted or a reason$/,
    "$1 记录不从奖池抽奖，却记有奖品、发放或兜底原因",
  ],
  [/^an amount_fen in a (\S+) record, which draws none$/, "$1 记录没有金额抽取，却记有 amount_fen"],
  [/^a check-in has (\S+) draw, not (\S+)$/, "一次签到应有 $1 次抽取，而不是 $2 次"],
  [/^check-in tier (\S+) is not one of the config's (\S+) tiers$/, "签到记录的会员等级 $1 不在配置的 $2 个等级之中"],
  [/^check-in makeup is neither 0 nor 1$/, "签到记录的 makeup 既不是 0 也不是 1"],
  [/^check-in paid is neither 0 nor 1, or pays 0 points$/, "签到记录的 paid 既不是 0 也不是 1，或为 0 积分记为已发放"],
  [
    /^check-in draw range (\S+) is not the (\S+) daily points of tier (\S+)$/,
    "签到积分抽取的范围 $1 不是等级 $3 的 $2 种每日积分",
  ],
  [/^check-in points (\S+) but the draw gives (\S+)$/, "记录的签到积分是 $1，但抽取结果为 $2"],
  [/^game (.*) is not one this verifier knows \(it knows: (.*)\)$/, "本验证器不认识游戏 $1（它认识：$2）"],
  [
    /^end line's count or head hash does not match the draws \(records missing\)$/,
    "end 行的数量或链头哈希与抽奖记录不符（有记录缺失）",
  ],
  [/^no end line: the export is truncated$/, "没有 end 行：导出文件不完整"],
  [
    /^checkpoint of period (.*) \((.*)\) says the chain head after (\S+) records was (.*), the log has (.*) \(log rewritten\)$/,
    "周期 $1 的检查点（$2）记载第 $3 条记录后的链头为 $4，日志中为 $5（日志被改写）",
  ],
  [
    /^checkpoint of period (.*) \((.*)\) counts (\S+) records, the export holds (\S+) \(records missing\)$/,
    "周期 $1 的检查点（$2）记载 $3 条记录，导出文件只有 $4 条（有记录缺失）",
  ],
  [
    /^a draw of period (.*) recorded after its checkpoint \((.*)\) counted (\S+) records \(committed after the period closed\)$/,
    "周期 $1 的检查点（$2）记载 $3 条记录后又记录了该周期的抽奖（在周期结束后提交）",
  ],
  [
    /^nonce (\S+) of user (\S+) in period (.*) was already used \(a draw repeated\)$/,
    "用户 $2 在周期 $3 中的 nonce $1 已经用过（抽奖重复）",
  ],
  [
    /^nonce (\S+) of user (\S+) in period (.*) where (\S+) was expected \(a draw missing\)$/,
    "用户 $2 在周期 $3 中此处应为 nonce $4，却是 $1（有抽奖缺失）",
  ],
  [/^the file cannot be read \((.*)\)$/, "无法读取文件（$1）"],
  [/^not valid UTF-8$/, "不是合法的 UTF-8"],
  [/^a line must be a JSON object, not (.*)$/, "每一行必须是 JSON 对象，而不是 $1"],
  [/^a line without a "type" member$/, "该行没有 type 字段"],
  [/^unknown record version (.*)$/, "未知的记录版本 $1"],
  [/^unexpected member (.*) in (\S+)$/, "$2 中有多余的字段 $1"],
  [/^unexpected member (.*)$/, "多余的字段 $1"],
  [/^(\S+) is missing$/, "缺少 $1"],
  [/^(\S+) must be (.*), not (.*)$/, (_, name, rule, value) => `${name} 必须是${words(rule)}，而不是${words(value)}`],
  [/^a checkpoint line in a version (\S+) export$/, "版本 $1 的导出文件不应有 checkpoint 行"],
  [/^config (\S+) has no wheel slots \(a list of prize keys\)$/, "配置 $1 没有转盘格位（奖品键的列表）"],
  [
    /^config (\S+) has no check-in tiers \(a list of objects with integer points_min and points_max\)$/,
    "配置 $1 没有签到会员等级（带整数 points_min 与 points_max 的对象列表）",
  ],
  [/^(detail|config) holds a number that is not an integer \((.*)\)$/, "$1 中有不是整数的数字（$2）"],
  [/^a string holds a lone surrogate \(it is not Unicode text\)$/, "字符串中有孤立的代理项（不是 Unicode 文本）"],
];

// The words of the shape rules and of the values found ("an empty list"), in Chinese.
const WORDS = [
  [/^an integer from (\S+) to (\S+)$/, " $1 到 $2 之间的整数"],
  [/^an integer from (\S+)$/, "不小于 $1 的整数"],
  [/^a string or null$/, "字符串或 null"],
  [/^a string$/, "字符串"],
  [/^an object$/, "对象"],
  [/^an empty object$/, "空对象"],
  [/^a non-empty list$/, "非空列表"],
  [/^a list$/, "列表"],
  [/^an empty list$/, "空列表"],
  [/^a pair \[n, value\]$/, "二元组 [n, value]"],
  [/^64 lowercase hex digits$/, " 64 位小写十六进制数"],
  [/^a timestamp (\S+)$/, "时间戳 $1"],
  [/^1 to 64 characters of (.*)$/, " 1 到 64 个字符（$1）"],
  [/^(null, .*) or (.*)$/, " $1 或 $2"],
];

function words(text) {
  const known = WORDS.find(([pattern]) => pattern.test(text));
  return known ? text.replace(...known) : ` ${text}`;
}

// What a message names before its first ": " (a record, a line, a config, a saved checkpoints file and its
// entry), in Chinese.
const PREFIXES = [
  [/^record seq (\S+)$/, "记录 seq $1"],
  [/^record$/, "记录"],
  [/^(header|config|period|checkpoint|draw|end) line$/, "$1 行"],
  [/^config ([0-9a-f]{12})$/, "配置 $1"],
  [/^entry (\d+)$/, "第 $1 项"],
  [/^cannot read checkpoints (.*)$/, "无法读取检查点文件 $1"],
];
// A saved checkpoints file is named up to the first ": " (what follows is one of saved.js's messages).
const PREFIXED =
  /^(record seq \S+|record|(?:header|config|period|checkpoint|draw|end) line|config [0-9a-f]{12}|entry \d+|cannot read checkpoints .*?): (.*)$/;

function toChinese(message) {
  const prefixed = PREFIXED.exec(message);
  if (prefixed) {
    const [name, text] = PREFIXES.find(([pattern]) => pattern.test(prefixed[1]));
    return `${prefixed[1].replace(name, text)}：${toChinese(prefixed[2])}`;
  }
  for (const [pattern, text] of ZH) if (pattern.test(message)) return message.replace(pattern, text);
  return message;
}

/** A verifier message in the current language (English as the verifier wrote it). */
export function verdictText(message) {
  return currentLang() === "zh" ? toChinese(message) : message;
}
