// The prize pool editor: one table row per prize (key, names and image, reward, weight, stock, display
// value, broadcast, fallback), coupon details under their prize. Inputs come from the pool's form description.
// A red packet gives a fixed amount (amount_fen) or a random one from a range (min_fen to max_fen).

import { el } from "./dom.js";
import { control, getPath } from "./controls.js";
import { newItem, objectForm } from "./forms.js";
import { localName, t } from "./i18n.js";

const POOL = "config.pool";

function fieldsOf(desc) {
  return Object.fromEntries(desc.fields.map((f) => [f.name, f]));
}

function rewardFor(kind, rewardDesc) {
  if (kind === "item") return { kind, item: "", count: 1 };
  if (kind !== "coupon") return { kind };
  return { kind, cost_fen: 0, coupon: newItem(fieldsOf(rewardDesc).coupon) };
}

/** True when a red packet reward is (being made) a range. */
function isRange(reward) {
  return reward?.min_fen !== undefined || reward?.max_fen !== undefined;
}

/** The red packet reward in the other mode, keeping the amounts typed so far. */
function switchedRedPacket(reward, mode) {
  const next =
    mode === "range"
      ? { kind: "red_packet", min_fen: reward.amount_fen }
      : { kind: "red_packet", amount_fen: reward.max_fen ?? reward.min_fen };
  return Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined));
}

function redPacketMode(prize, path, ctx) {
  const reward = prize.reward ?? {};
  return el(
    "select",
    {
      "data-testid": "red-packet-mode",
      "aria-label": t("pool.amount_mode"),
      value: isRange(reward) ? "range" : "fixed",
      onchange: (e) => {
        ctx.onChange(`${path}.reward`, switchedRedPacket(reward, e.target.value));
        ctx.onStructure();
      },
    },
    el("option", { value: "fixed" }, t("pool.amount_fixed")),
    el("option", { value: "range" }, t("pool.amount_range")),
  );
}

/** Error slot attributes of a prize row's field: its messages go to the strip under the row. */
function slot(path, index, label) {
  return { "data-error-slot": path, "data-error-into": `prize-errors-${index}`, "data-error-label": label };
}

function rewardCell(prize, path, index, rewardDesc, ctx) {
  const f = fieldsOf(rewardDesc);
  const kindCtx = {
    ...ctx,
    onChange: (_, kind) => {
      ctx.onChange(`${path}.reward`, rewardFor(kind, rewardDesc));
      ctx.onStructure();
    },
  };
  const kind = prize.reward?.kind;
  const amount = (name, label, errorLabel = label) =>
    el(
      "div",
      { class: "inline-field", ...slot(`${path}.reward.${name}`, index, errorLabel) },
      el("span", { class: "mini-label" }, label),
      control(f[name], `${path}.reward.${name}`, prize.reward?.[name], ctx),
    );
  return el(
    "td",
    { class: "reward-cell", ...slot(`${path}.reward`, index, t("pool.reward")) },
    el(
      "div",
      slot(`${path}.reward.kind`, index, t("pool.reward")),
      control(f.kind, `${path}.reward.kind`, kind, kindCtx),
    ),
    kind === "points" ? amount("points", t("pool.points")) : null,
    kind === "red_packet" ? redPacketFields(prize, path, amount, ctx) : null,
    kind === "coupon" ? amount("cost_fen", t("pool.cost")) : null,
    kind === "item" ? [amount("item", t("pool.item")), amount("count", t("pool.count"))] : null,
  );
}

/** Fixed or range, then ¥ amount, or the least and most amounts. */
function redPacketFields(prize, path, amount, ctx) {
  const mode = el("div", { class: "inline-field" }, redPacketMode(prize, path, ctx));
  if (!isRange(prize.reward)) return [mode, amount("amount_fen", "¥", t("field.amount_fen"))];
  return [
    mode,
    amount("min_fen", t("pool.min"), t("field.min_fen")),
    amount("max_fen", t("pool.max"), t("field.max_fen")),
  ];
}

function couponRow(prize, path, rewardDesc, ctx, columns) {
  const desc = fieldsOf(rewardDesc).coupon;
  return el(
    "tr",
    { class: "detail-row" },
    el(
      "td",
      { colspan: columns },
      el("div", { class: "detail-title" }, t("pool.coupon_details", { key: prize.key })),
      objectForm(desc, `${path}.reward.coupon`, prize.reward.coupon ?? {}, ctx, { legend: false }),
    ),
  );
}

