/** Reads the provisioning bundle written by `jarvis device add --out FILE`. */
import { readFileSync } from 'node:fs';
import { deviceBundleSchema, type DeviceBundle } from '@jarvis/protocol';
import { EdgeError } from './errors.js';

/** Checks a parsed bundle; every failure is `JARVIS_EDGE_BAD_BUNDLE` naming the field. */
export function parseBundle(value: unknown, where = 'bundle'): DeviceBundle {
  const parsed = deviceBundleSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(bundle)'}: ${i.message}`);
    throw new EdgeError('JARVIS_EDGE_BAD_BUNDLE', `${where} is not a valid device bundle: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Reads and checks a bundle file; a missing file, bad JSON or a schema failure is `JARVIS_EDGE_BAD_BUNDLE`. */
export function loadBundle(file: string): DeviceBundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EdgeError('JARVIS_EDGE_BAD_BUNDLE', `cannot read bundle file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EdgeError('JARVIS_EDGE_BAD_BUNDLE', `bundle file ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseBundle(value, `bundle file ${file}`);
}

/** Splits `HOST:PORT` (`[v6]:PORT` too) from a bundle's `hub.udp`. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new EdgeError('JARVIS_EDGE_BAD_BUNDLE', `hub address "${text}" is not HOST:PORT with a port from 1 to 65535`);
  return { host: (m[1] ?? m[2]) as string, port };
}
