/** Battery-less health for the retained status: CPU temperature and Wi-Fi signal where the Pi exposes them. */
import { readFile } from 'node:fs/promises';

/** CPU temperature in °C from a thermal zone file (millidegrees), or undefined when absent or unreadable. */
export async function readCpuTempC(file: string): Promise<number | undefined> {
  try {
    const milli = Number((await readFile(file, 'utf8')).trim());
    if (!Number.isFinite(milli)) return undefined;
    const c = Math.round(milli / 100) / 10;
    return c >= -60 && c <= 200 ? c : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wi-Fi signal level in dBm from `/proc/net/wireless` (first interface), or undefined on a wired Pi.
 * Drivers reporting a positive "level" use a relative scale, which is not dBm, so it is left out.
 */
export function parseWirelessRssi(text: string): number | undefined {
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*[^:\s]+:\s+\S+\s+(-?\d+)\.?\s+(-?\d+)\.?/.exec(line);
    if (!m) continue;
    const level = Number(m[2]);
    if (Number.isInteger(level) && level >= -127 && level <= 0) return level;
  }
  return undefined;
}

/** Reads the Wi-Fi signal, or undefined when there is no wireless interface. */
export async function readWifiRssi(file: string): Promise<number | undefined> {
  try {
    return parseWirelessRssi(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}