function prizeRow(pool, prize, index, f, ctx) {
  const path = `${POOL}.prizes.${index}`;
  const at = (name, label) => slot(`${path}.${name}`, index, t(label));
  const cell = (name, label, extra = {}) =>
    el("td", { ...at(name, label), ...extra }, control(f[name], `${path}.${name}`, prize[name], ctx));
  const keyCtx = {
    ...ctx,
    onChange: (p, value) => {
      if (pool.fallback === getPath({ config: { pool } }, p)) ctx.onChange(`${POOL}.fallback`, value);
      ctx.onChange(p, value);
      ctx.onKeys();
    },
  };
  const fallback = el("input", {
    type: "radio",
    name: "fallback",
    "data-testid": "fallback-radio",
    title: t("pool.fallback"),
    "aria-label": `${t("pool.fallback")}: ${localName(prize) || prize.key}`,
    checked: pool.fallback === prize.key,
    onchange: () => ctx.onChange(`${POOL}.fallback`, prize.key),
  });
  const stock = control(f.stock, `${path}.stock`, prize.stock, ctx, { placeholder: t("pool.unlimited") });
  return el(
    "tr",
    { "data-testid": "prize-row", "data-index": index },
    el("td", { class: "center" }, fallback),
    el("td", at("key", "pool.key"), control(f.key, `${path}.key`, prize.key, keyCtx, { class: "mono" })),
    el(
      "td",
      { class: "names" },
      el(
        "div",
        at("name", "pool.name_zh"),
        control(f.name, `${path}.name`, prize.name, ctx, { placeholder: t("pool.name_zh") }),
      ),
      el(
        "div",
        at("name_en", "pool.name_en"),
        control(f.name_en, `${path}.name_en`, prize.name_en, ctx, { placeholder: t("pool.name_en") }),
      ),
      el(
        "div",
        at("image", "pool.image"),
        // one line, though the field allows 500 characters (a long text field would be a textarea)
        control({ ...f.image, maxLength: undefined }, `${path}.image`, prize.image, ctx, {
          placeholder: t("pool.image_placeholder"),
          class: "mono",
          "data-testid": "prize-image-input",
        }),
      ),
    ),
    rewardCell(prize, path, index, f.reward, ctx),
    cell("weight", "pool.weight", { class: "num" }),
    el("td", { class: "num", ...at("stock", "pool.stock") }, stock),
    cell("display_value_fen", "pool.display_value", { class: "num" }),
    el(
      "td",
      { class: "center", ...at("broadcast", "pool.broadcast") },
      control(f.broadcast, `${path}.broadcast`, prize.broadcast, ctx),
    ),
    el(
      "td",
      { class: "center" },
      el(
        "button",
        {
          type: "button",
          class: "icon-button",
          title: t("action.remove"),
          "aria-label": t("action.remove"),
          "data-testid": "prize-remove",
          onclick: () => {
            ctx.onChange(
              `${POOL}.prizes`,
              pool.prizes.filter((_, j) => j !== index),
            );
            ctx.onStructure();
          },
        },
        "×",
      ),
    ),
  );
}

function header() {
  const th = (key, cls) => el("th", { class: cls }, t(key));
  return el(
    "tr",
    {},
    th("pool.fallback", "center"),
    th("pool.key"),
    th("pool.names"),
    th("pool.reward"),
    th("pool.weight", "num"),
    th("pool.stock", "num"),
    th("pool.display_value", "num"),
    th("pool.broadcast", "center"),
    el("th"),
  );
}

function newPrize(pool) {
  let n = pool.prizes.length + 1;
  while (pool.prizes.some((p) => p.key === `prize_${n}`)) n++;
  return { key: `prize_${n}`, name: "", weight: 1, stock: null, reward: { kind: "nothing" }, display_value_fen: 0 };
}

/** The pool editor for ``pool`` (the draft's config.pool) with the pool's form description. */
export function poolEditor(pool, poolDesc, ctx) {
  const top = fieldsOf(poolDesc);
  const f = fieldsOf(top.prizes.items);
  const rows = (pool.prizes ?? []).flatMap((prize, i) => [
    prizeRow(pool, prize, i, f, ctx),
    el(
      "tr",
      { class: "error-strip" },
      el("td", { colspan: 9, id: `prize-errors-${i}`, "data-testid": "prize-errors", "data-index": i }),
    ),
    prize.reward?.kind === "coupon" ? couponRow(prize, `${POOL}.prizes.${i}`, f.reward, ctx, 9) : null,
  ]);
  return el(
    "div",
    { "data-field-group": POOL },
    el("div", { "data-field-group": `${POOL}.fallback` }),
    el(
      "div",
      { class: "table-scroll", "data-field-group": `${POOL}.prizes` },
      el(
        "table",
        { class: "grid-table pool-table", "data-testid": "pool-table" },
        el("thead", {}, header()),
        el("tbody", {}, rows),
      ),
    ),
    el(
      "div",
      { class: "pool-footer" },
      el(
        "button",
        {
          type: "button",
          class: "button small",
          "data-testid": "prize-add",
          onclick: () => {
            ctx.onChange(`${POOL}.prizes`, [...(pool.prizes ?? []), newPrize(pool)]);
            ctx.onStructure();
          },
        },
        `+ ${t("pool.add_prize")}`,
      ),
      objectForm(poolDesc, POOL, pool, ctx, { skip: ["prizes", "fallback"] }),
    ),
  );
}
