import { randomBytes, randomInt } from 'node:crypto';
import { DEVICE_KEY_BYTES, formatDeviceId } from '@jarvis/protocol';
import { hashSecret, randomSecret, verifySecret, type SecretBox, mosquittoPasswordHash, InternalError } from '../core/index.js';
import type { Db } from './database.js';

/** Device kinds (DESIGN.md: ESP32 wearables and Raspberry Pi satellites). */
export type DeviceKind = 'wearable' | 'satellite';

/** A provisioned device as the hub knows it (never its secrets in clear). */
export interface DeviceRecord {
  /** u32 carried in every datagram. */
  id: number;
  /** Text form used in topics, bundles, logs and metrics. */
  deviceId: string;
  name: string;
  area: string;
  kind: DeviceKind;
  mqttUsername: string;
  credentialVersion: number;
  createdAt: number;
  updatedAt: number;
}

/** Clear-text credentials, returned once by `add` and `rotateKey` to build the bundle. */
export interface DeviceCredentials {
  key: Buffer;
  mqttPassword: string;
}

/** One row of the mute audit trail. */
export interface MuteAuditRow {
  id: number;
  deviceId: string;
  muted: boolean;
  source: 'mqtt' | 'frame' | 'api';
  /** Who set or lifted a software mute (source `api`), else null. */
  actor: string | null;
  at: number;
}

interface DeviceRow {
  id: number;
  name: string;
  area: string;
  kind: DeviceKind;
  mqtt_username: string;
  credential_version: number;
  created_at: number;
  updated_at: number;
}

