import { readFileSync } from 'node:fs';
import { registrySnapshotSchema, type RegistrySnapshot } from '@jarvis/protocol';
import { HomeAssistantError } from './errors.js';

export {
  domainOf,
  registrySnapshotSchema,
  snapshotAreaSchema,
  snapshotDeviceSchema,
  snapshotEntitySchema,
  snapshotFloorSchema,
  type RegistrySnapshot,
  type SnapshotArea,
  type SnapshotDevice,
  type SnapshotEntity,
  type SnapshotFloor,
} from '@jarvis/protocol';

/** Validates a parsed JSON value as a snapshot; throws JARVIS_HA_BAD_SNAPSHOT listing every problem with its path. */
export function parseRegistrySnapshot(value: unknown, where = 'snapshot'): RegistrySnapshot {
  const result = registrySnapshotSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new HomeAssistantError('JARVIS_HA_BAD_SNAPSHOT', `${where} is not a valid registry snapshot:\n  ${lines.join('\n  ')}`);
}

/** Reads and validates a snapshot file. */
export function loadRegistrySnapshot(path: string): RegistrySnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HomeAssistantError('JARVIS_HA_BAD_SNAPSHOT', `cannot read registry snapshot ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HomeAssistantError('JARVIS_HA_BAD_SNAPSHOT', `${path} is not JSON: ${(err as Error).message}`);
  }
  return parseRegistrySnapshot(json, path);
}
