// The few Python semantics that the Python verifier's (games/fairness/verify/) verdicts and messages depend on, over the values of
// pyjson.js: ==, truth, indexing, ``in``, iteration and unpacking, + and -, comparisons, repr and str,
// bytes.fromhex and strict UTF-8 encoding, each raising the error Python would (type and message).

import { compareCodePoints, floatRepr, PyFloat } from "./pyjson.js";

/** A Python exception: ``type`` is its class name ("KeyError", "TypeError", ...), ``args`` its arguments. */
export class PyError extends Error {
  constructor(type, ...args) {
    super(`${type}: ${args.map(String).join(", ")}`);
    this.type = type;
    this.args = args;
  }

  /** Python's repr of the exception, e.g. ``KeyError('hash')``. */
  repr() {
    return `${this.type}(${this.args.map(repr).join(", ")})`;
  }
}

const typeError = (message) => new PyError("TypeError", message);
const isInt = (v) => typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
const isNumber = (v) => isInt(v) || v instanceof PyFloat;

/** Python's type name of a value: NoneType, bool, int, float, str, list or dict. */
export function typeName(value) {
  if (value === null) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number" || typeof value === "bigint") return "int";
  if (value instanceof PyFloat) return "float";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  if (value instanceof Map) return "dict";
  return typeof value;
}

const bigOf = (v) => BigInt(typeof v === "boolean" ? Number(v) : v);
const floatOf = (v) => (v instanceof PyFloat ? v.value : Number(typeof v === "boolean" ? Number(v) : v));
const normal = (big) => (big >= -(2n ** 53n) + 1n && big <= 2n ** 53n - 1n ? Number(big) : big);

function numbersEqual(a, b) {
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (!(a instanceof PyFloat || b instanceof PyFloat)) return bigOf(a) === bigOf(b);
  const [x, y] = [floatOf(a), floatOf(b)];
  if (!(Number.isInteger(x) && Number.isInteger(y))) return x === y;
  const exact = (value, float) => (value instanceof PyFloat ? float : value); // Python compares int and float exactly
  return bigOf(exact(a, x)) === bigOf(exact(b, y));
}

/** Python's ``a == b``. */
export function eq(a, b) {
  if (isNumber(a) && isNumber(b)) return numbersEqual(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i]));
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && eq(v, b.get(k)));
  }
  return a === b;
}

