// Lists of prize keys that a game shows, such as the wheel's slots, follow the pool. A game marks such a list
// in its config schema with "x-prize-slots". A slot shows a prize a draw can land on: the fallback, or a prize
// whose weight is not 0 (a weight-0 prize is granted otherwise, e.g. by a check-in milestone). A new drawable
// prize gets a slot, a renamed prize keeps its slots under its new key, and the slots of a removed prize, or of
// one whose weight became 0, show the fallback. Ops never type a key into a slot list.
// The fields that name one prize (prize-select.js) follow renames too; a prize removed stays named there, for the
// server to point out.

import { isPrizeKey } from "./prize-select.js";

/** What the following needs to know of ``pool``: its keys, and the keys a slot may show. */
export function poolKeys(pool) {
  const prizes = pool?.prizes ?? [];
  return {
    keys: prizes.map((prize) => prize.key),
    drawn: prizes.filter((prize) => prize.weight !== 0 || prize.key === pool.fallback).map((prize) => prize.key),
  };
}

/** True when two :func:`poolKeys` are the same. */
export function sameKeys(a, b) {
  const same = (x, y) => x.length === y.length && x.every((key, i) => key === y[i]);
  return same(a.keys, b.keys) && same(a.drawn, b.drawn);
}

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

/** The paths (inside a game's config) of its fields that name one prize: on top, in objects, in lists of objects. */
function prizeKeyPaths(desc, value, base, gamePath) {
  if (value === null || typeof value !== "object") return [];
  return (desc?.fields ?? []).flatMap((field) => {
    const path = base ? `${base}.${field.name}` : field.name;
    const inside = value?.[field.name];
    if (field.type === "object" && field.fields) return prizeKeyPaths(field, inside, path, gamePath);
    if (field.type === "array" && field.items?.fields) {
      const items = Array.isArray(inside) ? inside : [];
      return items.flatMap((item, i) => prizeKeyPaths(field.items, item, `${path}.${i}`, gamePath));
    }
    return isPrizeKey(field, `${gamePath}.${path}`) ? [path] : [];
  });
}

/**
 * What ``key`` became when one prize was renamed (the keys kept their places); ``key`` itself otherwise. An empty
 * key is neither followed nor taken (a field left empty stays empty; a key typed anew is picked again).
 */
function renamed(key, before, after) {
  const i = typeof key === "string" && key ? before.indexOf(key) : -1;
  const next = before.length === after.length && i >= 0 ? after[i] : key;
  return typeof next === "string" && next ? next : key;
}

function followNamed(gameConfig, desc, gamePath, before, after) {
  const changed = [];
  for (const path of prizeKeyPaths(desc, gameConfig, "", gamePath)) {
    const names = path.split(".");
    const holder = names.slice(0, -1).reduce((node, name) => node[name], gameConfig);
    const next = renamed(holder[names.at(-1)], before.keys, after.keys);
    if (next !== holder[names.at(-1)]) {
      holder[names.at(-1)] = next;
      changed.push(`${gamePath}.${path}`);
    }
  }
  return changed;
}

/**
 * Make every game's prize-slot lists and prize fields in ``config`` follow a change of the pool from ``before`` to
 * ``after`` (each a :func:`poolKeys`). Returns the paths that changed.
 */
export function followPool(config, gameSchemas, before, after) {
  const changed = [];
  for (const [game, gameConfig] of Object.entries(config.games ?? {})) {
    for (const { name, max } of slotFields(gameSchemas[game])) {
      const slots = gameConfig?.[name];
      if (!Array.isArray(slots)) continue;
      const next = followKeys(slots, before.drawn, after.drawn, config.pool?.fallback, { max });
      if (next !== slots) {
        gameConfig[name] = next;
        changed.push(`config.games.${game}.${name}`);
      }
    }
    if (gameConfig) changed.push(...followNamed(gameConfig, gameSchemas[game], `config.games.${game}`, before, after));
  }
  return changed;
}
