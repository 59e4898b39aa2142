/**
 * JSON text written the way Python's `json.dumps(value, ensure_ascii=False)` writes it, which is what the
 * Wyoming reference writes on the wire (wyoming/event.py `async_write_event`) [WY-1.4]: `", "` between
 * items, `": "` after keys, keys in insertion order, non-ASCII characters as UTF-8 (not `\uXXXX`),
 * floats in Python's `repr` form. Pure; no I/O.
 */
import { ProtocolError } from '../errors.js';

/** A value the Wyoming JSON writer accepts (what `JSON.parse` gives back, minus `undefined` members). */
export type WyomingJson = null | boolean | number | string | WyomingJson[] | { [key: string]: WyomingJson | undefined };

/** Python `repr(float)`: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16. */
function pythonFloat(x: number): string {
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      out = `${intPart}.${frac === '' ? '0' : frac}`;
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    const frac = digits.slice(1);
    const e = Math.abs(exp).toString().padStart(2, '0');
    out = `${digits[0]}${frac === '' ? '' : `.${frac}`}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return negative ? `-${out}` : out;
}

function number(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `${path} is ${n}, which JSON cannot carry`);
  // A JS number that is integral is written as a Python int: the reference's integer fields (rate,
  // width, channels, timestamp, lengths) are ints, and JS cannot tell 5 from 5.0.
  if (Number.isInteger(n)) return Object.is(n, -0) ? '0' : n.toString();
  return pythonFloat(n);
}

function write(value: unknown, path: string, depth: number): string {
  if (depth > 64) throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `${path} nests deeper than 64 levels`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value, path);
    case 'string':
      // JSON.stringify escapes exactly what Python escapes with ensure_ascii=False (", \, control
      // characters as \n \r \t \b \f or lowercase \u00xx); lone surrogates, which Python cannot encode
      // to UTF-8 at all, come out as \udxxx escapes.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`, depth + 1)).join(', ')}]`;
      if (value instanceof Uint8Array) throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `${path} is bytes; bytes go in the payload`);
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}: ${write(v, `${path}.${k}`, depth + 1)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `${path} is a ${typeof value}, which JSON cannot carry`);
  }
}

/** `json.dumps(value, ensure_ascii=False)` as Python writes it; members that are `undefined` are left out. */
export function pythonJsonDumps(value: unknown): string {
  return write(value, 'value', 0);
}
