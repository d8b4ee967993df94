// A game's fields that name one prize of the pool (a check-in milestone's prize, its daily prize) are selects of
// the pool's prizes, so ops pick a prize instead of typing its key. A game marks such a field in its config schema
// with "x-prize-key"; a text field of a game named "prize" or "…_prize" counts as one too. A key the pool no longer
// has stays selected and marked, so the server's message about it has a field to stand by.

import { el } from "./dom.js";
import { localName, t } from "./i18n.js";

/** True when the field ``desc`` at ``path`` names one prize of the pool. */
export function isPrizeKey(desc, path) {
  if (desc["x-prize-key"]) return true;
  const named = /(^|_)prize$/.test(desc.name ?? "");
  return named && desc.type === "string" && !desc.enum && path.startsWith("config.games.");
}

function prizeText(prize) {
  const name = localName(prize);
  return name ? `${name} (${prize.key})` : prize.key;
}

function options(prizes, value, blank) {
  const known = prizes.some((prize) => prize.key === value);
  return [
    blank || !value ? el("option", { value: "" }, "—") : null,
    prizes.map((prize) => el("option", { value: prize.key }, prizeText(prize))),
    value && !known ? el("option", { value }, t("prize_key.missing", { key: value })) : null,
  ];
}

/**
 * A select of the pool's prizes for the field ``desc`` at ``path`` (``attrs``: the control's id, data-field and
 * name). ``ctx.prizes()`` lists the pool's prizes; a nullable field can be left empty.
 */
export function prizeSelect(desc, path, value, ctx, attrs) {
  const blank = Boolean(desc.nullable) || !desc.required;
  const select = el(
    "select",
    {
      ...attrs,
      "data-prize-key": blank ? "blank" : "required",
      onchange: (e) => ctx.onChange(path, e.target.value || (desc.nullable ? null : undefined)),
    },
    options(ctx.prizes(), value, blank),
  );
  select.value = value ?? "";
  return select;
}

/**
 * Draw the options of every prize select under ``root`` again for ``prizes`` (a key or a name was edited), each
 * showing ``valueOf(path)``, its field's value in the draft.
 */
export function refreshPrizeSelects(root, prizes, valueOf) {
  for (const select of root.querySelectorAll("select[data-prize-key]")) {
    const value = valueOf(select.dataset.field) ?? "";
    select.replaceChildren(...options(prizes, value, select.dataset.prizeKey === "blank").flat().filter(Boolean));
    select.value = value;
  }
}
