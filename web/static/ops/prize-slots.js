// Lists of prize keys that a game shows, such as the wheel's slots, follow the pool. A game marks such a list
// in its config schema with "x-prize-slots". A new prize gets a slot, a renamed prize keeps its slots under its
// new key, and the slots of a removed prize show the fallback. Ops never type a key into a slot list.

/** The names of ``gameDesc``'s fields that are prize-slot lists, with their length bounds. */
function slotFields(gameDesc) {
  return (gameDesc?.fields ?? [])
    .filter((field) => field.type === "array" && field["x-prize-slots"])
    .map((field) => ({ name: field.name, min: field.minItems ?? 0, max: field.maxItems ?? Infinity }));
}

/** ``slots`` after the pool's keys went from ``before`` to ``after`` (a new list; the same one if unchanged). */
export function followKeys(slots, before, after, fallback, { max = Infinity } = {}) {
  let next = [...slots];
  if (before.length === after.length) {
    before.forEach((key, i) => {
      if (after[i] !== key) next = next.map((slot) => (slot === key ? after[i] : slot));
    });
  } else {
    const removed = before.filter((key) => !after.includes(key));
    next = next.map((slot) => (removed.includes(slot) ? fallback : slot));
    for (const key of after.filter((k) => !before.includes(k) && !next.includes(k))) {
      if (next.length < max) next.push(key);
      else if (next.filter((slot) => slot === fallback).length > 1) next[next.lastIndexOf(fallback)] = key;
    }
  }
  return next.length === slots.length && next.every((slot, i) => slot === slots[i]) ? slots : next;
}

/**
 * Make every game's prize-slot lists in ``config`` follow a change of the pool's keys from ``before`` to
 * ``after``. Returns the paths of the lists that changed.
 */
export function followPool(config, gameSchemas, before, after) {
  const changed = [];
  for (const [game, gameConfig] of Object.entries(config.games ?? {})) {
    for (const { name, max } of slotFields(gameSchemas[game])) {
      const slots = gameConfig?.[name];
      if (!Array.isArray(slots)) continue;
      const next = followKeys(slots, before, after, config.pool?.fallback, { max });
      if (next !== slots) {
        gameConfig[name] = next;
        changed.push(`config.games.${game}.${name}`);
      }
    }
  }
  return changed;
}