function toRecord(r: DeviceRow): DeviceRecord {
  return {
    id: r.id,
    deviceId: formatDeviceId(r.id),
    name: r.name,
    area: r.area,
    kind: r.kind,
    mqttUsername: r.mqtt_username,
    credentialVersion: r.credential_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS = 'id, name, area, kind, mqtt_username, credential_version, created_at, updated_at';

/**
 * Devices, their credentials and their mute state/audit (migrations 1–2). UDP keys are sealed with the
 * hub's {@link SecretBox}; MQTT passwords are stored as scrypt hashes.
 */
export class DevicesRepository {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a device with a fresh random id, UDP key and MQTT password; returns the secrets once. */
  add(input: { name: string; area: string; kind: DeviceKind }): { device: DeviceRecord; credentials: DeviceCredentials } {
    const key = randomBytes(DEVICE_KEY_BYTES);
    const mqttPassword = randomSecret(24);
    const passwordHash = hashSecret(mqttPassword);
    const t = this.now();
    const insert = this.db.transaction(() => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const id = randomInt(1, 0xffffffff);
        if (this.db.prepare('SELECT 1 FROM devices WHERE id = ?').get(id)) continue;
        this.db
          .prepare(
            `INSERT INTO devices (id, name, area, kind, key_sealed, mqtt_username, mqtt_password_hash, mosquitto_password_hash, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, input.name, input.area, input.kind, this.box.seal(key), formatDeviceId(id), passwordHash, mosquittoPasswordHash(mqttPassword), t, t);
        return id;
      }
      throw new InternalError('JARVIS_INTERNAL_INVARIANT', 'could not find a free device id');
    });
    const id = insert();
    return { device: this.byId(id) as DeviceRecord, credentials: { key, mqttPassword } };
  }

  list(): DeviceRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM devices ORDER BY name`).all() as DeviceRow[]).map(toRecord);
  }

  byId(id: number): DeviceRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`).get(id) as DeviceRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Finds a device by its 8-hex-digit id or by its name. */
  find(idOrName: string): DeviceRecord | undefined {
    if (/^[0-9a-f]{8}$/.test(idOrName)) {
      const byId = this.byId(Number.parseInt(idOrName, 16));
      if (byId) return byId;
    }
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE name = ?`).get(idOrName) as DeviceRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  byMqttUsername(username: string): DeviceRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE mqtt_username = ?`).get(username) as DeviceRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Removes a device; its mute state goes too, its audit rows stay. */
  remove(id: number): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM device_mute_state WHERE device_id = ?').run(formatDeviceId(id));
      return this.db.prepare('DELETE FROM devices WHERE id = ?').run(id).changes > 0;
    })();
  }

  /**
   * New UDP key and MQTT password; sessions made with the old ones are dropped by a running hub. The
   * new key starts a new boot-counter epoch [UDP-2.16], so the device's replay guard goes with the old key.
   */
  rotateKey(id: number): { device: DeviceRecord; credentials: DeviceCredentials } | undefined {
    const key = randomBytes(DEVICE_KEY_BYTES);
    const mqttPassword = randomSecret(24);
    const sealed = this.box.seal(key);
    const hash = hashSecret(mqttPassword);
    const changed = this.db.transaction(() => {
      const n = this.db
        .prepare(
          `UPDATE devices SET key_sealed = ?, mqtt_password_hash = ?, mosquitto_password_hash = ?, credential_version = credential_version + 1, updated_at = ?
           WHERE id = ?`,
        )
        .run(sealed, hash, mosquittoPasswordHash(mqttPassword), this.now(), id).changes;
      if (n > 0) this.db.prepare('DELETE FROM udp_stream_guard WHERE device_id = ?').run(id);
      return n;
    })();
    if (changed === 0) return undefined;
    return { device: this.byId(id) as DeviceRecord, credentials: { key, mqttPassword } };
  }

  /** Every device's UDP key in clear, for the ingest's key table. */
  keys(): Map<number, Buffer> {
    const rows = this.db.prepare('SELECT id, key_sealed FROM devices').all() as { id: number; key_sealed: Buffer }[];
    return new Map(rows.map((r) => [r.id, this.box.open(r.key_sealed)]));
  }

  /** Every device with its Mosquitto `$7$` password hash (undefined for devices made before migration 7). */
  mosquittoLogins(): { device: DeviceRecord; mosquittoHash: string | undefined }[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS}, mosquitto_password_hash FROM devices ORDER BY id`).all() as (DeviceRow & { mosquitto_password_hash: string | null })[];
    return rows.map((r) => ({ device: toRecord(r), mosquittoHash: r.mosquitto_password_hash ?? undefined }));
  }

  /** The device whose MQTT credentials these are, or undefined (unknown user or wrong password). */
  async verifyMqttLogin(username: string, password: string): Promise<DeviceRecord | undefined> {
    const row = this.db.prepare('SELECT id, mqtt_password_hash FROM devices WHERE mqtt_username = ?').get(username) as
      | { id: number; mqtt_password_hash: string }
      | undefined;
    if (!row) return undefined;
    return (await verifySecret(password, row.mqtt_password_hash)) ? this.byId(row.id) : undefined;
  }

  /** Last MQTT mute state per device, kept so a restarted hub is muted before the broker replays it. */
  mqttMuteStates(): Map<string, boolean> {
    const rows = this.db.prepare('SELECT device_id, mqtt_muted FROM device_mute_state').all() as { device_id: string; mqtt_muted: number }[];
    return new Map(rows.map((r) => [r.device_id, r.mqtt_muted === 1]));
  }

  setMqttMuteState(deviceId: string, muted: boolean): void {
    this.db
      .prepare(
        `INSERT INTO device_mute_state (device_id, mqtt_muted, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET mqtt_muted = excluded.mqtt_muted, updated_at = excluded.updated_at`,
      )
      .run(deviceId, muted ? 1 : 0, this.now());
  }

  addMuteAudit(deviceId: string, muted: boolean, source: 'mqtt' | 'frame' | 'api', at: number, actor?: string): void {
    this.db.prepare('INSERT INTO mute_audit (device_id, muted, source, actor, at) VALUES (?, ?, ?, ?, ?)').run(deviceId, muted ? 1 : 0, source, actor ?? null, at);
  }

  /** Software (API) mutes per device, so a restarted hub keeps them. */
  softwareMuteStates(): Map<string, boolean> {
    const rows = this.db.prepare('SELECT device_id, api_muted FROM device_mute_state WHERE api_muted = 1').all() as { device_id: string; api_muted: number }[];
    return new Map(rows.map((r) => [r.device_id, true]));
  }

  setSoftwareMuteState(deviceId: string, muted: boolean): void {
    this.db
      .prepare(
        `INSERT INTO device_mute_state (device_id, mqtt_muted, api_muted, updated_at) VALUES (?, 0, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET api_muted = excluded.api_muted, updated_at = excluded.updated_at`,
      )
      .run(deviceId, muted ? 1 : 0, this.now());
  }

  /** Renames a device or moves it to another area; undefined when there is no such device. */
  update(id: number, change: { name?: string; area?: string }): DeviceRecord | undefined {
    const current = this.byId(id);
    if (!current) return undefined;
    this.db.prepare('UPDATE devices SET name = ?, area = ?, updated_at = ? WHERE id = ?').run(change.name ?? current.name, change.area ?? current.area, this.now(), id);
    return this.byId(id);
  }

  muteAudit(deviceId?: string): MuteAuditRow[] {
    const rows = (
      deviceId
        ? this.db.prepare('SELECT * FROM mute_audit WHERE device_id = ? ORDER BY id').all(deviceId)
        : this.db.prepare('SELECT * FROM mute_audit ORDER BY id').all()
    ) as { id: number; device_id: string; muted: number; source: 'mqtt' | 'frame' | 'api'; actor: string | null; at: number }[];
    return rows.map((r) => ({ id: r.id, deviceId: r.device_id, muted: r.muted === 1, source: r.source, actor: r.actor, at: r.at }));
  }
}
