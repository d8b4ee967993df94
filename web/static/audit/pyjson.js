// JSON exactly as games/fairness/verify/ reads and hashes it: Python's json.loads (its error messages too) and
// json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), byte for byte.
//
// Values: null, booleans, strings, Arrays (lists), Maps (objects: insertion order and last-duplicate-wins,
// like a Python dict; parse() also names the first member name repeated, which the verifiers refuse).
// Numbers: an integer is a Number when it is safe, else a BigInt; a number written with a fraction or an
// exponent, NaN or Infinity is a PyFloat, so that 1.0 is written back as 1.0.

/** A Python float (a JSON number with a fraction or an exponent). */
export class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

/** What json.loads raises; ``message`` is Python's ``msg`` (no position). */
export class JSONDecodeError extends Error {}

const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const isDigit = (c) => c >= 48 && c <= 57;
const isSpace = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const fail = (message) => {
  throw new JSONDecodeError(message);
};

const EXPONENT = /[eE][-+]?\d+/y;
const MAX_DIGITS = 4300; // Python reads no longer integer (sys.get_int_max_str_digits())

/** Arrays and objects nested deeper in an export line are refused (games/fairness/verify/lines.py's MAX_DEPTH). */
export const MAX_DEPTH = 100;

/** An integer lexeme as a Number (when safe) or a BigInt; -0 is 0, as in Python. */
export function integer(lexeme) {
  if (lexeme.length <= 15) return Number(lexeme) || 0;
  const big = BigInt(lexeme);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

class Parser {
  constructor(text) {
    this.s = text;
    this.n = text.length;
    this.repeated = null; // the first member name repeated in an object, in the order objects end
  }

  ws(i) {
    while (i < this.n && isSpace(this.s.charCodeAt(i))) i += 1;
    return i;
  }

  value(i) {
    const { s } = this;
    if (i >= this.n) fail("Expecting value");
    const c = s[i];
    if (c === '"') return this.string(i + 1);
    if (c === "{") return this.object(i + 1);
    if (c === "[") return this.array(i + 1);
    for (const [word, value] of CONSTANTS) if (s.startsWith(word, i)) return [value(), i + word.length];
    return this.number(i);
  }

  number(start) {
    const { s, n } = this;
    let i = start;
    if (s[i] === "-") i += 1;
    if (i < n && s.charCodeAt(i) >= 49 && s.charCodeAt(i) <= 57) {
      while (i < n && isDigit(s.charCodeAt(i))) i += 1;
    } else if (s[i] === "0") i += 1;
    else fail("Expecting value");
    let float = false;
    if (s[i] === "." && isDigit(s.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isDigit(s.charCodeAt(i))) i += 1;
      float = true;
    }
    EXPONENT.lastIndex = i;
    const exponent = EXPONENT.exec(s);
    if (exponent) {
      i += exponent[0].length;
      float = true;
    }
    const lexeme = s.slice(start, i);
    if (!float && lexeme.length - (lexeme[0] === "-") > MAX_DIGITS) fail(`an integer of more than ${MAX_DIGITS} digits`);
    return [float ? new PyFloat(Number(lexeme)) : integer(lexeme), i];
  }

  string(i) {
    const { s, n } = this;
    let out = "";
    let end = i;
    for (;;) {
      let next = end;
      let c = 0;
      for (; next < n; next += 1) {
        c = s.charCodeAt(next);
        if (c === 34 || c === 92) break;
        if (c <= 0x1f) fail("Invalid control character at");
      }
      if (next >= n) fail("Unterminated string starting at");
      out += s.slice(end, next);
      if (c === 34) return [out, next + 1];
      if (next + 1 === n) fail("Unterminated string starting at");
      [out, end] = this.escape(out, next + 1);
    }
  }

  escape(out, at) {
    const { s, n } = this;
    const c = s[at];
    if (c !== "u") {
      if (!(c in ESCAPES)) fail("Invalid \\escape");
      return [out + ESCAPES[c], at + 1];
    }
    let end = at + 5;
    if (end >= n || !HEX4.test(s.slice(at + 1, end))) fail("Invalid \\uXXXX escape");
    const unit = parseInt(s.slice(at + 1, end), 16);
    out += String.fromCharCode(unit);
    if (unit >= 0xd800 && unit <= 0xdbff && end + 6 < n && s[end] === "\\" && s[end + 1] === "u") {
      if (!HEX4.test(s.slice(end + 2, end + 6))) fail("Invalid \\uXXXX escape");
      const low = parseInt(s.slice(end + 2, end + 6), 16);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += String.fromCharCode(low);
        end += 6;
      }
    }
    return [out, end];
  }

  object(i) {
    const { s } = this;
    const dict = new Map();
    let repeated = null; // the first name of this object that repeats one before it
    i = this.ws(i);
    if (s[i] === "}") return [dict, i + 1];
    for (;;) {
      if (s[i] !== '"') fail("Expecting property name enclosed in double quotes");
      let key;
      [key, i] = this.string(i + 1);
      i = this.ws(i);
      if (s[i] !== ":") fail("Expecting ':' delimiter");
      let value;
      [value, i] = this.value(this.ws(i + 1));
      if (repeated === null && dict.has(key)) repeated = key;
      dict.set(key, value);
      i = this.ws(i);
      if (s[i] === "}") {
        if (this.repeated === null) this.repeated = repeated; // as Python's object_pairs_hook sees objects end
        return [dict, i + 1];
      }
      if (s[i] !== ",") fail("Expecting ',' delimiter");
      i = this.ws(i + 1);
    }
  }

  array(i) {
    const { s } = this;
    const list = [];
    i = this.ws(i);
    if (s[i] === "]") return [list, i + 1];
    for (;;) {
      let value;
      [value, i] = this.value(i);
      list.push(value);
      i = this.ws(i);
      if (s[i] === "]") return [list, i + 1];
      if (s[i] !== ",") fail("Expecting ',' delimiter");
      i = this.ws(i + 1);
    }
  }
}