/** Python's truth value. */
export function truthy(value) {
  if (value === null || value === false || value === "") return false;
  if (isNumber(value)) return floatOf(value) !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/** A dict key for a Map standing for a Python dict keyed by arbitrary values (1, 1.0 and True are one key). */
export function hashKey(value) {
  if (Array.isArray(value) || value instanceof Map) throw typeError(`unhashable type: '${typeName(value)}'`);
  if (typeof value === "string") return `s:${value}`;
  if (value instanceof PyFloat) return Number.isInteger(value.value) ? `n:${BigInt(value.value)}` : `f:${value.value}`;
  if (isInt(value)) return `n:${bigOf(value)}`;
  return `c:${value}`;
}

function listIndex(sequence, index, what) {
  if (!isInt(index)) throw typeError(`${what} indices must be integers or slices, not ${typeName(index)}`);
  let i = Number(bigOf(index));
  if (i < 0) i += sequence.length;
  if (i < 0 || i >= sequence.length) throw new PyError("IndexError", `${what} index out of range`);
  return sequence[i];
}

/** Python's ``container[key]`` (a dict parsed from JSON has str keys only). */
export function item(container, key) {
  if (container instanceof Map) {
    if (typeof key === "string" && container.has(key)) return container.get(key);
    hashKey(key);
    throw new PyError("KeyError", key);
  }
  if (Array.isArray(container)) return listIndex(container, key, "list");
  if (typeof container === "string") {
    if (typeof key === "string") throw typeError("string indices must be integers, not 'str'");
    return listIndex(Array.from(container), key, "string");
  }
  throw typeError(`'${typeName(container)}' object is not subscriptable`);
}

/** Python's ``mapping.get(key)`` (``None`` when absent); an AttributeError on anything but a dict. */
export function get(mapping, key) {
  if (!(mapping instanceof Map)) {
    throw new PyError("AttributeError", `'${typeName(mapping)}' object has no attribute 'get'`);
  }
  return mapping.has(key) ? mapping.get(key) : null;
}

/** Python's ``needle in container`` (a dict parsed from JSON has str keys only). */
export function contains(container, needle) {
  if (container instanceof Map) {
    hashKey(needle);
    return typeof needle === "string" && container.has(needle);
  }
  if (Array.isArray(container)) return container.some((x) => eq(x, needle));
  if (typeof container === "string") {
    if (typeof needle === "string") return container.includes(needle);
    throw typeError(`'in <string>' requires string as left operand, not ${typeName(needle)}`);
  }
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** The items Python's ``for x in value`` visits (a dict's keys, a string's characters). */
export function iterate(value) {
  if (Array.isArray(value)) return value;
  if (value instanceof Map) return [...value.keys()];
  if (typeof value === "string") return Array.from(value);
  throw typeError(`'${typeName(value)}' object is not iterable`);
}

/** Python's ``a, b = value``. */
export function unpack2(value) {
  if (!(Array.isArray(value) || value instanceof Map || typeof value === "string")) {
    throw typeError(`cannot unpack non-iterable ${typeName(value)} object`);
  }
  const items = iterate(value);
  if (items.length < 2)
    throw new PyError("ValueError", `not enough values to unpack (expected 2, got ${items.length})`);
  if (items.length > 2) throw new PyError("ValueError", "too many values to unpack (expected 2)");
  return items;
}

/** Python's ``len(value)``. */
export function len(value) {
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (typeof value === "string") return Array.from(value).length;
  throw typeError(`object of type '${typeName(value)}' has no len()`);
}

/** Python's ``a + b`` (``op`` "+" or "+=") and ``a - b`` (``op`` "-") on numbers, strings and lists. */
export function arithmetic(a, b, op) {
  const sign = op === "-" ? -1 : 1;
  if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a + sign * b)) return a + sign * b;
  if (isNumber(a) && isNumber(b)) {
    if (a instanceof PyFloat || b instanceof PyFloat) return new PyFloat(floatOf(a) + sign * floatOf(b));
    return normal(sign > 0 ? bigOf(a) + bigOf(b) : bigOf(a) - bigOf(b));
  }
  if (sign > 0 && typeof a === "string") {
    if (typeof b === "string") return a + b;
    throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
  }
  if (sign > 0 && Array.isArray(a)) {
    if (Array.isArray(b)) return [...a, ...b];
    throw typeError(`can only concatenate list (not "${typeName(b)}") to list`);
  }
  throw typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's ``a < b`` (``op`` "<") or ``a <= b`` (``op`` "<="), on numbers and strings. */
export function less(a, b, op = "<") {
  let order;
  if (typeof a === "number" && typeof b === "number") {
    order = a - b;
  } else if (isNumber(a) && isNumber(b)) {
    order = a instanceof PyFloat || b instanceof PyFloat ? floatOf(a) - floatOf(b) : Number(bigOf(a) - bigOf(b));
  } else if (typeof a === "string" && typeof b === "string") {
    order = compareCodePoints(a, b);
  } else {
    throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
  }
  return op === "<" ? order < 0 : order <= 0;
}

/** Python's ``a % b`` for a non-negative ``a`` and a positive ``b``. */
export function modulo(a, b) {
  if (typeof a === "number" && typeof b === "number") return a % b;
  if (a instanceof PyFloat || b instanceof PyFloat) return new PyFloat(floatOf(a) % floatOf(b));
  return normal(bigOf(a) % bigOf(b));
}

const NONPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const hex = (code, width) => code.toString(16).padStart(width, "0");

function reprChar(ch, quote) {
  const code = ch.codePointAt(0);
  if (ch === quote || ch === "\\") return `\\${ch}`;
  if (ch === "\t") return "\\t";
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (code < 0x20 || code === 0x7f) return `\\x${hex(code, 2)}`;
  if (code < 0x7f || !NONPRINTABLE.test(ch)) return ch;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

/** Python's repr of a str. */
export function reprString(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) out += reprChar(ch, quote);
  return out + quote;
}

/** Python's repr of a value. */
export function repr(value) {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Object.is(value, -0) ? "0" : String(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
  return String(value);
}

/** Python's ``str(value)`` (what an f-string field shows). */
export function str(value) {
  return typeof value === "string" ? value : repr(value);
}

const PY_SPACE =
  "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*";
const INT_LITERAL = new RegExp(`^${PY_SPACE}([-+]?\\d+(?:_\\d+)*)${PY_SPACE}$`);

/** Python's ``int(value)`` (decimal digits only in strings). */
export function int(value) {
  if (isInt(value)) return normal(bigOf(value));
  if (value instanceof PyFloat) {
    if (Number.isNaN(value.value)) throw new PyError("ValueError", "cannot convert float NaN to integer");
    if (!Number.isFinite(value.value)) throw new PyError("OverflowError", "cannot convert float infinity to integer");
    return normal(BigInt(Math.trunc(value.value)));
  }
  if (typeof value === "string") {
    const match = INT_LITERAL.exec(value);
    if (!match) throw new PyError("ValueError", `invalid literal for int() with base 10: ${reprString(value)}`);
    return normal(BigInt(match[1].replaceAll("_", "")));
  }
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(value)}'`);
}

/** A str sliced like Python's ``text[:n]`` (code points); a TypeError for what cannot be sliced. */
export function head(value, n) {
  if (typeof value === "string") return Array.from(value).slice(0, n).join("");
  if (Array.isArray(value)) return value.slice(0, n);
  throw typeError(`'${typeName(value)}' object is not subscriptable`);
}

const ASCII_SPACE = new Set([" ", "\t", "\n", "\r", "\x0b", "\x0c"]);

/** Python's ``bytes.fromhex(text)``. */
export function fromhex(text) {
  if (typeof text !== "string") {
    throw typeError(`fromhex() argument must be str, not ${text === null ? "None" : typeName(text)}`);
  }
  const chars = Array.from(text);
  const invalid = (at) => new PyError("ValueError", `non-hexadecimal number found in fromhex() arg at position ${at}`);
  const wide = chars.findIndex((c) => c.codePointAt(0) > 127);
  if (wide >= 0) throw invalid(wide);
  const out = [];
  for (let i = 0; i < chars.length;) {
    if (ASCII_SPACE.has(chars[i])) {
      i += 1;
      continue;
    }
    for (const at of [i, i + 1]) if (!/^[0-9a-fA-F]$/.test(chars[at] ?? "")) throw invalid(at);
    out.push(parseInt(chars[i] + chars[i + 1], 16));
    i += 2;
  }
  return new Uint8Array(out);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const encoder = new TextEncoder();

/** Python's ``text.encode("utf-8")``: a UnicodeEncodeError for lone surrogates (TextEncoder would replace them). */
export function utf8(text) {
  if (LONE_SURROGATE.test(text)) {
    const chars = Array.from(text);
    const lone = (c) => c.length === 1 && c >= "\ud800" && c <= "\udfff";
    const start = chars.findIndex(lone);
    let end = start;
    while (end < chars.length && lone(chars[end])) end += 1;
    throw new PyError("UnicodeEncodeError", "utf-8", text, start, end, "surrogates not allowed");
  }
  return encoder.encode(text);
}
