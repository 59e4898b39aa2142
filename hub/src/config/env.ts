import type { z } from 'zod';

/** One configurable leaf of the schema and the environment variable that sets it. */
export interface EnvBinding {
  /** Path in the config object, e.g. `['mqtt', 'port']`. */
  path: readonly string[];
  /** `JARVIS_MQTT_PORT`. */
  name: string;
  /** How the string from the environment is turned into a value before validation. */
  kind: 'number' | 'boolean' | 'string' | 'list' | 'json';
}

/** `jitterTargetFrames` -> `JITTER_TARGET_FRAMES`. */
function snake(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The kind of schema below wrappers (default, optional, prefault, nullable). */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType } };
  while (['default', 'optional', 'prefault', 'nullable', 'readonly', 'catch'].includes(s.def.type) && s.def.innerType) {
    s = s.def.innerType as typeof s;
  }
  return s;
}

/**
 * Every environment variable the schema accepts, derived from its paths (CONVENTIONS.md 6): nested
 * objects recurse, leaves map to `JARVIS_<PATH>` in SNAKE_CASE. Records and other open shapes take JSON.
 */
export function envBindings(schema: z.ZodType, prefix: readonly string[] = []): EnvBinding[] {
  const inner = unwrap(schema) as z.ZodType & { def: { type: string; shape?: Record<string, z.ZodType> } };
  if (inner.def.type === 'object' && inner.def.shape) {
    return Object.entries(inner.def.shape).flatMap(([key, child]) => envBindings(child, [...prefix, key]));
  }
  const type = inner.def.type;
  const kind: EnvBinding['kind'] =
    type === 'number' || type === 'int' ? 'number'
    : type === 'boolean' ? 'boolean'
    : type === 'array' ? 'list'
    : type === 'string' || type === 'enum' || type === 'literal' || type === 'template_literal' ? 'string'
    : 'json';
  return [{ path: prefix, name: `JARVIS_${prefix.map(snake).join('_')}`, kind }];
}

/**
 * Reads the variables named by `bindings` from `env` into a partial config object. Values that do not
 * convert are passed through as strings, so validation reports them with their path; JSON that does
 * not parse is reported here.
 */
export function configFromEnv(
  env: NodeJS.ProcessEnv,
  bindings: readonly EnvBinding[],
): { value: Record<string, unknown>; issues: string[] } {
  const value: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const b of bindings) {
    const raw = env[b.name];
    if (raw === undefined || raw === '') continue;
    let converted: unknown = raw;
    if (b.kind === 'number' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)) converted = Number(raw);
    else if (b.kind === 'boolean' && /^(true|1|yes|on)$/i.test(raw)) converted = true;
    else if (b.kind === 'boolean' && /^(false|0|no|off)$/i.test(raw)) converted = false;
    else if (b.kind === 'list') converted = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else if (b.kind === 'json') {
      try {
        converted = JSON.parse(raw);
      } catch {
        issues.push(`${b.path.join('.')}: ${b.name} is not valid JSON`);
        continue;
      }
    }
    setPath(value, b.path, converted);
  }
  return { value, issues };
}

/** Sets `obj[path[0]][path[1]]... = v`, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: readonly string[], v: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) cur[last] = v;
}