const CONSTANTS = [
  ["null", () => null],
  ["true", () => true],
  ["false", () => false],
  ["NaN", () => new PyFloat(NaN)],
  ["Infinity", () => new PyFloat(Infinity)],
  ["-Infinity", () => new PyFloat(-Infinity)],
];

/**
 * Python's json.loads(text) as ``value``, and ``repeated``: the first member name repeated in an object (the
 * first object to end holding one, and in it the first name that repeats one before it), or null.
 * :throws JSONDecodeError with Python's message.
 */
export function parse(text) {
  if (text.startsWith("\ufeff")) fail("Unexpected UTF-8 BOM (decode using utf-8-sig)");
  const parser = new Parser(text);
  let value;
  let end;
  try {
    [value, end] = parser.value(parser.ws(0));
  } catch (error) {
    if (error instanceof RangeError) fail(`nested more than ${MAX_DEPTH} deep`); // the stack ran out
    throw error;
  }
  if (parser.ws(end) !== text.length) fail("Extra data");
  return { value, repeated: parser.repeated };
}

/** Python's json.loads(text) (a repeated member name: the last one's value). :throws JSONDecodeError */
export function loads(text) {
  return parse(text).value;
}

/** Python's repr of a float (also what json.dumps writes): shortest digits, exponent outside 1e-4..1e16. */
export function floatRepr(x, { json = false } = {}) {
  if (Number.isNaN(x)) return json ? "NaN" : "nan";
  if (!Number.isFinite(x)) return (x < 0 ? "-" : "") + (json ? "Infinity" : "inf");
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const point = Number(exp) + 1;
  let body;
  if (point > -4 && point <= 16) {
    if (point <= 0) body = `0.${"0".repeat(-point)}${digits}`;
    else if (point >= digits.length) body = `${digits}${"0".repeat(point - digits.length)}.0`;
    else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  } else {
    const e = Number(exp);
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    body = `${digits[0]}${fraction}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return (x < 0 ? "-" : "") + body;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const NEEDS_ESCAPES = /["\\\u0000-\u001f]/g;
const STRING_ESCAPES = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A JSON string as Python writes it with ensure_ascii=False: only ", \ and U+0000-U+001F escaped. */
export function quote(text) {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  const escape = (c) => STRING_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return `"${text.replace(NEEDS_ESCAPES, escape)}"`;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Compare strings by Unicode code points (Python's order), not by UTF-16 code units. */
export function compareCodePoints(a, b) {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Canonical JSON text (docs/fairness.md section 8) of a value of this module's model. */
export function canonical(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") return Object.is(value, -0) ? "0" : String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return quote(value);
  if (value instanceof PyFloat) return floatRepr(value.value, { json: true });
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Map) {
    const keys = [...value.keys()];
    // Without surrogates, the default (UTF-16) order is the code point order.
    keys.sort(keys.some((key) => SURROGATE.test(key)) ? compareCodePoints : undefined);
    return `{${keys.map((key) => `${quote(key)}:${canonical(value.get(key))}`).join(",")}}`;
  }
  throw new TypeError(`not a JSON value: ${value}`);
}

/**
 * A value parsed by JSON.parse (or built in JavaScript) in this module's model: objects become Maps and
 * numbers that are not integers become PyFloats. Maps, PyFloats and BigInts are kept as they are.
 */
export function fromPlain(value) {
  if (Array.isArray(value)) return value.map(fromPlain);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, fromPlain(v)]));
  if (value instanceof PyFloat || value === null) return value;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value || 0;
    return Number.isInteger(value) ? BigInt(value) : new PyFloat(value);
  }
  if (typeof value === "object") return new Map(Object.entries(value).map(([k, v]) => [k, fromPlain(v)]));
  return value;
}
