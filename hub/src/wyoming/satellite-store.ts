/**
 * The wyoming-satellites Jarvis controls, as added with `jarvis satellite add HOST:PORT --area Kitchen`:
 * a small JSON file in the data directory (written atomically), read by the hub at start and watched
 * while it runs, so a CLI change (add, remove, mute) reaches the running hub.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { WyomingError } from './errors.js';

/** File name in the data directory. */
export const SATELLITES_FILE = 'wyoming-satellites.json';

const satelliteSchema = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  area: z.string().min(1).max(64).optional(),
  muted: z.boolean().default(false),
  /** Who set the current mute state (`cli`, `api`, `dashboard`). */
  mutedBy: z.string().optional(),
});

const fileSchema = z.strictObject({ version: z.literal(1), satellites: z.array(satelliteSchema) });

/** One stored satellite. */
export type StoredSatellite = z.infer<typeof satelliteSchema>;

/** `HOST:PORT` / `[v6]:PORT` → parts; throws JARVIS_WYOMING_BAD_CONFIG. */
export function parseHostPort(address: string, defaultPort = 10700): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+))(?::(\d{1,5}))?$/.exec(address.trim());
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!m || port < 1 || port > 65535) throw new WyomingError('JARVIS_WYOMING_BAD_CONFIG', `"${address}" is not HOST:PORT`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/** A name from an address: `192.168.1.20:10700` → `satellite-192-168-1-20`. */
export function defaultSatelliteName(host: string): string {
  return `satellite-${host.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 64);
}

/** The satellites file of one data directory. */
export class SatelliteStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, SATELLITES_FILE);
  }

  list(): StoredSatellite[] {
    if (!existsSync(this.path)) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new WyomingError('JARVIS_WYOMING_BAD_CONFIG', `${this.path} is not JSON: ${(err as Error).message}`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw new WyomingError('JARVIS_WYOMING_BAD_CONFIG', `${this.path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data.satellites;
  }

  private write(satellites: StoredSatellite[]): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, satellites }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  /** Adds a satellite; throws when the name or address is taken. */
  add(input: { host: string; port: number; name?: string | undefined; area?: string | undefined }): StoredSatellite {
    const all = this.list();
    const parsed = satelliteSchema.safeParse({ name: input.name ?? defaultSatelliteName(input.host), host: input.host, port: input.port, ...(input.area ? { area: input.area } : {}), muted: false });
    if (!parsed.success) throw new WyomingError('JARVIS_WYOMING_BAD_CONFIG', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const sat = parsed.data;
    if (all.some((s) => s.name === sat.name)) throw new WyomingError('JARVIS_WYOMING_BAD_CONFIG', `a satellite named ${sat.name} already exists`);
    if (all.some((s) => s.host === sat.host && s.port === sat.port)) throw new WyomingError('JARVIS_WYOMING_BAD_CONFIG', `${sat.host}:${sat.port} is already added`);
    this.write([...all, sat]);
    return sat;
  }

  /** Removes by name; false when there was none. */
  remove(name: string): boolean {
    const all = this.list();
    const rest = all.filter((s) => s.name !== name);
    if (rest.length === all.length) return false;
    this.write(rest);
    return true;
  }

  /** Sets the mute state with its source; undefined when there is no such satellite. */
  setMuted(name: string, muted: boolean, source: string): StoredSatellite | undefined {
    const all = this.list();
    const sat = all.find((s) => s.name === name);
    if (!sat) return undefined;
    sat.muted = muted;
    sat.mutedBy = source;
    this.write(all);
    return sat;
  }
}
